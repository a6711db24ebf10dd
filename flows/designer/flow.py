"""The interpreter: one viewflow flow that runs every published version of every design.

Its chain is the step model's: the automatic steps (branch, e-mail, status) run
in ``advance`` until the version reaches a task or an end; a task is a
``HumanTask`` in the responsible office's queue whose form offers the step's
decisions; after the decision ``advance`` runs again. A definition that fails at
run time (which the check on saving should prevent) does not lose the case: it
waits in ``failed`` with the error on its timeline until someone retries it.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from portal_site.cases import events
from portal_site.cases.models import Case, CaseStatus
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status, record

from ..paying import WaitForPayment, invoice_paid, storno_case
from ..steps import HumanTask, StepContext, record_decision
from . import effects
from .blocks import ParallelMode
from .definition import DefinitionError, steps_by_id
from .kinds import Run, kind_of
from .models import ProcessDesignVersion
from .process import DesignedProcess
from .routing import designed_not_by, route
from .task_forms import DesignedTaskForm

logger = logging.getLogger(__name__)
MAX_AUTOMATIC_STEPS = 200
DIAGRAM_SECONDS = 24 * 3600  # also how long a drawing made without Graphviz stays a list


class FanOutActivation(SplitActivation):
    """A parallel step: one task of the same node for each of the step's tasks."""

    @Activation.status.super()
    def activate(self):
        node = self.flow_task._branches[0][0]
        items = self.flow_task.items_of(self)
        self.next_tasks = [(node, item) for item in items]
        if not self.next_tasks:
            raise FlowRuntimeError(f"No tasks for {self.flow_task.name}")


class FanOut(flow.Split):
    """viewflow's parallel split, with the tasks (their ``task.data``) computed per case."""

    activation_class = FanOutActivation

    def __init__(self, items, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._items = items

    def _resolve(self, instance) -> None:
        super()._resolve(instance)
        self._items = this.resolve(instance, self._items)

    def items_of(self, activation) -> list[dict]:
        return self._items(activation)


class DesignedFlow(flow.Flow):
    """Runs a frozen version of a process design, step by step."""

    process_class = DesignedProcess
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = gettext_lazy("Designed process")

    start = flow.StartHandle(this.start_case).Next(this.advance)
    advance = flow.Function(this.run_automatic_steps).Next(this.where)
    where = (
        flow.Switch()
        .Case(this.failed, lambda activation: bool(activation.process.error))
        .Case(this.task, lambda activation: _waits_in(activation) == "task")
        .Case(this.parallel, lambda activation: _waits_in(activation) == "parallel")
        .Case(this.waiting, lambda activation: _waits_in(activation) == "waiting")
        .Case(this.await_payment, lambda activation: _waits_in(activation) == "await_payment")
        .Default(this.end)
    )
    task = (
        HumanTask(
            DesignedTaskForm,
            this.decide,
            submit_label=gettext_lazy("Save decision"),
            not_by=lambda task: designed_not_by(task),
        )
        .Annotation(title=gettext_lazy("Task of a designed process"))
        .Assign(lambda activation: route(activation))
        .Next(this.advance)
    )
    # A Parallel step: its tasks at once; the join goes on when all (or one) are decided.
    parallel = FanOut(this.parallel_tasks).Next(this.parallel_task)
    parallel_task = (
        HumanTask(
            DesignedTaskForm,
            this.decide,
            submit_label=gettext_lazy("Save decision"),
            not_by=lambda task: designed_not_by(task),
        )
        .Annotation(title=gettext_lazy("Task of a parallel step"))
        .Assign(lambda activation: route(activation))
        .Next(this.join)
    )
    join = flow.Join(continue_on_condition=this.parallel_may_go_on).Next(this.leave_parallel)
    leave_parallel = flow.Function(this.after_parallel).Next(this.advance)
    # A Gebühr step: the invoice is issued by advance; here the case waits for the money.
    await_payment = WaitForPayment().Next(this.if_paid)
    if_paid = flow.If(invoice_paid).Then(this.paid).Else(this.storno)
    paid = flow.Function(this.after_payment).Next(this.advance)
    storno = flow.Function(this.after_storno).Next(this.advance)
    # A Warten step: viewflow's own database timer, due at the start of the day the step
    # fixed; viewflow's dispatcher fires it (the periodic job flows.designer.resume_waits).
    waiting = (
        flow.Timer(this.wait_due)
        .Annotation(title=gettext_lazy("Waiting until a date"))
        .Next(this.advance)
    )
    # A definition error: the case waits here, its error on the timeline, for a retry.
    failed = (
        flow.Handle()
        .Annotation(title=gettext_lazy("Error: waiting for a retry"))
        .Next(this.advance)
    )
    end = flow.End()

    def start_case(self, activation, case: Case, version: ProcessDesignVersion, **kwargs):
        activation.process.start_for(case)
        activation.process.version_id = version.pk
        activation.process.step = version.definition["steps"][0]["id"]
        return activation.process

    def decide(self, context: StepContext, data: dict[str, Any]) -> str:
        process = context.process
        step = process.task_step(context.task)
        choices = [(d["value"], d["label"]) for d in step["decisions"]]
        record_decision(
            context=context,
            choices=choices,
            decision=data["decision"],
            comment=data.get("comment", ""),
        )
        remember: dict[str, Any] = {
            "decisions": {**(process.decisions or {}), step["id"]: data["decision"]},
            "values": {**(process.values or {}), **(data.get("values") or {})},
        }
        if context.task.flow_task.name == "task":  # a parallel task: the step's next says
            remember["step"] = step["next"]
        context.remember(**remember)
        # Which designed step this task was: a later task may go to the same clerk.
        context.task.data = {**(context.task.data or {}), "designed_step": step["id"]}
        context.task.save(update_fields=["data"])
        return _("Decision saved.")

    def parallel_tasks(self, activation) -> list[dict]:
        step = activation.process.current_step()
        return [{"designed_step": task_id} for task_id in step["tasks"]]

    def parallel_may_go_on(self, activation, active_tasks) -> bool:
        """ "Any" mode: the first decision lets the case go on (the others are withdrawn)."""
        return activation.process.current_step().get("mode") == ParallelMode.ANY

    def after_parallel(self, activation) -> None:
        process = activation.process
        step = process.current_step()
        withdrawn = process.task_set.filter(flow_task=self.parallel_task, status="CANCELED").count()
        if withdrawn:
            record(
                case=case_of(process),
                message=events.PARALLEL_WITHDRAWN(count=withdrawn),
            )
        process.step = step["next"]
        process.save(update_fields=["data"])

    def after_payment(self, activation) -> None:
        """Paid: the case is being worked on again (a task may follow the fee)."""
        process = activation.process
        case = case_of(process)
        if case.status == CaseStatus.WAITING_FOR_PAYMENT:
            change_status(case=case, status=CaseStatus.IN_PROGRESS)
        process.step = process.current_step()["next"]
        process.save(update_fields=["data"])

    def after_storno(self, activation) -> None:
        """Not paid in time: the money chain's Storno, then the step the designer chose."""
        process = activation.process
        storno_case(activation)
        effects.release_reservations(case_of(process))
        process.step = process.current_step()["unpaid"]
        process.save(update_fields=["data"])

    def run_automatic_steps(self, activation) -> None:
        """The automatic steps (branches, status changes, e-mails …) up to the next step a
        case waits at, or the end: each step runs as its kind says
        (:meth:`.kinds.StepKind.proceed`)."""
        process = activation.process
        process.error = ""
        case = case_of(process)
        run = Run(process=process, case=case, steps=steps_by_id(process.definition()), flow=self)
        try:
            for _count in range(MAX_AUTOMATIC_STEPS):
                step = process.current_step()
                target = kind_of(step).proceed(step, run)
                if target is None:
                    break
                process.step = target
            else:
                raise DefinitionError(_("More than 200 automatic steps in a row: a loop."))
        except (DefinitionError, effects.StepFailed) as error:
            process.error = str(error)
            record(
                case=case,
                message=events.DEFINITION_ERROR(step=process.step, error=error),
            )
        process.save(update_fields=["data"])

    def wait_due(self, activation) -> datetime:
        """When the timer of a Warten step fires: the start of its day (local time)."""
        day = parse_date(activation.process.wait_until or "") or timezone.localdate()
        return timezone.make_aware(datetime.combine(day, time.min))


def resume_waits() -> int:
    """Periodic job: the Warten steps whose day has come go on. Their waits are viewflow
    timers (``flow.Timer``); viewflow's dispatcher fires every due one, each under its
    process's lock, so two runners never fire one twice."""
    from viewflow.workflow.timers import fire_due_timers

    return fire_due_timers()


def schedule_untimed_waits() -> int:
    """Setup step after an upgrade: waits that started before they were timers (open
    tasks of the ``waiting`` node of the kind ``HANDLE``) become scheduled timers."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    node = DesignedFlow.instance.node("waiting")
    changed = 0
    for task in Task.objects.filter(
        flow_task=node, status=STATUS.NEW, flow_task_type="HANDLE"
    ).select_related("process"):
        day = parse_date((task.process.data or {}).get("wait_until") or "")
        task.flow_task_type = "TIMER"
        task.status = STATUS.SCHEDULED
        task.scheduled = timezone.make_aware(
            datetime.combine(day or timezone.localdate(), time.min)
        )
        task.save(update_fields=["flow_task_type", "status", "scheduled"])
        changed += 1
    return changed


def _waits_in(activation) -> str:
    """The interpreter's node the case waits in at its current step ("": none)."""
    return kind_of(activation.process.current_step()).waits_in


def retry(case: Case) -> bool:
    """Run a case that waits after a definition error again (e.g. after a fix)."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from portal_site.cases.processes import of_cases

    node = DesignedFlow.instance.node("failed")
    task = Task.objects.filter(of_cases(case.pk), flow_task=node, status=STATUS.NEW).first()
    if task is None:
        return False
    node.run(task)
    return True


def diagram_of(case: Case) -> dict | None:
    """The case's designed process as a diagram with its current step marked (None for a
    case of a coded process)."""
    from .diagram import Names, step_label, svg_data_url

    process = (
        DesignedProcess.objects.filter(flow_class=DesignedFlow, artifact_object_id=case.pk)
        .order_by("-pk")
        .first()
    )
    if process is None or not process.version_id:
        return None
    version = ProcessDesignVersion.objects.select_related("design").get(pk=process.version_id)
    current = None if process.finished else process.step
    names = Names(version.definition)
    return {
        "error": process.error or "",
        "version": version,
        # A version never changes: its drawing per step is made once (Graphviz runs a
        # process), not on every view of a case.
        "image": cache.get_or_set(
            f"designer-diagram:{version.pk}:{current or ''}",
            lambda: svg_data_url(version.definition, current=current),
            timeout=DIAGRAM_SECONDS,
        ),
        "steps": [
            {"id": step["id"], "label": step_label(step, names)}
            for step in version.definition["steps"]
        ],
        "current": current,
    }

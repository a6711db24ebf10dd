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
from contextlib import contextmanager
from datetime import time, timedelta
from typing import Any

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.accounts.selectors import department_head_of, team_lead_of
from portal_site.cases import events
from portal_site.cases.models import Case
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status, record
from portal_site.processes import inputs_of

from ..case_process import CaseProcess
from ..paying import WaitForPayment, invoice_paid, storno_case
from ..steps import HumanTask, NotBy, StepContext, StepForm, record_decision
from . import effects
from .blocks import Assignee, FieldKind, ParallelMode
from .definition import arm_holds, steps_by_id
from .models import ProcessDesignVersion, Resource

logger = logging.getLogger(__name__)
MAX_AUTOMATIC_STEPS = 200
DIAGRAM_SECONDS = 24 * 3600  # also how long a drawing made without Graphviz stays a list


class DefinitionError(Exception):
    """The frozen definition cannot go on (a step missing, a loop of automatic steps)."""


@contextmanager
def _acting(step: dict):
    """One step's effects in a savepoint: if it fails unexpectedly, what it did is undone
    and the case waits in the error state with the reason (the clerk's action that led
    here still counts), instead of the whole request failing."""
    try:
        with transaction.atomic():
            yield
    except (DefinitionError, effects.StepFailed):
        raise
    except Exception as error:  # noqa: BLE001 - any failure of a step: error state, logged
        logger.exception("Designed step %s failed", step.get("id"))
        raise DefinitionError(
            _("The step “%(id)s” failed: %(error)s") % {"id": step.get("id"), "error": error}
        ) from error


class DesignedProcess(CaseProcess):
    """Which version the case runs on, where it stands, and what the clerks decided."""

    version_id = jsonstore.IntegerField(null=True, blank=True)
    step = jsonstore.CharField(max_length=40, blank=True)
    decisions = jsonstore.JSONField(default=dict, blank=True)
    error = jsonstore.TextField(blank=True)
    wait_until = jsonstore.CharField(max_length=10, blank=True)  # ISO date of a Warten step
    values = jsonstore.JSONField(default=dict, blank=True)  # the clerks' fields, by name
    documents = jsonstore.JSONField(default=dict, blank=True)  # document step id -> file id
    invoice_id = jsonstore.IntegerField(null=True, blank=True)  # of a Gebühr step

    class Meta:
        proxy = True
        verbose_name = gettext_lazy("designed process")
        verbose_name_plural = gettext_lazy("designed processes")

    def definition(self) -> dict:
        """The frozen version (read once per process object: versions never change)."""
        cached = self.__dict__.get("_definition")
        if cached is None or cached[0] != self.version_id:
            version = ProcessDesignVersion.objects.get(pk=self.version_id)
            cached = self.__dict__["_definition"] = (self.version_id, version.definition)
        return cached[1]

    def current_step(self) -> dict:
        return self.step_of(self.step)

    def step_of(self, step_id: str) -> dict:
        try:
            return steps_by_id(self.definition())[step_id]
        except KeyError:
            message = _("The step “%(id)s” does not exist.") % {"id": step_id}
            raise DefinitionError(message) from None

    def task_step(self, task) -> dict:
        """The designed task a workspace task stands for (a parallel one says so itself)."""
        return self.step_of((task.data or {}).get("designed_step") or self.step)


class DesignedTaskForm(StepForm):
    """The designed task's fields (as the designer listed them), its decision, a comment."""

    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=gettext_lazy("Comment (internal)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process = DesignedProcess.objects.get(pk=self.task.process_id)
        step = process.task_step(self.task)
        decision = self.fields.pop("decision")
        comment = self.fields.pop("comment")
        assert isinstance(decision, forms.ChoiceField)
        known = process.values or {}
        for spec in step.get("fields") or []:
            field = clerk_field(spec)
            field.initial = known.get(spec["name"])
            self.fields[f"field_{spec['name']}"] = field
        decision.choices = [(d["value"], d["label"]) for d in step["decisions"]]
        decision.label = step["title"]
        decision.help_text = step.get("instructions") or ""
        self.fields["decision"] = decision
        self.fields["comment"] = comment

    def field_values(self) -> dict[str, Any]:
        """The filled-in fields as JSON values (dates as ISO text), by their names."""
        found = {}
        for key, value in self.cleaned_data.items():
            if key.startswith("field_"):
                if isinstance(value, time):
                    value = value.strftime("%H:%M")
                found[key[len("field_") :]] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["values"] = self.field_values()
        return data


def clerk_field(spec: dict) -> forms.Field:
    """The form field of a field the designer gave a task."""
    kind, required, label = spec["kind"], bool(spec.get("required")), spec["label"]
    common: dict[str, Any] = {"label": label, "required": required}
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldKind.NUMBER:
        return forms.DecimalField(max_digits=12, decimal_places=2, **common)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldKind.TIME:  # "10:30"; anything else is refused with Django's message
        return forms.TimeField(
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
            **common,
        )
    if kind == FieldKind.YES_NO:
        return forms.BooleanField(**common)
    if kind in (FieldKind.CHOICE, FieldKind.RESOURCE):
        if kind == FieldKind.CHOICE:
            options = [c.strip() for c in (spec.get("choices") or "").splitlines() if c.strip()]
        else:
            options = [str(r) for r in Resource.objects.filter(active=True)]
        choices = [("", "---------")] if not required else []
        return forms.ChoiceField(choices=choices + [(o, o) for o in options], **common)
    return forms.CharField(max_length=500, **common)


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
        .Case(this.task, lambda activation: _kind(activation) == "task")
        .Case(this.parallel, lambda activation: _kind(activation) == "parallel")
        .Case(this.waiting, lambda activation: _kind(activation) == "wait")
        .Case(this.await_payment, lambda activation: _kind(activation) == "fee")
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
    # A Warten step: the periodic job flows.designer.resume_waits goes on when it is due.
    waiting = (
        flow.Handle().Annotation(title=gettext_lazy("Waiting until a date")).Next(this.advance)
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
        process = activation.process
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
        """Branches, status changes and e-mails up to the next task or the end.

        A step's next step is looked up before the step acts, so a definition error
        stops in front of the step; a retry runs it once, not twice.
        """
        process = activation.process
        process.error = ""
        case = case_of(process)
        try:
            steps = steps_by_id(process.definition())
            for _count in range(MAX_AUTOMATIC_STEPS):
                step = process.current_step()
                if step["kind"] in ("task", "parallel", "end"):
                    if step["kind"] == "end":
                        self._end(step, case)
                    break
                if step["kind"] == "wait" and not self._wait_over(step, process, case):
                    break
                if step["kind"] == "fee" and (case.data or {}).get("test_run"):
                    # A test run charges nothing: no Kassenzeichen, no booking.
                    from .diagram import Names

                    fees = Names(None)
                    record(
                        case=case,
                        message=events.TEST_RUN_FEE_SKIPPED(
                            fee=", ".join(fees.fee(line["booking_key"]) for line in step["lines"])
                        ),
                    )
                    process.step = step["next"]
                    continue
                if step["kind"] == "fee":
                    with _acting(step):
                        effects.issue_fee(step, process=process, case=case)
                        change_status(case=case, status="waiting_for_payment")
                    break
                if step["kind"] == "reserve":
                    with _acting(step):
                        target = self._reserve(step, process=process, case=case)
                else:
                    target = self._target(step, process=process, case=case)
                    if target not in steps:
                        raise DefinitionError(
                            _("The step “%(id)s” continues with “%(next)s”, which does not exist.")
                            % {"id": step["id"], "next": target}
                        )
                    with _acting(step):
                        self._act(step, process=process, case=case)
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

    def _wait_over(self, step: dict, process: DesignedProcess, case: Case) -> bool:
        """Whether a Warten step is due; the first time, its date is fixed and noted."""
        if not process.wait_until:
            if step.get("days"):
                until = timezone.localdate() + timedelta(days=int(step["days"]))
            else:
                value = inputs_of(case).get(step.get("until_input") or "")
                until = parse_date(str(value or "")) or timezone.localdate()
            process.wait_until = until.isoformat()
            record(
                case=case,
                message=events.WAITING_UNTIL(date=until),
            )
        due = parse_date(process.wait_until) or timezone.localdate()
        if due > timezone.localdate():
            return False
        process.wait_until = ""
        return True

    def _target(self, step: dict, *, process: DesignedProcess, case: Case) -> str:
        """The id of the step that follows an automatic step."""
        if step["kind"] == "branch":
            values = effects.values_of(process, case)
            for condition in step["conditions"]:
                if arm_holds(condition, decisions=process.decisions or {}, inputs=values):
                    return condition["next"]
            return step["default"]
        if step["kind"] in ("status", "email", "wait", "document"):
            return step["next"]
        raise DefinitionError(_("Unknown kind of step: %(kind)s") % {"kind": step["kind"]})

    def _act(self, step: dict, *, process: DesignedProcess, case: Case) -> None:
        if step["kind"] == "status":
            change_status(case=case, status=step["status"])
        elif step["kind"] == "email":
            effects.send_email(step, process=process, case=case)
        elif step["kind"] == "document":
            effects.file_document(step, process=process, case=case)

    def _reserve(self, step: dict, *, process: DesignedProcess, case: Case) -> str:
        try:
            done, message = effects.reserve(step, process=process, case=case)
        except effects.StepFailed as error:  # e.g. "9 Uhr": not available, with the reason
            done, message = False, events.RESERVATION_REFUSED(reason=str(error))
        record(case=case, message=message)
        return step["next"] if done else step["refused"]

    def _end(self, step: dict, case: Case) -> None:
        if step["outcome"] != "completed":
            effects.release_reservations(case)
        if case.status != step["outcome"]:
            change_status(case=case, status=step["outcome"])


def designed_not_by(task):
    """Who may not decide a designed task: its step's "not by" setting (the applicant unless
    switched off, and whoever decided the named tasks)."""
    from .definition import not_by_steps

    step = DesignedProcess.objects.get(pk=task.process_id).task_step(task)
    return NotBy(applicant=step.get("not_by_applicant") is not False, steps=not_by_steps(step))


def route(activation) -> User | None:
    """Who gets a new task: a person (returned), or a queue noted on the task (another
    office's, a role's; None and no note: the responsible office's queue). Its own
    deadline goes on the task too, where the deadlines job reads it."""
    process, task = activation.process, activation.task
    step = process.task_step(task)
    data = dict(task.data or {})
    data["designed_step"] = step["id"]
    if step.get("days"):
        data["deadline_days"] = int(step["days"])
    if step.get("escalate_after_days") not in (None, ""):
        data["escalate_after_days"] = int(step["escalate_after_days"])
    assignee = step.get("assignee") or Assignee.OFFICE
    if assignee == Assignee.OTHER_OFFICE:
        office = OrgUnit.objects.filter(short_name=step.get("office") or "").first()
        if office is not None:
            data["queue_office"] = office.pk
    elif assignee == Assignee.ROLE and step.get("role") in roles.ROLES:
        data["queue_role"] = step["role"]
    task.data = data
    return assignee_of(process, step, task)


def assignee_of(process: DesignedProcess, step: dict, task=None) -> User | None:
    """The person a task goes to; None leaves it in a queue (also when the directory knows
    no supervisor, which the timeline says)."""
    assignee = step.get("assignee") or Assignee.OFFICE
    if assignee in (Assignee.OFFICE, Assignee.OTHER_OFFICE, Assignee.ROLE):
        return None
    case = case_of(process)
    user: User | None = None
    if assignee == Assignee.PERSON:
        user = User.objects.filter(username=step.get("person") or "", is_active=True).first()
    elif assignee in (Assignee.TEAM_LEAD, Assignee.DEPARTMENT_HEAD):
        number = str((case.data.get("values") or {}).get("personnel_number") or "")
        employee = Employee.objects.filter(personnel_number=number).first() if number else None
        if employee is not None:
            lookup = team_lead_of if assignee == Assignee.TEAM_LEAD else department_head_of
            user = lookup(employee)
    elif assignee == Assignee.EARLIER_CLERK:
        earlier = (
            process.task_set.filter(flow_task_type="HUMAN", status="DONE", owner__isnull=False)
            .filter(data__designed_step=step.get("earlier_task"))
            .order_by("-finished")
            .first()
        )
        user = earlier.owner if earlier else None
    if user is None or not user.is_active:
        record(
            case=case,
            message=events.TASK_NOBODY_FOUND(task=step["title"]),
        )
        return None
    return user


def resume_waits() -> int:
    """Periodic job: cases whose Warten step is due go on (idempotent, row-locked)."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    node = DesignedFlow.instance.node("waiting")
    today = timezone.localdate().isoformat()
    resumed = 0
    for task in Task.objects.filter(flow_task=node, status=STATUS.NEW).select_related("process"):
        until = (task.process.data or {}).get("wait_until") or ""
        if until and until <= today:
            with transaction.atomic():
                node.run(task)
            resumed += 1
    return resumed


def _kind(activation) -> str:
    return activation.process.current_step()["kind"]


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


def erase_designed_data(case: Case) -> None:
    """The case's erasure (kernel eraser): what clerks filled into a designed process's
    fields goes with the applicant's data; reservations are released. Decisions (option
    values the designer defined) and the step stay, so the history stays explainable."""
    for process in DesignedProcess.objects.filter(
        flow_class=DesignedFlow, artifact_object_id=case.pk
    ):
        if process.values:
            process.values = {}
            process.save(update_fields=["data"])
    effects.active_reservations(case).update(released_at=timezone.now())

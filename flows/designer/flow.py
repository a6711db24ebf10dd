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
from datetime import timedelta
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

from portal_site.accounts.models import Employee, User
from portal_site.accounts.selectors import department_head_of, team_lead_of
from portal_site.cases.models import Case, TimelineEntry
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status, record
from portal_site.notifications.letters import fill_placeholders
from portal_site.notifications.services import queue_email
from portal_site.processes import inputs_of

from ..case_process import CaseProcess
from ..steps import HumanTask, StepContext, StepForm, record_decision
from .blocks import Assignee, Recipient
from .definition import holds, steps_by_id
from .models import ProcessDesignVersion

logger = logging.getLogger(__name__)
MAX_AUTOMATIC_STEPS = 200
DIAGRAM_SECONDS = 24 * 3600  # also how long a drawing made without Graphviz stays a list


class DefinitionError(Exception):
    """The frozen definition cannot go on (a step missing, a loop of automatic steps)."""


class DesignedProcess(CaseProcess):
    """Which version the case runs on, where it stands, and what the clerks decided."""

    version_id = jsonstore.IntegerField(null=True, blank=True)
    step = jsonstore.CharField(max_length=40, blank=True)
    decisions = jsonstore.JSONField(default=dict, blank=True)
    error = jsonstore.TextField(blank=True)
    wait_until = jsonstore.CharField(max_length=10, blank=True)  # ISO date of a Warten step

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
        try:
            return steps_by_id(self.definition())[self.step]
        except KeyError:
            message = _("The step “%(id)s” does not exist.") % {"id": self.step}
            raise DefinitionError(message) from None


class DesignedTaskForm(StepForm):
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
        step = process.current_step()
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [(d["value"], d["label"]) for d in step["decisions"]]
        decision.label = step["title"]
        decision.help_text = step.get("instructions") or ""


def _values(case: Case) -> dict[str, str]:
    values = {key: str(value) for key, value in inputs_of(case).items()}
    values.update(
        {
            "case_number": case.number,
            "title": case.title,
            "applicant_name": case.applicant_name,
            "office": str(case.office or ""),
        }
    )
    return values


class DesignedFlow(flow.Flow):
    """Runs a frozen version of a process design, step by step."""

    process_class = DesignedProcess
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = gettext_lazy("Designed process")

    start = flow.StartHandle(this.start_case).Next(this.advance)
    advance = flow.Function(this.run_automatic_steps).Next(this.where)
    where = (
        flow.Switch()
        .Case(this.task, lambda activation: not activation.process.error and _kind(activation))
        .Case(this.failed, lambda activation: bool(activation.process.error))
        .Case(this.waiting, lambda activation: _waits(activation))
        .Default(this.end)
    )
    task = (
        HumanTask(DesignedTaskForm, this.decide, submit_label=gettext_lazy("Save decision"))
        .Annotation(title=gettext_lazy("Task of a designed process"))
        .Assign(lambda activation: assignee_of(activation.process))
        .Next(this.advance)
    )
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
        step = context.process.current_step()
        choices = [(d["value"], d["label"]) for d in step["decisions"]]
        record_decision(
            context=context,
            choices=choices,
            decision=data["decision"],
            comment=data.get("comment", ""),
        )
        context.remember(
            decisions={**(context.process.decisions or {}), step["id"]: data["decision"]},
            step=step["next"],
        )
        # Which designed step this task was: a later task may go to the same clerk.
        context.task.data = {**(context.task.data or {}), "designed_step": step["id"]}
        context.task.save(update_fields=["data"])
        return _("Decision saved.")

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
                if step["kind"] in ("task", "end"):
                    if step["kind"] == "end":
                        change_status(case=case, status=step["outcome"])
                    break
                if step["kind"] == "wait" and not self._wait_over(step, process, case):
                    break
                target = self._target(step, process=process, case=case)
                if target not in steps:
                    raise DefinitionError(
                        _("The step “%(id)s” continues with “%(next)s”, which does not exist.")
                        % {"id": step["id"], "next": target}
                    )
                self._act(step, case=case)
                process.step = target
            else:
                raise DefinitionError(_("More than 200 automatic steps in a row: a loop."))
        except DefinitionError as error:
            process.error = str(error)
            record(
                case=case,
                kind=TimelineEntry.Kind.SYSTEM,
                message=_("Error in the process definition at step “%(id)s”: %(error)s")
                % {"id": process.step, "error": error},
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
                kind=TimelineEntry.Kind.SYSTEM,
                message=_("Waiting until %(date)s.") % {"date": until.strftime("%d.%m.%Y")},
            )
        due = parse_date(process.wait_until) or timezone.localdate()
        if due > timezone.localdate():
            return False
        process.wait_until = ""
        return True

    def _target(self, step: dict, *, process: DesignedProcess, case: Case) -> str:
        """The id of the step that follows an automatic step."""
        if step["kind"] == "branch":
            inputs = inputs_of(case)
            for condition in step["conditions"]:
                if holds(condition, decisions=process.decisions or {}, inputs=inputs):
                    return condition["next"]
            return step["default"]
        if step["kind"] in ("status", "email", "wait"):
            return step["next"]
        raise DefinitionError(_("Unknown kind of step: %(kind)s") % {"kind": step["kind"]})

    def _act(self, step: dict, *, case: Case) -> None:
        if step["kind"] == "status":
            change_status(case=case, status=step["status"])
        elif step["kind"] == "email":
            self._mail(step, case)

    def _mail(self, step: dict, case: Case) -> None:
        to = {
            Recipient.APPLICANT: case.applicant_email,
            Recipient.OFFICE: case.office.email if case.office else "",
            Recipient.ADDRESS: step.get("address") or "",
        }[step["to"]]
        values = _values(case)
        subject = fill_placeholders(step["subject"], values)
        body = fill_placeholders(step["body"], values)
        if to:
            queue_email(to=[to], subject=subject, body=body, case=case)
        record(
            case=case,
            kind=TimelineEntry.Kind.MESSAGE,
            message=_("E-mail “%(subject)s” to %(to)s.") % {"subject": subject, "to": to or "–"}
            if to
            else _("E-mail “%(subject)s” not sent: no address.") % {"subject": subject},
        )


def assignee_of(process: DesignedProcess) -> User | None:
    """Who gets the current task; None leaves it in the responsible office's queue (also
    when the directory knows no supervisor, which the timeline says)."""
    step = process.current_step()
    assignee = step.get("assignee") or Assignee.OFFICE
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
    if assignee != Assignee.OFFICE and (user is None or not user.is_active):
        record(
            case=case,
            kind=TimelineEntry.Kind.TASK,
            message=_("Nobody found for the task “%(title)s”; it waits in the office's queue.")
            % {"title": step["title"]},
        )
        return None
    return user


def _waits(activation) -> bool:
    process = activation.process
    return not process.error and process.current_step()["kind"] == "wait"


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


def _kind(activation) -> bool:
    return activation.process.current_step()["kind"] == "task"


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
    from .diagram import step_label, svg_data_url

    process = (
        DesignedProcess.objects.filter(flow_class=DesignedFlow, artifact_object_id=case.pk)
        .order_by("-pk")
        .first()
    )
    if process is None or not process.version_id:
        return None
    version = ProcessDesignVersion.objects.select_related("design").get(pk=process.version_id)
    current = None if process.finished else process.step
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
            {"id": step["id"], "label": step_label(step)} for step in version.definition["steps"]
        ],
        "current": current,
    }

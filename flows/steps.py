"""The human step of a back-office process: a viewflow node that carries its own form and effect.

A process declares each human step as a :class:`HumanTask` node in its flow's
chain, with the form the clerk fills in and the flow method that applies the
answer (the handler). The node's viewflow view is the staff workspace's task
page, so the chain viewflow draws is the process the clerks work through.
:func:`flows.workspace.complete_step` runs the handler under the process row
lock and then lets viewflow move on (switches, automatic steps, the next task).
Claiming, locking, the timeline entry for the finished task and the error when
someone else was faster are the workspace's, the same for every process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.this_object import ThisObject
from viewflow.workflow import flow
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.cases import events
from portal_site.cases.models import Case
from portal_site.cases.services import notify_applicant, record
from portal_site.registry import Registry

from .deadlines import CASE_DEADLINE, Deadline, due_date_for


class StepForm(forms.Form):
    """A task's form; it sees the case and the task (e.g. to offer the right choices)."""

    def __init__(self, *args: Any, case: Case, task: Task, **kwargs: Any) -> None:
        self.case = case
        self.task = task
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class StepContext:
    """What a step handler gets: the locked task, its process and case, the clerk."""

    task: Task
    process: Process
    case: Case
    user: User

    def decide(self, field: str, choices, data: dict[str, Any], **extra: Any) -> str:
        """The clerk's ``data["decision"]``: on the timeline (with the internal comment) and
        on the process as ``field`` (with ``extra``), where the branches read it."""
        decision = data["decision"]
        record_decision(
            context=self, choices=choices, decision=decision, comment=data.get("comment", "")
        )
        self.remember(**{field: decision}, **extra)
        return decision

    def remember(self, **values: Any) -> None:
        """Store decisions on the process's typed fields, where the flow's switches read them.

        A name the process does not declare is a programming error, not silently kept.
        """
        for name, value in values.items():
            self.process._meta.get_field(name)  # FieldDoesNotExist for an unknown name
            setattr(self.process, name, value)
        self.process.save(update_fields=["data"])


# handler(context, cleaned_data) -> the success message shown to the clerk
Handler = Callable[[StepContext, dict[str, Any]], str]


SAVE = gettext_lazy("Save")


def open_in_workspace(request, *, task_pk: int, **kwargs):
    """The node's viewflow view: the task is worked on the staff workspace's task page."""
    return redirect("flows_task", task_id=task_pk)


@dataclass(frozen=True)
class NotBy:
    """Who may not decide a step (segregation of duties, :mod:`flows.segregation`): the
    case's parties (``applicant``) and the deciders of the named ``steps`` (node names of
    a coded flow, step ids of a designed process)."""

    applicant: bool = True
    steps: tuple[str, ...] = ()


# What runs when a human step's task is created (its case given): filled at start-up by
# flows.apps with segregation of duties, which needs the app's models this module may not
# import (they import the designer, which imports the steps).
TaskCreated = Callable[[Task, Case], None]
_TASK_CREATED: Registry[str, TaskCreated] = Registry("task created hooks")


def on_task_created(name: str, hook: TaskCreated) -> None:
    _TASK_CREATED.register(name, hook)


class StepActivation(ViewActivation):
    """A human step's task, created with the hooks of :func:`on_task_created` applied
    (segregation of duties: who may not decide it is written down at once, an excluded
    assignee gives it back to the queue, a task nobody in its queue may decide is
    escalated)."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task = activation.task
        if task.owner_id:  # the process gave it to a person (a supervisor): theirs in person
            task.data = {**(task.data or {}), "given_to": task.owner_id}
            task.save(update_fields=["data"])
        case_id = activation.process.artifact_object_id
        if case_id is not None:
            case = Case.objects.filter(pk=case_id).first()
            if case is not None:
                for hook in _TASK_CREATED.values():
                    hook(activation.task, case)
        return activation


class HumanTask(flow.View):
    """A human step: its form, its handler (a flow method via ``this``), its button.

    ``initial(case, task)`` fills the form's first values (e.g. a reply's subject);
    ``deadline`` says when the step is due, with its reminder and escalation;
    ``stage`` is where the case stands while the step waits ("In review"), shown to
    staff and to the applicant with the status (:func:`follow_stage`);
    ``not_by`` says who may not decide it (:class:`NotBy`: the case's
    parties, and the deciders of the named earlier steps), or computes it for a task.
    """

    activation_class = StepActivation

    def __init__(
        self,
        form_class: type[StepForm],
        handler: ThisObject | Handler,
        *,
        submit_label: str | Promise = SAVE,
        initial: Callable[[Case, Task], dict[str, Any]] | None = None,
        deadline: Deadline = CASE_DEADLINE,
        stage: Promise | None = None,
        not_by: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(open_in_workspace, **kwargs)
        self._not_by = not_by
        self.deadline = deadline
        self.stage = stage
        self.form_class = form_class
        self._handler = handler
        self.submit_label = submit_label
        self.initial = initial

    @property
    def handler(self) -> Handler:
        return this.resolve(self.flow_class.instance, self._handler)

    def not_by_for(self, task: Task) -> NotBy:
        """Who may not decide ``task`` (:class:`NotBy`)."""
        rule = self._not_by
        if callable(rule):
            rule = rule(task)
        return rule if rule is not None else NotBy()


def follow_stage(case: Case, process: Process) -> None:
    """The case's stage follows its process: the stage of the human step now open (kept
    as the source text, translated for each reader), or none."""
    from django.utils import translation

    stage = ""
    open_task = (
        process.task_set.filter(flow_task_type="HUMAN", status__in=OPEN_STEP)
        .order_by("-created", "-pk")
        .first()
    )
    node = open_task.flow_task if open_task is not None else None
    if isinstance(node, HumanTask) and node.stage:
        with translation.override(None):  # the message key, not today's reader's text
            stage = str(node.stage)
    if case.stage != stage:
        case.stage = stage
        case.save(update_fields=["stage", "updated_at"])


OPEN_STEP = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def step_for(task: Task) -> HumanTask | None:
    """The human step of an open task (None for a node the workspace cannot complete)."""
    node = task.flow_task
    return node if isinstance(node, HumanTask) else None


def start_case_process(
    flow_class, *, case: Case, actor: User | None = None, first_task=None, **start: Any
):
    """Start ``flow_class`` on a fresh case: its due date, the process (``start`` goes to
    the flow's start method), and (``first_task``, the human node the chain starts with)
    "Task … created for <office>" on the timeline."""
    if case.due_date is None:
        case.due_date = due_date_for(case=case)
        case.save(update_fields=["due_date", "updated_at"])
    process = flow_class.start.run(case=case, **start)
    follow_stage(case, process)
    if first_task is not None:
        record(
            case=case,
            actor=actor,
            message=events.TASK_CREATED(
                task=first_task.task_title,
                office=case.office or gettext_lazy("the back office"),
            ),
        )
    return process


def decider(activation) -> User | None:
    """The clerk who completed the step that led here (the actor of an automatic effect)."""
    task = (
        activation.process.task_set.filter(flow_task_type="HUMAN", status=STATUS.DONE)
        .select_related("owner")
        .order_by("-finished", "-pk")
        .first()
    )
    return task.owner if task else None


def record_decision(*, context: StepContext, choices, decision: str, comment: str = "") -> None:
    """The decision on the timeline (with the internal comment) and on the process."""
    record(
        case=context.case,
        actor=context.user,
        message=events.DECIDED(
            decision=dict(choices)[decision],
            suffix=f" – {comment}" if comment else "",
        ),
        data={"decision": decision, "comment": comment},
    )


def send_answer(*, context: StepContext, subject: str, message: str, attachments=()) -> None:
    """E-mail the applicant (through the outbox) and put the answer on the timeline."""
    notify_applicant(
        case=context.case,
        subject=subject,
        body=message,
        event=events.ANSWER_SENT,
        actor=context.user,
        attachments=attachments,
        note_unsent=True,
    )

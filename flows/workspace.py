"""The staff workspace's writes: claim, release and complete tasks of case processes.

Every write takes the process row lock (viewflow's ``task.activation()`` with
``SelectForUpdateLock``) and re-reads the task under it, so of two clerks acting
at the same moment exactly one succeeds; the other gets a clear message.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.cases import access
from portal_site.cases.models import Case, CaseStatus, TimelineEntry
from portal_site.cases.processes import case_id_of, of_cases
from portal_site.cases.services import actor_label_for, cancel_case, change_status, record
from portal_site.notifications.services import queue_email

from .generic import GenericFlow
from .selectors import is_lead_for
from .steps import StepContext, step_for


class TaskNotAvailable(Exception):
    """The task was taken, finished or is not the user's: say so, don't crash."""


class NotAllowed(TaskNotAvailable):
    """The access policy refuses the user this task (another office's queue)."""


def _case_of(task: Task) -> Case:
    return Case.objects.get(pk=case_id_of(task.process))


def start_generic(*, case: Case, actor: User | None = None) -> object:
    """Registry entry point: start the generic process for a freshly opened case."""
    from .deadlines import due_date_for

    if case.due_date is None:
        case.due_date = due_date_for(case=case)
        case.save(update_fields=["due_date", "updated_at"])
    process = GenericFlow.start.run(case=case)
    record(
        case=case,
        kind=TimelineEntry.Kind.TASK,
        message=_("Task “%(task)s” created for %(office)s.")
        % {"task": GenericFlow.handle.task_title, "office": case.office or _("the back office")},
        actor=actor,
    )
    return process


def _human_task(task_id: int) -> Task:
    """A task people work on; the others (waiting for a payment, …) are not theirs to take."""
    from .selectors import human_tasks

    task = human_tasks().filter(pk=task_id).first()
    if task is None:
        raise TaskNotAvailable(_("This task is no longer open."))
    return task


def claim_task(*, task_id: int, user: User) -> Task:
    """Take an open task from the queue of an office the user belongs to or leads."""
    task = _human_task(task_id)
    if not access.can_claim_from_queue(user=user, office_id=task.process.data.get("office_id")):
        raise NotAllowed(_("This task belongs to the queue of another office."))
    with task.activation() as activation:
        task = activation.task
        if task.status != STATUS.NEW or task.owner_id:
            owner = actor_label_for(task.owner) if task.owner_id else None
            raise TaskNotAvailable(
                _("%(name)s has already taken this task.") % {"name": owner}
                if owner
                else _("This task is no longer open.")
            )
        activation.assign(user)
        case = _case_of(task)
        record(
            case=case,
            kind=TimelineEntry.Kind.TASK,
            actor=user,
            message=_("Task “%(task)s” taken.") % {"task": task.flow_task.task_title},
        )
        if case.status == CaseStatus.RECEIVED:
            change_status(case=case, status=CaseStatus.IN_PROGRESS, actor=user)
    return task


def release_task(*, task_id: int, user: User) -> Task:
    task = _human_task(task_id)
    with task.activation() as activation:
        task = activation.task
        if task.status != STATUS.ASSIGNED or task.owner_id != user.pk:
            raise TaskNotAvailable(_("Only the clerk who took an open task can release it."))
        activation.unassign()
        record(
            case=_case_of(task),
            kind=TimelineEntry.Kind.TASK,
            actor=user,
            message=_("Task “%(task)s” released to the queue.")
            % {"task": task.flow_task.task_title},
        )
    return task


def complete_step(*, task_id: int, user: User, data: dict[str, Any]) -> str:
    """Complete the user's task with the step's handler, then let the flow move on.

    Runs under the process row lock: of two clerks acting at once, one
    completes the task and the other gets :class:`TaskNotAvailable`.
    Returns the handler's message for the clerk.
    """
    task = Task.objects.get(pk=task_id)
    step = step_for(task)
    if step is None:
        raise TaskNotAvailable(_("This task cannot be completed in the workspace."))
    with transaction.atomic(), task.activation() as activation:
        task = activation.task
        if task.status != STATUS.ASSIGNED or task.owner_id != user.pk:
            raise TaskNotAvailable(
                _("This task has been completed or taken by someone else in the meantime.")
            )
        case = _case_of(task)
        if not access.can_act_on_case(user=user, case=case):
            raise NotAllowed(_("You may not work on this case."))
        activation.start(request=None)
        context = StepContext(task=task, process=activation.process, case=case, user=user)
        message = step.handler(context, data)
        record(
            case=case,
            kind=TimelineEntry.Kind.TASK,
            actor=user,
            message=_("Task “%(task)s” completed.") % {"task": task.flow_task.task_title},
        )
        activation.execute()
        _keep_next_step_with(user=user, task=task)
    return message


def _keep_next_step_with(*, user: User, task: Task) -> None:
    """The process's next task in the office's queue stays with the office's clerk who did
    this one (a lead approving from above leaves it in the queue)."""
    from .selectors import human_tasks

    office_id = task.process.data.get("office_id")
    if not office_id or user.org_unit_id != office_id:
        return
    following = human_tasks().filter(
        process_id=task.process_id, status=STATUS.NEW, owner__isnull=True
    )
    for next_task in following:
        with next_task.activation() as activation:
            if activation.task.status == STATUS.NEW and not activation.task.owner_id:
                activation.assign(user)
                record(
                    case=_case_of(next_task),
                    kind=TimelineEntry.Kind.TASK,
                    actor=user,
                    message=_("Task “%(task)s” taken.") % {"task": next_task.flow_task.task_title},
                )


class Decision:
    """The clerk's decision on a generic request and the case status it leads to."""

    DONE = "done"
    REJECTED = "rejected"
    CHOICES = [
        (DONE, gettext_lazy("Done: request fulfilled")),
        (REJECTED, gettext_lazy("Rejected")),
    ]
    STATUS = {DONE: CaseStatus.COMPLETED, REJECTED: CaseStatus.REJECTED}


def record_decision(*, context: StepContext, choices, decision: str, comment: str = "") -> None:
    """The decision on the timeline (with the internal comment) and on the process."""
    record(
        case=context.case,
        kind=TimelineEntry.Kind.DECISION,
        actor=context.user,
        message=_("Decision: %(decision)s") % {"decision": dict(choices)[decision]}
        + (f" – {comment}" if comment else ""),
        data={"decision": decision, "comment": comment},
    )


def send_answer(*, context: StepContext, subject: str, message: str, attachments=()) -> None:
    """E-mail the applicant (through the outbox) and put the answer on the timeline."""
    case = context.case
    if case.applicant_email:
        queue_email(
            to=[case.applicant_email],
            subject=subject,
            body=message,
            case=case,
            attachments=attachments,
        )
    record(
        case=case,
        kind=TimelineEntry.Kind.MESSAGE,
        actor=context.user,
        message=_("Answer sent to the applicant: %(subject)s") % {"subject": subject},
        data={"subject": subject, "body": message},
    )


def handle_generic_answer(context: StepContext, data: dict[str, Any]) -> str:
    decision = data.get("decision") or Decision.DONE
    record_decision(
        context=context,
        choices=Decision.CHOICES,
        decision=decision,
        comment=data.get("comment", ""),
    )
    send_answer(context=context, subject=data["subject"], message=data["message"])
    change_status(case=context.case, status=Decision.STATUS[decision], actor=context.user)
    return _("The answer was sent and case %(number)s is closed.") % {"number": context.case.number}


def answer_and_close(
    *,
    task_id: int,
    user: User,
    subject: str,
    message: str,
    decision: str = Decision.DONE,
    comment: str = "",
) -> Case:
    """Record the decision, send the answer to the applicant by e-mail, close the case."""
    complete_step(
        task_id=task_id,
        user=user,
        data={"subject": subject, "message": message, "decision": decision, "comment": comment},
    )
    task = Task.objects.get(pk=task_id)
    return _case_of(task)


def cancel_with_tasks(*, case: Case, user: User, reason: str) -> Case:
    """Cancel the case with its open tasks and its unpaid invoices, or nothing at all.

    An invoice with payments cannot be cancelled here (the money must be
    refunded first): the clerk gets the cash office's message and nothing changes.
    """
    from shop.models import Invoice
    from shop.services import cancel_invoice

    if not reason.strip():
        raise ValueError(_("Please give a reason for the cancellation."))
    with transaction.atomic():
        for invoice in Invoice.objects.filter(case=case, status=Invoice.Status.OPEN):
            cancel_invoice(invoice=invoice, reason=reason, actor=user, erase=False)
        open_tasks = Task.objects.filter(
            of_cases(case.pk), status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        for task in open_tasks:
            with task.activation() as activation:
                if activation.task.status in (STATUS.NEW, STATUS.ASSIGNED):
                    activation.cancel()
                    activation.process.status = STATUS.CANCELED
                    activation.process.save(update_fields=["status"])
        return cancel_case(case=case, actor=user, reason=reason)


def office_members(*, case: Case):
    return (
        User.objects.filter(org_unit=case.office, is_active=True)
        if case.office_id
        else (User.objects.none())
    )


def reassign_task(*, task_id: int, by: User, to: User) -> Task:
    """A lead gives an open task to a member of the case's office."""
    task = _human_task(task_id)
    with task.activation() as activation:
        task = activation.task
        case = _case_of(task)
        if not is_lead_for(user=by, case=case):
            raise TaskNotAvailable(_("Only the lead of the office can reassign tasks."))
        if not office_members(case=case).filter(pk=to.pk).exists():
            raise TaskNotAvailable(_("Tasks can only go to members of the responsible office."))
        if task.status == STATUS.NEW:
            activation.assign(to)
        elif task.status == STATUS.ASSIGNED:
            activation.reassign(to)
        else:
            raise TaskNotAvailable(_("This task is no longer open."))
        record(
            case=case,
            kind=TimelineEntry.Kind.TASK,
            actor=by,
            message=_("Task “%(task)s” reassigned to %(name)s.")
            % {"task": task.flow_task.task_title, "name": actor_label_for(to)},
        )
    return task

"""The staff workspace's writes: claim, release and complete tasks of case processes.

Every write takes the process row lock (viewflow's ``task.activation()`` with
``SelectForUpdateLock``) and re-reads the task under it, so of two clerks acting
at the same moment exactly one succeeds; the other gets a clear message.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.cases import access, events
from portal_site.cases.models import Case, CaseStatus
from portal_site.cases.parties import is_party
from portal_site.cases.processes import case_of, of_cases
from portal_site.cases.services import (
    actor_label_for,
    cancel_case,
    change_status,
    record,
)

from . import segregation
from .notices import note_taken
from .selectors import case_staff, is_lead_for
from .step_titles import step_title
from .steps import StepContext, follow_stage, step_for


class TaskNotAvailable(Exception):
    """The task was taken, finished or is not the user's: say so, don't crash."""


class NotAllowed(TaskNotAvailable):
    """The access policy refuses the user this task (another office's queue)."""


class Separated(NotAllowed):
    """Segregation of duties refuses the user this task (their own case, a second
    approval level of one case)."""


def _case_of(task: Task) -> Case:
    return case_of(task.process)


def _human_task(task_id: int) -> Task:
    """A task people work on; the others (waiting for a payment, …) are not theirs to take."""
    from .selectors import human_tasks

    task = human_tasks().filter(pk=task_id).first()
    if task is None:
        raise TaskNotAvailable(_("This task is no longer open."))
    return task


def _refuse_if_separated(task: Task, user: User, *, case: Case | None = None) -> None:
    """Segregation of duties: the user may not decide a task of their own case, nor a
    step separate from one they decided (:mod:`flows.segregation`)."""
    refused = segregation.refusal(task, user, case=case)
    if refused is not None:
        raise Separated(refused)


def claim_task(*, task_id: int, user: User) -> Task:
    """Take an open task from the queue of an office the user belongs to or leads."""
    task = _human_task(task_id)
    routing = task.data or {}
    if not access.can_claim_from_queue(
        user=user,
        office_id=routing.get("queue_office") or task.process.data.get("office_id"),
        role=routing.get("queue_role") or "",
    ):
        raise NotAllowed(_("This task belongs to the queue of another office."))
    with task.activation() as activation:
        task = activation.task
        _refuse_if_separated(task, user)
        if task.status != STATUS.NEW or task.owner_id:
            owner = actor_label_for(task.owner) if task.owner_id else None
            raise TaskNotAvailable(
                _("%(name)s has already taken this task.") % {"name": owner}
                if owner
                else _("This task is no longer open.")
            )
        activation.assign(user)
        note_taken(task=task, user=user)
        case = _case_of(task)
        record(
            case=case,
            actor=user,
            message=events.TASK_TAKEN(task=step_title(task)),
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
            actor=user,
            message=events.TASK_RELEASED(
                task=step_title(task),
            ),
        )
    return task


def return_tasks_of_leaver(user: User) -> int:
    """The open tasks a deactivated staff member held go back to their queue, each with a
    note on the case's timeline (the directory sync's leaver handler)."""
    from django.conf import settings
    from django.utils import translation

    from .selectors import human_tasks

    with translation.override(settings.LANGUAGE_CODE):  # stored like a name, in German
        label = _("Directory sync")
    returned = 0
    for task in human_tasks().filter(owner=user, status=STATUS.ASSIGNED):
        with task.activation() as activation:
            if activation.task.status != STATUS.ASSIGNED or activation.task.owner_id != user.pk:
                continue
            activation.unassign()
            record(
                case=_case_of(activation.task),
                actor_label=label,
                message=events.TASK_RETURNED_LEAVER(
                    task=step_title(activation.task),
                    name=user.get_full_name() or user.username,
                ),
            )
            returned += 1
    return returned


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
        _refuse_if_separated(task, user, case=case)
        activation.start(request=None)
        context = StepContext(task=task, process=activation.process, case=case, user=user)
        message = step.handler(context, data)
        record(
            case=case,
            actor=user,
            message=events.TASK_COMPLETED(task=step_title(task)),
        )
        activation.execute()
        # a decision may separate its decider from the case's other open tasks
        segregation.apply_to_open_tasks(activation.process, case=case)
        _keep_next_step_with(user=user, task=task)
        case.refresh_from_db()
        if case.status == CaseStatus.RECEIVED:  # the first decision: the case is in the works
            change_status(case=case, status=CaseStatus.IN_PROGRESS, actor=user)
        follow_stage(case, activation.process)
    return message


def _keep_next_step_with(*, user: User, task: Task) -> None:
    """The process's next task in the office's queue stays with the office's clerk who did
    this one (a lead approving from above leaves it in the queue)."""
    from .selectors import ROUTED, human_tasks

    office_id = task.process.data.get("office_id")
    if not office_id or user.org_unit_id != office_id:
        return
    following = list(
        human_tasks().filter(process_id=task.process_id, status=STATUS.NEW, owner__isnull=True)
    )
    if len(following) != 1 or not human_tasks().filter(ROUTED, pk=following[0].pk).exists():
        return  # parallel tasks, or a step for another office's or a role's queue
    for next_task in following:
        if segregation.refusal(next_task, user) is not None:
            return  # the clerk may not decide the next step: it stays in the queue
        with next_task.activation() as activation:
            if activation.task.status == STATUS.NEW and not activation.task.owner_id:
                activation.assign(user)
                record(
                    case=_case_of(next_task),
                    actor=user,
                    message=events.TASK_TAKEN(task=step_title(next_task)),
                )


def cancel_with_tasks(*, case: Case, user: User, reason: str) -> Case:
    """Cancel the case with its open tasks and its unpaid invoices, or nothing at all.

    An invoice with payments cannot be cancelled here (the money must be
    refunded first): the clerk gets the cash office's message and nothing changes.
    """
    from shop.models import Invoice
    from shop.orders import cancel_orders
    from shop.services import cancel_invoice

    from .designer.effects import release_reservations

    if not reason.strip():
        raise ValueError(_("Please give a reason for the cancellation."))
    with transaction.atomic():
        for invoice in Invoice.objects.filter(case=case, status=Invoice.Status.OPEN):
            cancel_invoice(invoice=invoice, reason=reason, actor=user, erase=False)
        cancel_orders(case=case)
        release_reservations(case)
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


def _reassign_refusal(*, task: Task, by: User, case: Case) -> TaskNotAvailable | None:
    """Why ``by`` may not hand the open task to anyone: not the lead, a party to the case,
    or a task the process gave to a person (None: they may)."""
    if not is_lead_for(user=by, case=case):
        return TaskNotAvailable(_("Only the lead of the office can reassign tasks."))
    if is_party(user=by, case=case):
        return Separated(
            _(
                "You applied for this case or it concerns you: you cannot hand its tasks "
                "to anyone (four-eyes principle)."
            )
        )
    if (task.data or {}).get("given_to") and task.owner_id:
        return Separated(
            _(
                "The process gave this approval to %(name)s in person: it cannot be handed "
                "to someone else (a deputy takes it during an absence)."
            )
            % {"name": actor_label_for(task.owner)}
        )
    return None


def may_reassign(*, task: Task, by: User, case: Case) -> bool:
    """Whether the task page offers ``by`` to hand the open task to someone."""
    return _reassign_refusal(task=task, by=by, case=case) is None


def reassign_candidates(*, task: Task, case: Case):
    """The office's members the task may go to: those who may decide it."""
    excluded = segregation.excluded_users(task, case=case)
    return office_members(case=case).exclude(pk__in=list(excluded))


def reassign_task(*, task_id: int, by: User, to: User) -> Task:
    """A lead gives an open task to a member of the case's office."""
    task = _human_task(task_id)
    with task.activation() as activation:
        task = activation.task
        case = _case_of(task)
        refusal = _reassign_refusal(task=task, by=by, case=case)
        if refusal is not None:
            raise refusal
        if not office_members(case=case).filter(pk=to.pk).exists():
            raise TaskNotAvailable(_("Tasks can only go to members of the responsible office."))
        refused = segregation.refusal(task, to, case=case)
        if refused is not None:
            raise Separated(
                _("%(name)s may not decide this task: %(reason)s")
                % {"name": actor_label_for(to), "reason": refused}
            )
        if task.status == STATUS.NEW:
            activation.assign(to)
        elif task.status == STATUS.ASSIGNED:
            activation.reassign(to)
        else:
            raise TaskNotAvailable(_("This task is no longer open."))
        record(
            case=case,
            actor=by,
            message=events.TASK_REASSIGNED(
                task=step_title(task),
                name=actor_label_for(to),
            ),
        )
    return task


def forwarding_offices(*, case: Case):
    """The offices a case can be forwarded to: every unit with staff who work on cases
    (members with case work), except the case's own."""
    from portal_site.accounts.models import OrgUnit

    units = OrgUnit.objects.filter(pk__in=case_staff().values("org_unit_id"))
    if case.office_id:
        units = units.exclude(pk=case.office_id)
    return units.order_by("short_name", "name")


def forward_case(*, case: Case, to_office, note: str, user: User) -> Case:
    """Hand an open case to another office with a note (the Briefkasten's promise).

    The case's responsible office becomes ``to_office``: its open tasks go back to
    the queue (a clerk's task is released) and appear in the new office's queue;
    steps routed to a third office's or a role's queue stay where they wait. The
    timeline keeps who forwarded it where and why; the new office gets an e-mail.
    """
    from django.urls import reverse
    from viewflow.workflow.models import Process

    from portal_site.cases.models import OPEN_STATUSES
    from portal_site.core.links import absolute_url
    from portal_site.notifications.services import queue_email

    from .selectors import ROUTED, human_tasks

    note = note.strip()
    if not note:
        raise ValueError(_("Please say why the case goes to the other office."))
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("office").get(pk=case.pk)
        if case.status not in OPEN_STATUSES:
            raise ValueError(_("Only open cases can be forwarded."))
        if not access.can_act_on_case(user=user, case=case):
            raise NotAllowed(_("You may not work on this case."))
        if not forwarding_offices(case=case).filter(pk=to_office.pk).exists():
            raise ValueError(_("The case cannot be forwarded to this office."))
        if is_party(user=user, case=case):
            raise Separated(
                _(
                    "You applied for this case or it concerns you: someone else must decide "
                    "where it goes (four-eyes principle)."
                )
            )
        previous = case.office
        for task in human_tasks().filter(of_cases(case.pk), ROUTED, status=STATUS.ASSIGNED):
            with task.activation() as activation:
                if activation.task.status == STATUS.ASSIGNED:
                    activation.unassign()
        for process in Process.objects.select_for_update().filter(of_cases(case.pk, via="")):
            process.data = {**(process.data or {}), "office_id": to_office.pk}
            process.save(update_fields=["data"])
        case.office = to_office
        case.save(update_fields=["office"])
        for process in Process.objects.filter(of_cases(case.pk, via="")):
            segregation.apply_to_open_tasks(process, case=case)
        names = {
            "from": previous.name if previous else "–",
            "to": to_office.name,
            "note": note,
        }
        record(
            case=case,
            actor=user,
            message=events.FORWARDED(**names),
            data={"forwarded_from": previous.pk if previous else None, "to": to_office.pk},
        )
        if to_office.email:
            link = absolute_url(reverse("flows_case", args=[case.number]))
            queue_email(
                to=[to_office.email],
                subject=_("Case %(number)s forwarded to you") % {"number": case.number},
                body=_(
                    "%(name)s (%(from)s) has forwarded case %(number)s “%(title)s” to "
                    "%(to)s:\n\n%(note)s\n\nThe case and its tasks are in your office's "
                    "queue: %(link)s"
                )
                % {
                    **names,
                    "name": actor_label_for(user),
                    "number": case.number,
                    "title": case.title,
                    "link": link,
                },
                case=case,
            )
    return case


def hand_over_to_deputies() -> int:
    """Give the tasks of absent users to their deputies (periodic): every task an absent
    user has taken goes to the deputy of the substitution in force. Tasks stay with the
    deputy when the absence ends."""
    from portal_site.accounts.models import Substitution

    substitutions = Substitution.objects.active().select_related("absent", "deputy")
    return sum(_hand_over(substitution) for substitution in substitutions)


def _hand_over(substitution) -> int:
    """The absent user's taken tasks to the deputy, each with a timeline entry."""
    from .selectors import human_tasks

    if not substitution.deputy.is_active:
        return 0
    handed = 0
    tasks = human_tasks().filter(owner=substitution.absent, status=STATUS.ASSIGNED)
    for task in tasks:
        with task.activation() as activation:
            if (
                activation.task.status != STATUS.ASSIGNED
                or activation.task.owner_id != substitution.absent_id
            ):
                continue
            if segregation.refusal(activation.task, substitution.deputy) is not None:
                # the deputy may not decide it: back to the queue, escalated if need be
                activation.unassign()
                segregation.apply_to_task(activation.task, case=_case_of(task))
                continue
            activation.reassign(substitution.deputy)
            record(
                case=_case_of(task),
                message=events.TASK_TO_DEPUTY(
                    task=step_title(task),
                    deputy=actor_label_for(substitution.deputy),
                    absent=actor_label_for(substitution.absent),
                    until=date_format(substitution.ends_on, "SHORT_DATE_FORMAT"),
                ),
            )
            handed += 1
    return handed


def possible_deputies(*, user: User):
    """Colleagues who may stand in: active users with case work, not the user."""
    return case_staff().exclude(pk=user.pk).order_by("last_name", "first_name", "username")


def enter_substitution(*, absent: User, deputy: User, starts_on, ends_on):
    """Record an absence with its deputy; if it has begun, hand the tasks over at once."""
    from django.utils import timezone

    from portal_site.accounts.models import Substitution

    if ends_on < starts_on:
        raise ValueError(_("The absence cannot end before it begins."))
    if ends_on < timezone.localdate():
        raise ValueError(_("The absence is already over."))
    if not possible_deputies(user=absent).filter(pk=deputy.pk).exists():
        raise ValueError(_("This colleague cannot stand in for you."))
    with transaction.atomic():
        substitution = Substitution.objects.create(
            absent=absent, deputy=deputy, starts_on=starts_on, ends_on=ends_on
        )
    if starts_on <= timezone.localdate():  # begun: its tasks now, not every absence's
        _hand_over(substitution)
    return substitution

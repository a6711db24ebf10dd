"""Segregation of duties (Vier-Augen-Prinzip) for the tasks of every case process.

Two rules, for coded and designed processes alike (docs/workspace.md):

1. Nobody decides a task of a case they applied for or that concerns them
   (:func:`portal_site.cases.parties.parties_of`: the applicant's account, their
   personnel number, their directory entry, their e-mail address).
2. Nobody decides a step the process marks as separate from a step they already
   decided in the same case: a step names the earlier steps whose deciders it
   excludes (:class:`NotBy`; training: team lead, department head and HR
   development are three people; Wiederbesetzung: the personnel office's check,
   the budget check and the final decision).

The rules are checked live whenever someone takes, is given or completes a task
(:func:`refusal`). So that inboxes and queues never offer such a task, the
people excluded from each open task are written as :class:`~flows.models.TaskExclusion`
rows when the task is created and again when a task of the same case is decided
(:func:`apply_to_open_tasks`). A task held by someone who may no longer decide it
goes back to its queue; when nobody in the queue may decide it (a one-person
queue), it is escalated (:func:`escalate`) to the lead of the office or the lead's
deputy, going up the organisation chart, never to an excluded person; each move is
on the case's timeline.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import OrgUnit, User
from portal_site.cases import events
from portal_site.cases.models import Case
from portal_site.cases.parties import parties_of
from portal_site.cases.processes import case_of
from portal_site.cases.services import actor_label_for, record

from .models import TaskExclusion
from .step_titles import step_title
from .steps import HumanTask, NotBy

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED]


def not_by_of(task: Task) -> NotBy:
    """The rule of the task's step (a step that declares none: the applicant only)."""
    node = task.flow_task
    if isinstance(node, HumanTask):
        return node.not_by_for(task)
    return NotBy()


def step_key(task: Task) -> str:
    """What a step is called in :attr:`NotBy.steps`: a designed task's step id, or the
    coded flow's node name."""
    return str((task.data or {}).get("designed_step") or task.flow_task.name)


def excluded_users(task: Task, *, case: Case | None = None) -> dict[int, tuple[str, str]]:
    """Who may not decide ``task``: user id → (reason, title of the earlier step).

    A designer's test run (``data["test_run"]``) decides nothing real: its designer,
    who is its applicant, works every task of it.
    """
    case = case if case is not None else case_of(task.process)
    if (case.data or {}).get("test_run"):
        return {}
    rule = not_by_of(task)
    found: dict[int, tuple[str, str]] = {}
    if rule.steps:
        done = (
            Task.objects.filter(
                process_id=task.process_id,
                flow_task_type="HUMAN",
                status=STATUS.DONE,
                owner__isnull=False,
            )
            .exclude(pk=task.pk)
            .select_related("process")
            .order_by("finished", "pk")
        )
        for earlier in done:
            if step_key(earlier) in rule.steps and step_key(earlier) != step_key(task):
                found.setdefault(
                    earlier.owner_id, (TaskExclusion.Reason.EARLIER_STEP, str(step_title(earlier)))
                )
    if rule.applicant:
        for user_id in parties_of(case).values_list("pk", flat=True):
            found[user_id] = (TaskExclusion.Reason.PARTY, "")
    return found


def refusal(task: Task, user: User, *, case: Case | None = None) -> str | None:
    """Why ``user`` may not decide ``task`` (a message for them), or None."""
    reason = excluded_users(task, case=case).get(user.pk)
    if reason is None:
        return None
    kind, earlier = reason
    if kind == TaskExclusion.Reason.PARTY:
        return _(
            "You applied for this case or it concerns you: someone else must decide "
            "“%(task)s” (four-eyes principle)."
        ) % {"task": step_title(task)}
    return _(
        "You decided “%(step)s” in this case; “%(task)s” must be decided by someone else "
        "(four-eyes principle)."
    ) % {"step": earlier, "task": step_title(task)}


def apply_to_open_tasks(process, *, case: Case | None = None) -> None:
    """Write who may not decide the process's open tasks, give back a task its holder may
    no longer decide, and escalate a task nobody in its queue may decide.

    Runs under the process row lock (after a task is created or decided).
    """
    tasks = list(
        Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN", status__in=OPEN_TASK)
        .select_related("process", "owner")
        .order_by("pk")
    )
    TaskExclusion.objects.filter(task__process_id=process.pk).exclude(
        task__in=[task.pk for task in tasks]
    ).delete()
    if not tasks:
        return
    case = case if case is not None else case_of(process)
    for task in tasks:
        apply_to_task(task, case=case)


def apply_to_task(task: Task, *, case: Case) -> None:
    """:func:`apply_to_open_tasks` for one open task."""
    excluded = excluded_users(task, case=case)
    rows = dict(TaskExclusion.objects.filter(task=task).values_list("user_id", "reason"))
    stale = [
        user_id for user_id, reason in rows.items() if excluded.get(user_id, ("",))[0] != reason
    ]
    if stale:
        TaskExclusion.objects.filter(task=task, user_id__in=stale).delete()
    TaskExclusion.objects.bulk_create(
        [
            TaskExclusion(task=task, user_id=user_id, reason=reason)
            for user_id, (reason, _earlier) in excluded.items()
            if user_id not in rows or user_id in stale
        ],
        ignore_conflicts=True,
    )
    if task.owner_id and task.owner_id in excluded:
        holder = task.owner
        task.owner = None
        task.status = STATUS.NEW
        task.data = {k: v for k, v in (task.data or {}).items() if k != "given_to"}
        task.save(update_fields=["owner", "status", "data"])
        record(
            case=case,
            message=events.TASK_RETURNED_SEPARATED(
                task=step_title(task),
                name=actor_label_for(holder),
            ),
        )
    if task.owner_id is None and not _anyone_left(task, case=case, excluded=excluded):
        escalate(task, case=case, excluded=excluded)


def _anyone_left(task: Task, *, case: Case, excluded: dict) -> bool:
    from .selectors import queue_members

    return queue_members(task, case).exclude(pk__in=list(excluded)).exists()


def _queue_office(task: Task, case: Case) -> OrgUnit | None:
    from .selectors import queue_office_id

    office_id = queue_office_id(task, case)
    if office_id is None:
        return None
    return OrgUnit.objects.filter(pk=office_id).select_related("lead", "deputy").first()


def escalation_target(task: Task, *, case: Case, excluded: dict) -> User | None:
    """The lead of the task's office or the lead's deputy, then those of the units above:
    the first who is active and not excluded."""
    unit = _queue_office(task, case)
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        for candidate in (unit.lead, unit.deputy):
            if candidate is not None and candidate.is_active and candidate.pk not in excluded:
                return candidate
        parent_id = unit.parent_id
        if parent_id is None:
            return None
        unit = OrgUnit.objects.select_related("lead", "deputy").filter(pk=parent_id).first()
    return None


def escalate(task: Task, *, case: Case, excluded: dict) -> User | None:
    """Give a task nobody in its queue may decide to the office's lead or deputy (note on
    the timeline); with nobody left at all, say that an administrator must assign it."""
    target = escalation_target(task, case=case, excluded=excluded)
    data = dict(task.data or {})
    if target is None:
        if not data.get("segregation_unassigned"):
            data["segregation_unassigned"] = True
            task.data = data
            task.save(update_fields=["data"])
            record(
                case=case,
                message=events.TASK_NOBODY_MAY_DECIDE(
                    task=step_title(task),
                ),
            )
        return None
    from django.utils import timezone

    data["escalated_to"] = target.pk
    task.data = data
    task.owner = target
    task.status = STATUS.ASSIGNED
    task.assigned = timezone.now()
    task.save(update_fields=["data", "owner", "status", "assigned"])
    record(
        case=case,
        message=events.TASK_GIVEN_SEPARATED(
            task=step_title(task),
            name=actor_label_for(target),
        ),
    )
    return target


def apply_to_every_open_task() -> dict[str, int]:
    """Install step (after every ``migrate``): who may not decide each open task of every
    case, for tasks that were open before this rule existed. Idempotent."""
    from portal_site.cases.processes import of_any_case

    process_ids = (
        Task.objects.filter(of_any_case(), flow_task_type="HUMAN", status__in=OPEN_TASK)
        .values_list("process_id", flat=True)
        .distinct()
    )
    from viewflow.workflow.models import Process

    count = 0
    for process in Process.objects.filter(pk__in=list(process_ids)).order_by("pk"):
        apply_to_open_tasks(process)
        count += 1
    return {"processes": count}

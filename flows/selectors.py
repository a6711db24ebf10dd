"""The staff workspace's reads: my tasks, my office's queue, the case view."""

from __future__ import annotations

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.cases.models import Case

from .generic import GenericFlow

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _human_tasks() -> QuerySet[Task]:
    return Task.objects.filter(flow_task=GenericFlow.handle).select_related("process", "owner")


def my_tasks(*, user: User) -> QuerySet[Task]:
    return _human_tasks().filter(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED])


def queue_tasks(*, user: User) -> QuerySet[Task]:
    """Unclaimed tasks of the user's office (every office for administrators)."""
    tasks = _human_tasks().filter(status=STATUS.NEW, owner__isnull=True)
    if user.is_superuser:
        return tasks
    if user.org_unit_id is None:
        return tasks.none()
    return tasks.filter(process__data__office_id=user.org_unit_id)


def cases_for_tasks(tasks) -> dict[int, Case]:
    ids = [task.process.data.get("case_id") for task in tasks]
    return Case.objects.select_related("office").in_bulk([i for i in ids if i])


def can_see_case(*, user: User, case: Case) -> bool:
    """Staff of the responsible office (and administrators) see a case and its personal data."""
    if user.is_superuser or user.has_perm("cases.view_all_cases"):
        return True
    return bool(
        user.has_perm("cases.view_case") and case.office_id and case.office_id == user.org_unit_id
    )


def visible_cases(*, user: User) -> QuerySet[Case]:
    """The cases of the user's office (all for administrators); see :func:`can_see_case`."""
    cases = Case.objects.select_related("office")
    if user.is_superuser or user.has_perm("cases.view_all_cases"):
        return cases
    if not user.has_perm("cases.view_case") or user.org_unit_id is None:
        return cases.none()
    return cases.filter(office_id=user.org_unit_id)


def open_task_for_case(*, case: Case) -> Task | None:
    return (
        _human_tasks()
        .filter(process__data__case_id=case.pk, status__in=OPEN)
        .order_by("-created")
        .first()
    )


def overdue_count(*, user: User) -> int:
    """Open tasks (mine and my office's queue) whose case is past its due date."""
    from django.utils import timezone

    tasks = list(my_tasks(user=user)) + list(queue_tasks(user=user))
    cases = cases_for_tasks(tasks)
    today = timezone.localdate()
    return sum(1 for case in cases.values() if case.due_date is not None and case.due_date < today)

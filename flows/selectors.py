"""The staff workspace's reads: my tasks, my office's queue, the case view."""

from __future__ import annotations

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.cases.models import Case

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _human_tasks() -> QuerySet[Task]:
    """Tasks people work on (viewflow ``View`` nodes) of every case process."""
    return Task.objects.filter(flow_task_type="HUMAN").select_related("process", "owner")


def my_tasks(*, user: User) -> QuerySet[Task]:
    return _human_tasks().filter(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED])


def queue_tasks(*, user: User) -> QuerySet[Task]:
    """Unclaimed tasks of the user's office and the offices they lead (all for admins)."""
    tasks = _human_tasks().filter(status=STATUS.NEW, owner__isnull=True)
    if user.is_superuser:
        return tasks
    return tasks.filter(process__data__office_id__in=list(office_ids_of(user=user)))


def cases_for_tasks(tasks) -> dict[int, Case]:
    ids = [task.process.data.get("case_id") for task in tasks]
    return Case.objects.select_related("office").in_bulk([i for i in ids if i])


def led_unit_ids(*, user: User) -> set[int]:
    """The org units the user leads, with every unit below them."""
    from portal_site.accounts.models import OrgUnit

    found = set(OrgUnit.objects.filter(lead=user).values_list("pk", flat=True))
    frontier = set(found)
    while frontier:
        frontier = (
            set(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def office_ids_of(*, user: User) -> set[int]:
    """Offices whose cases the user works on: their own and those they lead."""
    ids = led_unit_ids(user=user)
    if user.org_unit_id:
        ids.add(user.org_unit_id)
    return ids


def is_lead_for(*, user: User, case: Case) -> bool:
    """Administrators and the leads of the case's office (or of a unit above it)."""
    return user.is_superuser or case.office_id in led_unit_ids(user=user)


def can_see_case(*, user: User, case: Case) -> bool:
    """Staff of the responsible office, its leads, task owners and administrators see a case."""
    if user.is_superuser or user.has_perm("cases.view_all_cases"):
        return True
    if not user.has_perm("cases.view_case"):
        return False
    if case.office_id and case.office_id in office_ids_of(user=user):
        return True
    # Whoever a task of the case is (or was) given to, e.g. the applicant's team lead.
    return Task.objects.filter(process__data__case_id=case.pk, owner=user).exists()


def visible_cases(*, user: User) -> QuerySet[Case]:
    """The cases of the user's office (all for administrators); see :func:`can_see_case`."""
    cases = Case.objects.select_related("office")
    if user.is_superuser or user.has_perm("cases.view_all_cases"):
        return cases
    if not user.has_perm("cases.view_case"):
        return cases.none()
    return cases.filter(office_id__in=office_ids_of(user=user))


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

"""The staff workspace's reads: my tasks, my office's queue, the case view."""

from __future__ import annotations

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.cases import access
from portal_site.cases.access import (  # noqa: F401 - the workspace reads the kernel's policy
    can_act_on_case,
    can_see_case,
    is_lead_for,
    led_unit_ids,
    office_ids_of,
    visible_cases,
)
from portal_site.cases.models import OPEN_STATUSES, Case
from portal_site.cases.processes import of_any_case, of_cases

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def case_staff() -> QuerySet[User]:
    """Active users with case work (through their role's group; administrators aside)."""
    return User.objects.with_perm(
        access.VIEW_CASE,
        is_active=True,
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",  # roles are groups
    )


def queue_office_id(task: Task, case: Case) -> int | None:
    """The office whose queue the task waits in: the one its step is routed to, or the
    case's."""
    return (task.data or {}).get("queue_office") or case.office_id


def queue_members(task: Task, case: Case) -> QuerySet[User]:
    """Who may take the task from its queue: the role's holders, or the office's
    members and lead (the office the step is routed to, or the case's)."""
    from portal_site.accounts.models import OrgUnit
    from portal_site.accounts.roles import ROLES

    routing = task.data or {}
    role = ROLES.get(routing.get("queue_role") or "")
    office_id = queue_office_id(task, case)
    if role is not None:
        members = Q(groups__name=role.group_name)
    elif office_id:
        lead = OrgUnit.objects.filter(pk=office_id).values("lead_id")
        members = Q(org_unit_id=office_id) | Q(pk__in=lead)
    else:
        return User.objects.none()
    return case_staff().filter(members).select_related("wagtail_userprofile")


def human_tasks() -> QuerySet[Task]:
    """Tasks people work on (viewflow ``View`` nodes) of every case process."""
    return Task.objects.filter(flow_task_type="HUMAN").select_related("process", "owner")


# Tasks waiting in the case office's queue (not routed to another office's or a role's).
ROUTED = ~Q(data__has_key="queue_office") & ~Q(data__has_key="queue_role")


def _mine(user: User) -> Q:
    return Q(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED])


def _unclaimed() -> Q:
    return Q(status=STATUS.NEW, owner__isnull=True)


def _queued(user: User, of_task) -> Q | None:
    """Unclaimed tasks in the user's queues (None: all, for admins): of the open cases of
    their offices, unless routed elsewhere, and those routed to their offices or roles.

    Only open cases have open tasks: the office's open cases are few, whatever the
    number of closed ones, and the planner starts from them. ``of_task`` reaches a
    task's case (a subquery or the case lookup).
    """
    if user.is_superuser:
        return None
    offices = list(access.office_ids_of(user=user))
    cases = Case.objects.filter(office_id__in=offices, status__in=OPEN_STATUSES)
    return (of_task(cases) & ROUTED) | access.routed_to(user=user, offices=offices)


def _not_excluded(user: User) -> Q:
    """Leaves out the tasks the user may not decide (segregation of duties: the rows of
    ``flows.models.TaskExclusion``, reached through the task)."""
    return ~Q(exclusions__user=user)


def my_tasks(*, user: User) -> QuerySet[Task]:
    return human_tasks().filter(_mine(user)).filter(_not_excluded(user))


def queue_tasks(*, user: User) -> QuerySet[Task]:
    """Unclaimed tasks of the user's office and the offices they lead (all for admins),
    and those routed to a queue of theirs (another office's step, a role's), without
    those the user may not decide (their own case, an approval level they gave)."""
    tasks = human_tasks().filter(_unclaimed()).filter(_not_excluded(user))
    queued = _queued(user, lambda cases: of_cases(cases.values("pk")))
    return tasks if queued is None else tasks.filter(queued)


INBOX_CASE_COLUMNS = (
    *("id", "number", "title", "received_at", "due_date", "process_key", "applicant_name"),
    *("office__name", "office__short_name"),
)

# The inbox's sort keys (``?sort=due``, ``?sort=-due``) and the case column each reads;
# "created" is when the task arrived (the default, newest first).
INBOX_SORTS = {
    "created": "",
    "number": "number",
    "subject": "title",
    "applicant": "applicant_name",
    "process": "process_key",
    "received": "received_at",
    "due": "due_date",
}
DEFAULT_SORT = "-created"


def parse_sort(value: str | None) -> str:
    """A sort key of :data:`INBOX_SORTS` with its direction; anything else: the default."""
    value = (value or "").strip()
    return value if value.lstrip("-") in INBOX_SORTS else DEFAULT_SORT


def inbox_tasks(tasks: QuerySet[Task], sort: str = DEFAULT_SORT) -> QuerySet:
    """The columns an inbox line shows, as rows (no model instances), with the list's total
    counted by the same statement (``total``, a window over the whole filtered list).

    ``sort`` (see :func:`parse_sort`) orders by a column of the task's case, read by a
    subquery on the case's primary key (inbox lists hold open tasks only: a few).
    """
    sort = parse_sort(sort)
    descending, column = sort.startswith("-"), INBOX_SORTS[sort.lstrip("-")]
    rows = tasks.select_related(None).annotate(
        # the node's reference as stored, not resolved into the node for every row
        node=Cast("flow_task", CharField()),
        case_pk=F("process__artifact_object_id"),
        total=Window(Count("pk")),
    )
    if column:
        case = Case.objects.filter(pk=OuterRef("process__artifact_object_id"))
        rows = rows.annotate(sort_value=Subquery(case.values(column)[:1]))
        key = F("sort_value")
        first = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
        rows = rows.order_by(first, "-created", "-pk")
    else:
        rows = rows.order_by(*(("-created", "-pk") if descending else ("created", "pk")))
    return rows.annotate(
        # a designed task's step and version: its title (flows/step_titles.py)
        designed_step=KeyTextTransform("designed_step", "data"),
        version_id=KeyTextTransform("version_id", "process__data"),
    ).values("pk", "node", "created", "case_pk", "total", "designed_step", "version_id")


def cases_for_tasks(case_ids) -> dict[int, dict]:
    """The inbox lines' cases by id, as rows of :data:`INBOX_CASE_COLUMNS`."""
    ids = [int(i) for i in case_ids if i]
    return {row["id"]: row for row in Case.objects.filter(pk__in=ids).values(*INBOX_CASE_COLUMNS)}


def open_task_for_case(*, case: Case) -> Task | None:
    return human_tasks().filter(of_cases(case.pk), status__in=OPEN).order_by("-created").first()


def overdue_count(*, user: User) -> int:
    """Open tasks (mine and my office's queue) whose case is past its due date.

    Driven from the open tasks (a few per cent of all), each case reached by its
    primary key: the count does not grow with the closed cases.
    """
    from django.utils import timezone

    of_task = OuterRef("process__artifact_object_id")
    queued = _unclaimed()
    mine = _queued(user, lambda cases: Q(Exists(cases.filter(pk=of_task))))
    if mine is not None:
        queued &= mine
    return (
        Task.objects.filter(flow_task_type="HUMAN")
        .filter(of_any_case())
        .filter(_mine(user) | queued)
        .filter(_not_excluded(user))
        .filter(Exists(Case.objects.filter(pk=of_task, due_date__lt=timezone.localdate())))
        .values("process__artifact_object_id")
        .distinct()
        .count()
    )

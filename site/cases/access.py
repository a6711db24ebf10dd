"""The one access policy: who may see and act on a case and everything hanging off it.

Every view, selector, service and export that touches a case, its tasks, files,
documents, invoices, payments, orders or form submissions asks this module;
none decides on its own. The rules (see docs/security.md):

- administrators (superusers) and holders of ``cases.view_all_cases`` see and act
  on every case;
- staff with ``cases.view_case`` see and act on the cases of their own org unit
  and of every unit they lead (with the units below it);
- whoever a task of the case is (or was) given to sees and acts on that case (the
  applicant's team lead, a clerk a lead assigned the task to);
- while a user stands in for an absent colleague (a substitution in force), they
  work on that colleague's offices as on their own (the absent user's tasks are
  handed to them);
- an open task may wait in another office's queue or the queue of a role (a step of
  a designed process another office does): while it waits there, that office's or
  role's staff see and act on the case;
- holders of ``cases.view_case_money`` (the cash office) see the money of every
  office's cases and read, but never change, the cases that carry money;
- everyone else, the editor role included, sees no case and no personal data.

Tasks live in viewflow (a library the kernel may use); packages above the
kernel tell the policy which cases carry money through :func:`register_money_lookup`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from portal_site.accounts.models import OrgUnit, User
from portal_site.registry import Registry

from .models import Case
from .processes import of_any_case

VIEW_CASE = "cases.view_case"
VIEW_ALL_CASES = "cases.view_all_cases"
VIEW_CASE_MONEY = "cases.view_case_money"


class Access(enum.IntEnum):
    """What a user may do with a case; a higher level includes the lower ones."""

    NONE = 0
    READ = 1
    ACT = 2


# Which of the given case ids carry money (invoices); filled by the shop.
MoneyLookup = Callable[[Iterable[int]], set[int]]
_MONEY_LOOKUPS: Registry[str, MoneyLookup] = Registry("money lookups")


def register_money_lookup(lookup: MoneyLookup) -> None:
    _MONEY_LOOKUPS.register(f"{lookup.__module__}.{lookup.__qualname__}", lookup)


def _is_staff_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _with_units_below(led: set[int]) -> set[int]:
    found = set(led)
    frontier = set(led)
    while frontier:
        frontier = (
            set(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def led_unit_ids(*, user: User) -> set[int]:
    """The org units the user leads, with every unit below them."""
    if not _is_staff_user(user):
        return set()
    return _with_units_below(set(OrgUnit.objects.filter(lead=user).values_list("pk", flat=True)))


def represented_users(*, user: User) -> QuerySet[User]:
    """The colleagues ``user`` stands in for today (their substitutions name ``user``)."""
    from portal_site.accounts.models import Substitution

    absent = Substitution.objects.active().filter(deputy=user).values("absent_id")
    return User.objects.filter(pk__in=absent)


def office_ids_of(*, user: User) -> set[int]:
    """Offices whose cases the user works on: their own, those they lead (with the units
    below), and, while they stand in for absent colleagues, those colleagues' own.

    The units led and those of the colleagues come from one statement, so the
    substitutions cost no query of their own.
    """
    if not _is_staff_user(user) or not user.has_perm(VIEW_CASE):
        return set()
    absent = represented_users(user=user)
    led_by = Q(lead=user) | Q(lead__in=absent)
    rows = list(
        OrgUnit.objects.filter(led_by | Q(pk__in=absent.values("org_unit_id")))
        .annotate(is_led=ExpressionWrapper(led_by, output_field=BooleanField()))
        .values_list("pk", "is_led")
    )
    led = {pk for pk, is_led in rows if is_led}
    ids = _with_units_below(led) | {pk for pk, _is_led in rows}
    if user.org_unit_id:
        ids.add(user.org_unit_id)
    return ids


def sees_every_case(user) -> bool:
    return _is_staff_user(user) and (user.is_superuser or user.has_perm(VIEW_ALL_CASES))


def sees_all_money(user) -> bool:
    return _is_staff_user(user) and (sees_every_case(user) or user.has_perm(VIEW_CASE_MONEY))


def assigned_case_ids(*, user: User) -> QuerySet:
    """Ids of the cases with a task that is or was given to ``user`` (via the artifact)."""
    from viewflow.workflow.models import Task

    return Task.objects.filter(of_any_case(), owner=user).values("process__artifact_object_id")


def routed_to(*, user: User, offices: Iterable[int] | None = None) -> Q:
    """Open, unclaimed tasks waiting in a queue routed to the user: one of their offices
    (other than the case's) or one of their roles (``task.data``)."""
    from portal_site.accounts.roles import role_keys_of

    offices = list(office_ids_of(user=user) if offices is None else offices)
    return Q(status="NEW", owner__isnull=True) & (
        Q(data__queue_office__in=offices) | Q(data__queue_role__in=role_keys_of(user))
    )


def routed_case_ids(*, user: User) -> QuerySet:
    """Ids of the cases with a task waiting in a queue routed to ``user``."""
    from viewflow.workflow.models import Task

    if not _is_staff_user(user) or not user.has_perm(VIEW_CASE):
        return Task.objects.none().values("process__artifact_object_id")
    return Task.objects.filter(of_any_case(), routed_to(user=user)).values(
        "process__artifact_object_id"
    )


def is_lead_for(*, user: User, case: Case) -> bool:
    """Administrators and the leads of the case's office (or of a unit above it)."""
    if not _is_staff_user(user):
        return False
    return user.is_superuser or (
        case.office_id is not None and case.office_id in led_unit_ids(user=user)
    )


def access_to_case(*, user, case: Case) -> Access:
    if not _is_staff_user(user):
        return Access.NONE
    if sees_every_case(user):
        return Access.ACT
    if user.has_perm(VIEW_CASE):
        if case.office_id and case.office_id in office_ids_of(user=user):
            return Access.ACT
        if assigned_case_ids(user=user).filter(process__artifact_object_id=case.pk).exists():
            return Access.ACT
        if routed_case_ids(user=user).filter(process__artifact_object_id=case.pk).exists():
            return Access.ACT
    if user.has_perm(VIEW_CASE_MONEY) and case.pk in cases_with_money([case.pk]):
        return Access.READ
    return Access.NONE


def can_see_case(*, user, case: Case) -> bool:
    return access_to_case(user=user, case=case) >= Access.READ


def can_act_on_case(*, user, case: Case) -> bool:
    return access_to_case(user=user, case=case) >= Access.ACT


def can_see_money_of(*, user, case: Case | None) -> bool:
    """Invoices and payments: the cash office sees all, others those of cases they see."""
    if sees_all_money(user):
        return True
    return case is not None and can_see_case(user=user, case=case)


def cases_with_money(case_ids: Iterable[int]) -> set[int]:
    ids = list(case_ids)
    found: set[int] = set()
    for lookup in _MONEY_LOOKUPS.values():
        found |= lookup(ids)
    return found


def visible_case_filter(*, user, prefix: str = "") -> Q | None:
    """A ``Q`` for the cases the user may act on (``None``: all of them)."""
    if sees_every_case(user):
        return None
    if not _is_staff_user(user) or not user.has_perm(VIEW_CASE):
        return Q(pk__in=[])
    offices = office_ids_of(user=user)
    return (
        Q(**{f"{prefix}office_id__in": offices})
        | Q(**{f"{prefix}pk__in": assigned_case_ids(user=user)})
        | Q(**{f"{prefix}pk__in": routed_case_ids(user=user)})
    )


def visible_cases(*, user) -> QuerySet[Case]:
    """The cases the user may see and act on (every case for administrators)."""
    cases = Case.objects.select_related("office")
    condition = visible_case_filter(user=user)
    return cases if condition is None else cases.filter(condition)


def filter_by_case(queryset: QuerySet, *, user, case_field: str = "case") -> QuerySet:
    """Limit any queryset of records hanging off a case to the cases the user sees."""
    condition = visible_case_filter(user=user, prefix=f"{case_field}__")
    if condition is None:
        return queryset
    # ``pk`` of the case is reached as ``<case_field>__pk``.
    return queryset.filter(condition)


def can_claim_from_queue(*, user, office_id: int | None, role: str = "") -> bool:
    """Taking a task from a queue: only for members and leads of the queue's office (or,
    for a role's queue, for holders of the role with case work)."""
    if not _is_staff_user(user):
        return False
    if user.is_superuser:
        return True
    if role:
        from portal_site.accounts.roles import role_keys_of

        return user.has_perm(VIEW_CASE) and role in role_keys_of(user)
    return office_id is not None and office_id in office_ids_of(user=user)


def submission_office_ids(*, user) -> set[int] | None:
    """The offices whose form submissions the user may read (``None``: every one)."""
    if sees_every_case(user):
        return None
    return office_ids_of(user=user)

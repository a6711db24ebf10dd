"""Who a case is about: its applicant and its subjects, as staff accounts.

Segregation of duties (the Vier-Augen-Prinzip, docs/workspace.md) needs to know
whether a member of staff is a party to a case: nobody decides a task of a case
they applied for or that concerns them. A person is matched by every identity
the portal knows of them:

- the applicant's account (``Case.applicant_user``, a portal login);
- the personnel number an employee identified with (``data["values"]
  ["personnel_number"]``), matched against the account's own number and the
  directory entry (``Employee``) linked to the account;
- the directory identity (``directory_dn``) of those employees;
- the e-mail address the applicant gave, when it is an account's address.

Packages above the kernel add the people a case concerns beyond its applicant
(a course's participant) with :func:`register_subject_lookup`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from portal_site.accounts.models import Employee, User
from portal_site.registry import Registry

from .models import Case

# The personnel numbers of the people a case concerns (filled by packages above).
SubjectLookup = Callable[[Case], Iterable[str]]
_SUBJECT_LOOKUPS: Registry[str, SubjectLookup] = Registry("case subject lookups")


def register_subject_lookup(name: str, lookup: SubjectLookup) -> None:
    _SUBJECT_LOOKUPS.register(name, lookup)


def personnel_numbers_of(case: Case) -> set[str]:
    """The personnel numbers of the case's applicant and subjects."""
    values = (case.data or {}).get("values") or {}
    numbers = {str(values.get("personnel_number") or "").strip()}
    for lookup in _SUBJECT_LOOKUPS.values():
        numbers |= {str(number).strip() for number in lookup(case)}
    return {number for number in numbers if number}


def party_condition(case: Case) -> Q | None:
    """A ``Q`` on users for the staff accounts that are parties to ``case`` (None: nobody)."""
    condition = Q()
    if case.applicant_user_id:
        condition |= Q(pk=case.applicant_user_id)
    numbers = personnel_numbers_of(case)
    if numbers:
        condition |= Q(personnel_number__in=numbers) | Q(employee__personnel_number__in=numbers)
        dns = [
            dn
            for dn in Employee.objects.filter(personnel_number__in=numbers).values_list(
                "directory_dn", flat=True
            )
            if dn
        ]
        if dns:
            condition |= Q(directory_dn__in=dns)
    if case.applicant_email:
        condition |= Q(email__iexact=case.applicant_email.strip())
    return condition or None


def parties_of(case: Case) -> QuerySet[User]:
    """The staff accounts that applied for ``case`` or that it concerns."""
    condition = party_condition(case)
    if condition is None:
        return User.objects.none()
    return User.objects.filter(condition).distinct()


def is_party(*, user, case: Case) -> bool:
    """Whether ``user`` applied for ``case`` or is its subject."""
    if user is None or not user.is_authenticated:
        return False
    return parties_of(case).filter(pk=user.pk).exists()

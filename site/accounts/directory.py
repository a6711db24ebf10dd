"""The city's directory (Active Directory / OpenLDAP): staff login and employee lookup."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend

from .models import Employee, OrgUnit, User
from .roles import ROLES

logger = logging.getLogger(__name__)


def apply_role_mapping(*, user: User, group_dns: set[str], mapping: dict[str, str]) -> None:
    """Give ``user`` exactly the roles whose directory group it is a member of.

    Only role groups are touched; groups an administrator added by hand for
    other purposes stay. A user with at least one role may open the admin.
    """
    member_of = {dn.lower() for dn in group_dns}
    wanted = {ROLES[role].group_name for role, dn in mapping.items() if dn in member_of}
    role_groups = Group.objects.filter(name__in=[role.group_name for role in ROLES.values()])
    user.groups.remove(*[g for g in role_groups if g.name not in wanted])
    user.groups.add(*[g for g in role_groups if g.name in wanted])
    if wanted and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap with the portal's role mapping and employee link."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        apply_role_mapping(
            user=user, group_dns=set(ldap_user.group_dns), mapping=settings.LDAP_ROLE_GROUPS
        )
        if user.personnel_number:
            Employee.objects.filter(personnel_number=user.personnel_number).update(user=user)
        return user


@dataclass
class DirectorySyncReport:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)


def _first(attrs: dict[str, list[bytes]], name: str) -> str:
    values = attrs.get(name) or []
    return values[0].decode("utf-8").strip() if values else ""


def fetch_directory_entries() -> list[tuple[str, dict[str, list[bytes]]]]:
    """Read every employee entry from the directory with the configured service account."""
    import ldap

    connection = ldap.initialize(settings.LDAP_SERVER_URI)
    connection.set_option(ldap.OPT_REFERRALS, 0)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
    try:
        connection.simple_bind_s(
            getattr(settings, "AUTH_LDAP_BIND_DN", ""),
            getattr(settings, "AUTH_LDAP_BIND_PASSWORD", ""),
        )
        results = connection.search_s(
            settings.LDAP_USER_BASE,
            ldap.SCOPE_SUBTREE,
            settings.LDAP_EMPLOYEE_FILTER,
            ["employeeNumber", "givenName", "sn", "mail", "departmentNumber", "manager"],
        )
    finally:
        connection.unbind_s()
    return [(dn, attrs) for dn, attrs in results if dn]


@transaction.atomic
def sync_employees_from_directory(
    *, entries: list[tuple[str, dict[str, list[bytes]]]] | None = None
) -> DirectorySyncReport:
    """Create or update the employee directory from the city's directory.

    Org units are matched by short name (``departmentNumber``), supervisors by
    the ``manager`` DN. Entries without personnel number or surname are skipped
    and reported.
    """
    report = DirectorySyncReport()
    entries = fetch_directory_entries() if entries is None else entries
    number_by_dn: dict[str, str] = {}
    managers: dict[str, str] = {}
    units = {unit.short_name: unit for unit in OrgUnit.objects.exclude(short_name="")}
    for dn, attrs in entries:
        number, last_name = _first(attrs, "employeeNumber"), _first(attrs, "sn")
        if not number or not last_name:
            report.skipped.append(dn)
            continue
        number_by_dn[dn.lower()] = number
        _employee, created = Employee.objects.update_or_create(
            personnel_number=number,
            defaults={
                "first_name": _first(attrs, "givenName"),
                "last_name": last_name,
                "email": _first(attrs, "mail"),
                "org_unit": units.get(_first(attrs, "departmentNumber")),
                "is_active": True,
            },
        )
        if created:
            report.created += 1
        else:
            report.updated += 1
        if manager := _first(attrs, "manager"):
            managers[number] = manager.lower()
    for number, manager_dn in managers.items():
        supervisor_number = number_by_dn.get(manager_dn)
        supervisor = (
            Employee.objects.filter(personnel_number=supervisor_number).first()
            if supervisor_number
            else None
        )
        Employee.objects.filter(personnel_number=number).update(supervisor=supervisor)
    return report

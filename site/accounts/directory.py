"""The city's directory (Active Directory / OpenLDAP): staff login, employee lookup, leavers.

The attribute names come from the settings (``LDAP_PRESET``, ``LDAP_ATTR_*``); the LDAP
connection, paging and Active Directory's nested groups from :mod:`.directory_ldap`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend, ldap_error

from .leavers import hand_over_work_of
from .models import Employee, OrgUnit, User
from .roles import ROLES

logger = logging.getLogger(__name__)

Entry = tuple[str, dict[str, list[bytes]]]


class DirectoryUnavailable(Exception):
    """The directory could not be read; the message is for people (German)."""


def unavailable_message() -> str:
    message = _(
        "The directory (%(uri)s) cannot be reached. Directory accounts cannot log in at "
        "the moment; local accounts can. Please try again later or tell the IT service."
    ) % {"uri": settings.LDAP_SERVER_URI}
    if settings.LDAP_SERVER_URI.startswith("ldaps:") or settings.LDAP_START_TLS:
        message += " " + _("If it answers, its certificate may not be trusted: check LDAP_CA_FILE.")
    return message


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
        if user is None or not user.is_active:  # a leaver or an account locked by hand
            return None
        apply_role_mapping(
            user=user, group_dns=set(ldap_user.group_dns), mapping=settings.LDAP_ROLE_GROUPS
        )
        if user.directory_dn != ldap_user.dn:
            user.directory_dn = ldap_user.dn
            user.save(update_fields=["directory_dn"])
        if user.personnel_number:
            Employee.objects.filter(personnel_number=user.personnel_number).update(user=user)
        return user


def _report_unreachable(sender, context, user, request, exception, **kwargs) -> None:
    """A directory that cannot be reached is said in the log and on the login page."""
    import ldap

    if not isinstance(exception, ldap.SERVER_DOWN | ldap.TIMEOUT | ldap.CONNECT_ERROR):
        return
    logger.error(
        "Verzeichnis nicht erreichbar (%s) bei %s: %s",
        settings.LDAP_SERVER_URI,
        context,
        exception,
    )
    if request is not None and hasattr(request, "_messages"):
        messages.error(request, unavailable_message())


ldap_error.connect(_report_unreachable, dispatch_uid="portal_directory_unreachable")


@dataclass
class DirectorySyncReport:
    created: int = 0
    updated: int = 0  # entries that were already employees (written only where changed)
    skipped: list[str] = field(default_factory=list)
    disabled: int = 0  # employee entries the directory marks as disabled
    deactivated_users: list[str] = field(default_factory=list)
    reactivated_users: list[str] = field(default_factory=list)
    deactivated_employees: int = 0


def _first(attrs: dict[str, list[bytes]], name: str) -> str:
    values = attrs.get(name) or []
    return values[0].decode("utf-8").strip() if values else ""


def fetch_directory_entries() -> list[Entry]:
    """Every employee entry of the directory, page by page, with the service account."""
    import ldap

    from .directory_ldap import open_connection, paged_search

    names = settings.LDAP_ATTRIBUTES
    try:
        connection = open_connection(
            uri=settings.LDAP_SERVER_URI,
            bind_dn=settings.LDAP_BIND_DN,
            password=settings.LDAP_BIND_PASSWORD,
            timeout=settings.LDAP_TIMEOUT,
            ca_file=settings.LDAP_CA_FILE,
            start_tls=settings.LDAP_START_TLS,
        )
    except (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR) as exc:
        logger.error("Verzeichnis nicht erreichbar (%s): %s", settings.LDAP_SERVER_URI, exc)
        raise DirectoryUnavailable(unavailable_message()) from exc
    except ldap.INVALID_CREDENTIALS as exc:
        raise DirectoryUnavailable(
            _("The directory refused the service account (LDAP_BIND_DN, LDAP_BIND_PASSWORD).")
        ) from exc
    try:
        return list(
            paged_search(
                connection,
                base=settings.LDAP_USER_BASE,
                filterstr=settings.LDAP_EMPLOYEE_FILTER,
                attributes=sorted({*names.values(), "userAccountControl"}),
                page_size=settings.LDAP_PAGE_SIZE,
            )
        )
    except ldap.LDAPError as exc:
        logger.error("Verzeichnis-Suche fehlgeschlagen (%s): %s", settings.LDAP_SERVER_URI, exc)
        raise DirectoryUnavailable(
            _("The directory search failed: %(error)s") % {"error": _ldap_text(exc)}
        ) from exc
    finally:
        connection.unbind_s()


def _ldap_text(exc: Exception) -> str:
    detail = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    return str(detail.get("desc") or exc)


@transaction.atomic
def sync_employees_from_directory(
    *, entries: Iterable[Entry] | None = None, force: bool = False
) -> DirectorySyncReport:
    """Bring the employee directory and the staff accounts in line with the directory.

    Employees are created or updated (org unit by short name, supervisor by the
    manager's DN); entries the directory disables are inactive. Staff accounts whose
    entry is disabled or gone are deactivated (their open tasks go back to the queue
    through the registered leaver handlers) and come back when the entry does; no
    account is deleted. An answer without entries, or one that would deactivate more
    than half of the directory's accounts, changes no account unless ``force``.
    """
    from .directory_ldap import is_disabled

    names = settings.LDAP_ATTRIBUTES
    report = DirectorySyncReport()
    entries = list(fetch_directory_entries() if entries is None else entries)
    enabled_dns: set[str] = set()
    enabled_logins: set[str] = set()
    login_by_dn: dict[str, str] = {}
    rows: dict[str, dict] = {}  # personnel number -> the employee's values
    for dn, attrs in entries:
        disabled = is_disabled(attrs)
        login = _first(attrs, names["login"]).lower()
        if login:
            login_by_dn[dn.lower()] = login
        if not disabled:
            enabled_dns.add(dn.lower())
            if login:
                enabled_logins.add(login)
        number, last_name = (
            _first(attrs, names["personnel_number"]),
            _first(attrs, names["last_name"]),
        )
        if not number or not last_name:
            report.skipped.append(dn)
            continue
        report.disabled += disabled
        rows[number] = {
            "first_name": _first(attrs, names["first_name"]),
            "last_name": last_name,
            "email": _first(attrs, names["email"]),
            "org_unit": _first(attrs, names["org_unit"]),
            "is_active": not disabled,
            "directory_dn": dn,
            "manager": _first(attrs, names["manager"]).lower(),
        }
    _write_employees(rows, report)
    _sync_accounts(
        report,
        entries_seen=bool(entries),
        enabled_dns=enabled_dns,
        enabled_logins=enabled_logins,
        login_by_dn=login_by_dn,
        seen_numbers=set(rows),
        force=force,
    )
    return report


def _by_number(numbers: list[str]) -> dict[str, Employee]:
    found: dict[str, Employee] = {}
    for start in range(0, len(numbers), 900):  # SQLite's limit of parameters per statement
        batch = Employee.objects.filter(personnel_number__in=numbers[start : start + 900])
        found.update({e.personnel_number: e for e in batch})
    return found


EMPLOYEE_FIELDS = ["first_name", "last_name", "email", "org_unit", "is_active", "directory_dn"]


def _write_employees(rows: dict[str, dict], report: DirectorySyncReport) -> None:
    """Create and update the employees in batches (thousands of entries, few statements)."""
    units = {unit.short_name: unit for unit in OrgUnit.objects.exclude(short_name="")}
    existing = _by_number(list(rows))
    created, updated, changed = [], [], []
    for number, row in rows.items():
        employee = existing.get(number) or Employee(personnel_number=number)
        values = {
            name: units.get(row["org_unit"]) if name == "org_unit" else row[name]
            for name in EMPLOYEE_FIELDS
        }
        unit = values["org_unit"]
        differs = employee.org_unit_id != (unit.pk if unit else None) or any(
            getattr(employee, name) != value for name, value in values.items() if name != "org_unit"
        )
        for name, value in values.items():
            setattr(employee, name, value)
        if employee.pk is None:
            created.append(employee)
        else:
            updated.append(employee)
            if differs:  # the next night writes only what changed
                changed.append(employee)
    Employee.objects.bulk_create(created, batch_size=500)
    Employee.objects.bulk_update(changed, EMPLOYEE_FIELDS, batch_size=500)
    report.created, report.updated = len(created), len(updated)
    # supervisors by the manager's entry, once every employee exists
    by_dn = {row["directory_dn"].lower(): number for number, row in rows.items()}
    employees = {e.personnel_number: e for e in [*created, *updated]}
    if any(e.pk is None for e in created):  # a database that returns no new keys
        employees.update(_by_number([e.personnel_number for e in created]))
    with_supervisor = []
    for number, row in rows.items():
        supervisor_number = by_dn.get(row["manager"]) if row["manager"] else None
        employee = employees[number]
        supervisor = employees.get(supervisor_number) if supervisor_number else None
        if employee.supervisor_id != (supervisor.pk if supervisor else None):
            employee.supervisor = supervisor
            with_supervisor.append(employee)
    Employee.objects.bulk_update(with_supervisor, ["supervisor"], batch_size=500)


def _sync_accounts(
    report: DirectorySyncReport,
    *,
    entries_seen: bool,
    enabled_dns: set[str],
    enabled_logins: set[str],
    login_by_dn: dict[str, str],
    seen_numbers: set[str],
    force: bool,
) -> None:
    # Accounts that logged in before the directory knew them get their entry now.
    by_login = {login: dn for dn, login in login_by_dn.items()}
    for user in User.objects.filter(directory_dn="", username__in=list(by_login)):
        user.directory_dn = by_login[user.username.lower()]
        user.save(update_fields=["directory_dn"])
    linked = list(User.objects.exclude(directory_dn=""))

    def enabled(user: User) -> bool:
        return user.directory_dn.lower() in enabled_dns or user.username.lower() in enabled_logins

    leaving = [u for u in linked if u.is_active and not enabled(u)]
    mass = len(leaving) > 5 and len(leaving) * 2 > len(linked)
    if leaving and not force and (not entries_seen or mass):
        raise DirectoryUnavailable(
            _(
                "The directory's answer would deactivate %(count)s of %(total)s directory "
                "accounts; nothing was changed. Check LDAP_USER_BASE and LDAP_EMPLOYEE_FILTER, "
                "or run the sync with --force."
            )
            % {"count": len(leaving), "total": len(linked)}
        )
    now = timezone.now()
    for user in leaving:
        user.is_active = False
        user.directory_deactivated_at = now
        user.save(update_fields=["is_active", "directory_deactivated_at"])
        hand_over_work_of(user)
        report.deactivated_users.append(user.username)
        logger.info("Konto %s deaktiviert: im Verzeichnis gesperrt oder entfernt", user.username)
    for user in linked:
        if not user.is_active and user.directory_deactivated_at is not None and enabled(user):
            user.is_active = True
            user.directory_deactivated_at = None
            user.save(update_fields=["is_active", "directory_deactivated_at"])
            report.reactivated_users.append(user.username)
    if entries_seen:
        gone = Employee.objects.exclude(directory_dn="").exclude(personnel_number__in=seen_numbers)
        report.deactivated_employees = gone.filter(is_active=True).update(is_active=False)

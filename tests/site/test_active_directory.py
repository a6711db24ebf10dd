"""The portal against a real Active Directory: Samba's AD domain controller on loopback,
with the Active Directory preset as a city would configure it (LDAPS with its CA,
sAMAccountName or userPrincipalName logins, employeeID, nested groups under two bases,
a disabled account, more employees than one page holds, a search from the domain root).

One test, so that one pytest-xdist worker runs the one domain controller."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import authenticate

try:
    import django_auth_ldap  # noqa: F401
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("django-auth-ldap is not installed", allow_module_level=True)

import ldap  # noqa: E402

from portal_site.accounts.directory import sync_employees_from_directory  # noqa: E402
from portal_site.accounts.directory_ldap import ChainedActiveDirectoryGroupType  # noqa: E402
from portal_site.accounts.models import Employee, OrgUnit, User  # noqa: E402
from portal_site.accounts.roles import ROLES, sync_roles  # noqa: E402
from portal_site.settings.directory import LDAP_PRESETS, directory_attributes  # noqa: E402
from tests import samba_dc  # noqa: E402
from tests.directory_settings import apply_directory_settings  # noqa: E402

BASE = samba_dc.BASE_DN
STAFF = f"OU=Stadtverwaltung,{BASE}"
GROUPS = f"OU=Gruppen,{BASE}"
TEAMS = f"OU=Teams,{BASE}"
EMPLOYEES = 130  # more than two pages of 50


@pytest.fixture(scope="module")
def domain():
    reason = samba_dc.samba_available()
    if reason:
        if os.environ.get("CI") and "not installed" in reason:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        dc = samba_dc.SambaDC().start()
    except samba_dc.PortsTaken as exc:  # another directory server runs on this machine
        pytest.skip(str(exc))
    try:
        admin = dc.admin()
        for ou in (STAFF, GROUPS, TEAMS):
            samba_dc.add_ou(admin, ou)

        def user(login, number, first, last, department, manager="", disabled=False):
            samba_dc.add_user(
                admin,
                f"CN={first} {last},{STAFF}",
                login=login,
                number=number,
                first=first,
                last=last,
                department=department,
                manager=manager,
                disabled=disabled,
            )

        user("ahauptmann", "1124", "Albert", "Hauptmann", "10")
        user("gleitner", "1111", "Greta", "Leitner", "10.1", f"CN=Albert Hauptmann,{STAFF}")
        user("sstandke", "3004", "Stefan", "Standke", "34")
        user("ausgeschieden", "4711", "Olaf", "Ausgeschieden", "34", disabled=True)
        for n in range(EMPLOYEES):
            user(f"m{n:04d}", f"9{n:04d}", "Mitarbeiter", f"Nummer{n}", "10.1")
        # nesting across two bases: the role group holds a team, the team the clerk
        samba_dc.add_group(admin, f"CN=Team Standesamt,{TEAMS}", "team-standesamt",
                           [f"CN=Stefan Standke,{STAFF}"])  # fmt: skip
        samba_dc.add_group(admin, f"CN=GG-Standesamt,{GROUPS}", "gg-standesamt",
                           [f"CN=Team Standesamt,{TEAMS}"])  # fmt: skip
        admin.unbind_s()
        yield dc
    finally:
        dc.stop()


def configure(settings, dc, *, base: str = STAFF, login: str = "") -> None:
    environ = {"LDAP_ATTR_LOGIN": login} if login else {}
    apply_directory_settings(
        settings,
        uri=samba_dc.LDAPS_URI,
        attributes=directory_attributes(
            "active_directory", lambda name, default: environ.get(name, default)
        ),
        bind_dn=samba_dc.ADMIN,
        password=samba_dc.ADMIN_PASSWORD,
        base=base,
        employee_filter=LDAP_PRESETS["active_directory"]["employee_filter"],
        group_bases=[GROUPS, TEAMS],
        group_type=ChainedActiveDirectoryGroupType(),
        role_groups={"registry_office": f"cn=gg-standesamt,{GROUPS}".lower()},
        ca_file=str(dc.certificates["ca"]),
        page_size=50,
        timeout=10,
    )


@pytest.mark.django_db
def test_the_portal_against_samba_active_directory(settings, domain):
    sync_roles()
    OrgUnit.objects.create(name="Sachgebiet Organisation", short_name="10.1")
    configure(settings, domain)

    # the employee sync: paged (130 + 4 entries, 50 a page), the disabled account inactive,
    # supervisors by the manager attribute, org units by department
    report = sync_employees_from_directory()
    assert (report.created, report.skipped, report.disabled) == (EMPLOYEES + 4, [], 1)
    assert not Employee.objects.get(personnel_number="4711").is_active
    greta = Employee.objects.get(personnel_number="1111")
    assert greta.supervisor.personnel_number == "1124"
    assert greta.org_unit.short_name == "10.1"
    assert Employee.objects.get(personnel_number=f"9{EMPLOYEES - 1:04d}").is_active

    # login with sAMAccountName; the role comes through the nested team group
    user = authenticate(username="sstandke", password=samba_dc.USER_PASSWORD)
    assert user is not None and user.personnel_number == "3004"
    assert user.directory_dn.lower() == f"cn=stefan standke,{STAFF}".lower()
    assert list(user.groups.values_list("name", flat=True)) == [ROLES["registry_office"].group_name]
    assert authenticate(username="ausgeschieden", password=samba_dc.USER_PASSWORD) is None

    # login with userPrincipalName, searching from the domain root (referrals not chased)
    configure(settings, domain, base=BASE, login="userPrincipalName")
    user = authenticate(username="gleitner@kassel.test", password=samba_dc.USER_PASSWORD)
    assert user is not None and user.username == "gleitner@kassel.test"
    assert not user.groups.exists()  # in no mapped group
    assert sync_employees_from_directory().updated == EMPLOYEES + 4

    # the clerk's account is disabled in AD: the next sync deactivates her account
    configure(settings, domain)
    admin = domain.admin()
    admin.modify_s(
        f"CN=Stefan Standke,{STAFF}", [(ldap.MOD_REPLACE, "userAccountControl", [b"514"])]
    )
    report = sync_employees_from_directory()
    assert report.deactivated_users == ["sstandke"]
    assert not User.objects.get(username="sstandke").is_active
    assert authenticate(username="sstandke", password=samba_dc.USER_PASSWORD) is None
    admin.modify_s(
        f"CN=Stefan Standke,{STAFF}", [(ldap.MOD_REPLACE, "userAccountControl", [b"512"])]
    )
    assert sync_employees_from_directory().reactivated_users == ["sstandke"]
    assert authenticate(username="sstandke", password=samba_dc.USER_PASSWORD) is not None

"""Directory login, employee sync and leavers against a real OpenLDAP server on loopback,
once with OpenLDAP's attributes and once with Active Directory's (the same tests)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

try:
    import django_auth_ldap  # noqa: F401
except ImportError:  # the optional "ldap" extra needs libldap/libsasl headers to build
    if os.environ.get("CI"):
        raise
    pytest.skip(
        "django-auth-ldap is not installed (apt-get install libldap2-dev "
        "libsasl2-dev, then make install)",
        allow_module_level=True,
    )

import ldap  # noqa: E402

from portal_site.accounts.directory import (  # noqa: E402
    DirectoryUnavailable,
    sync_employees_from_directory,
)
from portal_site.accounts.directory_ldap import connection_options  # noqa: E402
from portal_site.accounts.models import Employee, OrgUnit, User  # noqa: E402
from portal_site.accounts.roles import ROLES, sync_roles  # noqa: E402
from portal_site.settings.directory import (  # noqa: E402
    LDAP_PRESETS,
    directory_attributes,
    parse_bases,
    parse_role_groups,
)
from tests import ldap_server as directory  # noqa: E402
from tests.directory_settings import apply_directory_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STYLES = [directory.OPENLDAP, directory.ACTIVE_DIRECTORY]
# slapd knows no objectCategory, so the AD style's filter here names the attribute only
EMPLOYEE_FILTERS = {
    directory.OPENLDAP: "(employeeNumber=*)",
    directory.ACTIVE_DIRECTORY: "(employeeID=*)",
}


def _require_slapd() -> None:
    if not directory.slapd_available():
        if os.environ.get("CI"):
            pytest.fail("slapd is not installed (apt-get install slapd ldap-utils)")
        pytest.skip("slapd is not installed (apt-get install slapd ldap-utils)")


@pytest.fixture(scope="module", params=STYLES)
def slapd(request):
    _require_slapd()
    # 2,500 employees behind a limit of 1,000 entries per search (AD's MaxPageSize),
    # reachable as ldap:// (StartTLS) and ldaps:// with a throw-away CA's certificate
    server = directory.LDAPServer(
        style=request.param, extra_employees=2500, sizelimit=1000, tls=True
    ).start()
    yield server
    server.stop()


def configure(settings, server, *, uri: str = "", ca_file: str = "", start_tls: bool = False):
    from django_auth_ldap.config import GroupOfNamesType

    apply_directory_settings(
        settings,
        uri=uri or server.uri,
        attributes=directory_attributes(server.style, environ_get=lambda name, default: default),
        bind_dn=directory.SERVICE_DN,
        password=directory.SERVICE_PASSWORD,
        base=directory.PEOPLE,
        employee_filter=EMPLOYEE_FILTERS[server.style],
        group_bases=[directory.GROUPS],
        group_type=GroupOfNamesType(),
        role_groups=parse_role_groups(
            f"registry_office=cn=gg-standesamt,{directory.GROUPS};"
            f"team_lead=cn=gg-fuehrungskraefte,{directory.GROUPS}"
        ),
        ca_file=ca_file,
        start_tls=start_tls,
    )
    sync_roles()
    return settings


@pytest.fixture
def ldap_settings(settings, slapd):
    return configure(settings, slapd)


@pytest.mark.django_db
def test_directory_account_logs_in_with_its_attributes_and_mapped_role(ldap_settings):
    user = authenticate(username="sstandke", password="sstandke-passwort")
    assert user is not None
    assert (user.first_name, user.last_name, user.email) == (
        "Stefan",
        "Standke",
        "sstandke@kassel.de",
    )
    assert user.personnel_number == "3004"
    assert user.directory_dn == f"uid=sstandke,{directory.PEOPLE}"
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [ROLES["registry_office"].group_name]


@pytest.mark.django_db
def test_wrong_directory_password_is_refused(ldap_settings):
    assert authenticate(username="sstandke", password="falsch") is None


@pytest.mark.django_db
def test_directory_user_without_mapped_group_gets_no_role_and_no_admin(ldap_settings):
    user = authenticate(username="hmustermann", password="hmustermann-passwort")
    assert user is not None
    assert not user.is_staff
    assert not user.groups.exists()


@pytest.mark.django_db
def test_directory_login_through_the_admin_login_page(ldap_settings, client):
    response = client.post(
        "/admin/login/", {"username": "gleitner", "password": "gleitner-passwort"}, follow=True
    )
    assert response.wsgi_request.user.username == "gleitner"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_plain_search_stops_at_the_size_limit_the_paged_sync_reads_all(ldap_settings, slapd):
    connection = ldap.initialize(slapd.uri)
    connection.simple_bind_s(directory.SERVICE_DN, directory.SERVICE_PASSWORD)
    with pytest.raises(ldap.SIZELIMIT_EXCEEDED):
        connection.search_s(directory.PEOPLE, ldap.SCOPE_SUBTREE, EMPLOYEE_FILTERS[slapd.style])
    OrgUnit.objects.create(name="Sachgebiet Organisation", short_name="10.1")
    report = sync_employees_from_directory()
    assert (report.created, report.updated, report.skipped) == (2504, 0, [])
    assert Employee.objects.filter(is_active=True).count() == 2504
    hans = Employee.objects.get(personnel_number="2001")
    assert (hans.first_name, hans.last_name) == ("Hans", "Mustermann")
    assert hans.org_unit.short_name == "10.1"
    assert hans.supervisor.personnel_number == "1111"
    assert hans.supervisor.supervisor.personnel_number == "1124"
    assert Employee.objects.get(personnel_number="902499").last_name == "Nummer2499"
    again = sync_employees_from_directory()
    assert (again.created, again.updated) == (0, 2504)
    # a change in the directory reaches the employee the next night
    admin, dn = slapd.admin(), f"uid=hmustermann,{directory.PEOPLE}"
    admin.modify_s(dn, [(ldap.MOD_REPLACE, "sn", [b"Musterfrau"])])
    try:
        sync_employees_from_directory()
    finally:
        admin.modify_s(dn, [(ldap.MOD_REPLACE, "sn", [b"Mustermann"])])
    assert Employee.objects.get(personnel_number="2001").last_name == "Musterfrau"


def _case_with_task_of(user: User):
    from flows import selectors, workspace
    from portal_site.processes import start_process
    from tests.factories import case_for

    case = case_for("generic", office=user.org_unit, values={}, inputs={})
    start_process(key="generic", case=case)
    task = selectors.open_task_for_case(case=case)
    workspace.claim_task(task_id=task.pk, user=user)
    task.refresh_from_db()
    assert task.owner_id == user.pk
    return case, task


@pytest.mark.django_db(transaction=True)
def test_a_leaver_is_deactivated_their_tasks_go_back_and_they_can_come_back(ldap_settings, slapd):
    from tests.factories import city_staff

    staff = city_staff()
    # the registry office's clerk logs in with her directory account
    clerk = staff["standesamt"]
    clerk.username = "sstandke"
    clerk.save()
    assert authenticate(username="sstandke", password="sstandke-passwort") == clerk
    sync_employees_from_directory()  # last night's sync
    case, task = _case_with_task_of(clerk)
    admin = slapd.admin()
    dn = f"uid=sstandke,{directory.PEOPLE}"
    entry = admin.search_s(dn, ldap.SCOPE_BASE)[0][1]
    if slapd.style == directory.ACTIVE_DIRECTORY:  # AD: the account is disabled
        admin.modify_s(dn, [(ldap.MOD_REPLACE, "userAccountControl", [b"514"])])
    else:  # OpenLDAP: the entry is removed
        admin.delete_s(dn)
    try:
        report = sync_employees_from_directory()
        clerk.refresh_from_db()
        assert report.deactivated_users == ["sstandke"]
        assert not clerk.is_active and clerk.directory_deactivated_at is not None
        assert User.objects.filter(pk=clerk.pk).exists()  # never deleted
        assert not Employee.objects.get(personnel_number="3004").is_active
        task.refresh_from_db()
        assert task.owner_id is None and task.status == "NEW"
        note = case.timeline.order_by("-at", "-pk").first()
        assert "zurück in die Warteschlange" in note.message and "Verzeichnis" in note.message
        assert authenticate(username="sstandke", password="sstandke-passwort") is None
        # an administrator's own deactivation is not undone by the sync
        by_hand = User.objects.create_user("hand", is_active=False, directory_dn="uid=x")
    finally:
        if slapd.style == directory.ACTIVE_DIRECTORY:
            admin.modify_s(dn, [(ldap.MOD_REPLACE, "userAccountControl", [b"512"])])
        else:
            admin.add_s(dn, [(k, v) for k, v in entry.items()])
    report = sync_employees_from_directory(force=True)
    clerk.refresh_from_db()
    assert report.reactivated_users == ["sstandke"] and clerk.is_active
    assert Employee.objects.get(personnel_number="3004").is_active
    by_hand.refresh_from_db()
    assert not by_hand.is_active


@pytest.mark.django_db
def test_an_answer_that_would_deactivate_most_accounts_changes_nothing(ldap_settings):
    for n in range(8):
        User.objects.create_user(f"weg{n}", directory_dn=f"uid=weg{n},{directory.PEOPLE}")
    with pytest.raises(DirectoryUnavailable, match="8 von 8"):
        sync_employees_from_directory()
    assert User.objects.filter(username__startswith="weg", is_active=True).count() == 8
    with pytest.raises(DirectoryUnavailable):
        sync_employees_from_directory(entries=[])
    report = sync_employees_from_directory(force=True)
    assert len(report.deactivated_users) == 8


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["ldaps", "starttls"])
def test_tls_checks_the_certificate_against_the_configured_ca(settings, slapd, mode):
    ca = str(slapd.certificates["ca"])
    uri = slapd.ldaps_uri if mode == "ldaps" else slapd.uri
    configure(settings, slapd, uri=uri, ca_file=ca, start_tls=mode == "starttls")
    assert sync_employees_from_directory().created == 2504
    assert authenticate(username="sstandke", password="sstandke-passwort") is not None
    # without the city's CA the server's certificate is not trusted: nothing is read
    configure(settings, slapd, uri=uri, ca_file="", start_tls=mode == "starttls")
    with pytest.raises(DirectoryUnavailable, match="LDAP_CA_FILE"):
        sync_employees_from_directory()
    assert authenticate(username="sstandke", password="sstandke-passwort") is None


@pytest.mark.django_db
def test_an_unreachable_directory_is_said_in_german_and_local_admins_still_log_in(
    settings, slapd, client, caplog
):
    from tests.mail_server import free_port

    configure(settings, slapd, uri=f"ldap://127.0.0.1:{free_port()}")
    User.objects.create_superuser("admin-lokal", "admin@kassel.de", "Lokal-Passwort-2026")
    with caplog.at_level(logging.ERROR, logger="portal_site.accounts.directory"):
        response = client.post(
            "/admin/login/", {"username": "sstandke", "password": "x"}, follow=True
        )
    assert "Das Verzeichnis (ldap://127.0.0.1:" in response.content.decode()
    assert "lokale Konten" in response.content.decode()
    assert "Verzeichnis nicht erreichbar" in caplog.text
    client.post("/admin/login/", {"username": "admin-lokal", "password": "Lokal-Passwort-2026"})
    assert client.get("/admin/").status_code == 200
    with pytest.raises(CommandError, match="nicht erreichbar"):
        call_command("sync_directory")


def test_every_connection_has_referrals_off_timeouts_and_certificate_checks():
    options = connection_options(timeout=7, ca_file="/etc/ssl/stadt-ca.pem")
    assert options[ldap.OPT_REFERRALS] == 0
    assert options[ldap.OPT_NETWORK_TIMEOUT] == options[ldap.OPT_TIMEOUT] == 7
    assert options[ldap.OPT_X_TLS_REQUIRE_CERT] == ldap.OPT_X_TLS_DEMAND
    assert options[ldap.OPT_X_TLS_CACERTFILE] == "/etc/ssl/stadt-ca.pem"
    assert list(options)[-1] == ldap.OPT_X_TLS_NEWCTX  # the TLS context is made last


@pytest.mark.django_db
def test_sync_command_refuses_without_a_directory(settings):
    settings.LDAP_SERVER_URI = ""
    with pytest.raises(CommandError, match="LDAP_SERVER_URI"):
        call_command("sync_directory")


def test_role_group_mapping_and_bases_are_parsed_from_the_environment():
    assert parse_role_groups("clerk=CN=Sachbearbeitung,OU=Gruppen,DC=kassel,DC=de; bad") == {
        "clerk": "cn=sachbearbeitung,ou=gruppen,dc=kassel,dc=de"
    }
    assert parse_bases("OU=Gruppen,DC=kassel,DC=de; OU=Rollen,DC=kassel,DC=de;") == [
        "OU=Gruppen,DC=kassel,DC=de",
        "OU=Rollen,DC=kassel,DC=de",
    ]


def test_the_presets_name_the_attributes_and_each_can_be_overridden():
    environ = {"LDAP_ATTR_LOGIN": "userPrincipalName"}
    ad = directory_attributes("active_directory", lambda name, default: environ.get(name, default))
    assert ad["login"] == "userPrincipalName"
    assert (ad["personnel_number"], ad["org_unit"]) == ("employeeID", "department")
    assert directory_attributes("openldap", lambda n, d: d)["personnel_number"] == "employeeNumber"
    assert "objectCategory=person" in LDAP_PRESETS["active_directory"]["employee_filter"]


def _settings_in_subprocess(extra_env: dict[str, str], code: str) -> str:
    env = {
        **os.environ,
        "LDAP_SERVER_URI": "ldap://127.0.0.1:1",
        "LDAP_USER_BASE": "dc=x",
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.dev",
        **extra_env,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],  # noqa: S603
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_setting_ldap_server_uri_switches_the_directory_backend_on():
    code = (
        "from django.conf import settings; "
        "print(*settings.AUTHENTICATION_BACKENDS[:2], settings.AUTH_LDAP_SERVER_URI)"
    )
    assert _settings_in_subprocess({}, code).split() == [
        # the lockout check comes first, for directory logins too
        "portal_site.accounts.throttling_backend.ThrottlingBackend",
        "portal_site.accounts.directory.DirectoryBackend",
        "ldap://127.0.0.1:1",
    ]


def test_the_active_directory_preset_configures_login_attributes_and_nested_groups():
    code = (
        "import ldap; from django.conf import settings as s; "
        "print(s.AUTH_LDAP_USER_SEARCH.filterstr, s.AUTH_LDAP_USER_ATTR_MAP['personnel_number'], "
        "type(s.AUTH_LDAP_GROUP_TYPE).__name__, len(s.AUTH_LDAP_GROUP_SEARCH.searches), "
        "s.AUTH_LDAP_CONNECTION_OPTIONS[ldap.OPT_REFERRALS], "
        "s.AUTH_LDAP_CONNECTION_OPTIONS[ldap.OPT_X_TLS_CACERTFILE])"
    )
    output = _settings_in_subprocess(
        {
            "LDAP_PRESET": "active_directory",
            "LDAP_GROUP_BASE": "OU=Gruppen,DC=kassel,DC=de;OU=Rollen,DC=kassel,DC=de",
            "LDAP_CA_FILE": "/etc/ssl/stadt-ca.pem",
        },
        code,
    )
    assert output.split() == [
        "(sAMAccountName=%(user)s)",
        "employeeID",
        "ChainedActiveDirectoryGroupType",
        "2",
        "0",
        "/etc/ssl/stadt-ca.pem",
    ]

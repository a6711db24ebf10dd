"""Directory login and employee lookup against a real OpenLDAP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

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

from portal_site.accounts.directory import sync_employees_from_directory  # noqa: E402
from portal_site.accounts.models import Employee, OrgUnit  # noqa: E402
from portal_site.accounts.roles import ROLES, sync_roles  # noqa: E402
from portal_site.settings.directory import parse_role_groups  # noqa: E402
from tests import ldap_server as directory  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def slapd():
    if not directory.slapd_available():
        if os.environ.get("CI"):
            pytest.fail("slapd is not installed (apt-get install slapd ldap-utils)")
        pytest.skip("slapd is not installed (apt-get install slapd ldap-utils)")
    server = directory.LDAPServer().start()
    yield server
    server.stop()


@pytest.fixture
def ldap_settings(settings, slapd):
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    settings.AUTHENTICATION_BACKENDS = [
        "portal_site.accounts.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.LDAP_SERVER_URI = slapd.uri
    settings.AUTH_LDAP_SERVER_URI = slapd.uri
    settings.AUTH_LDAP_BIND_DN = directory.ADMIN_DN
    settings.AUTH_LDAP_BIND_PASSWORD = directory.ADMIN_PASSWORD
    settings.LDAP_USER_BASE = directory.PEOPLE
    settings.LDAP_EMPLOYEE_FILTER = "(employeeNumber=*)"
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        directory.PEOPLE, ldap.SCOPE_SUBTREE, "(uid=%(user)s)"
    )
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(directory.GROUPS, ldap.SCOPE_SUBTREE)
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.AUTH_LDAP_USER_ATTR_MAP = {
        "first_name": "givenName",
        "last_name": "sn",
        "email": "mail",
        "personnel_number": "employeeNumber",
    }
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = True
    settings.AUTH_LDAP_CACHE_TIMEOUT = 0
    settings.LDAP_ROLE_GROUPS = parse_role_groups(
        f"registry_office=cn=gg-standesamt,{directory.GROUPS};"
        f"team_lead=cn=gg-fuehrungskraefte,{directory.GROUPS}"
    )
    sync_roles()
    return settings


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
def test_employee_lookup_syncs_the_directory_with_units_and_supervisors(ldap_settings):
    OrgUnit.objects.create(name="Sachgebiet Organisation", short_name="10.1")
    report = sync_employees_from_directory()
    assert (report.created, report.updated, report.skipped) == (4, 0, [])
    hans = Employee.objects.get(personnel_number="2001")
    assert (hans.first_name, hans.last_name) == ("Hans", "Mustermann")
    assert hans.org_unit.short_name == "10.1"
    assert hans.supervisor.personnel_number == "1111"
    assert hans.supervisor.supervisor.personnel_number == "1124"
    again = sync_employees_from_directory()
    assert (again.created, again.updated) == (0, 4)


@pytest.mark.django_db
def test_sync_command_refuses_without_a_directory(settings):
    from django.core.management.base import CommandError

    settings.LDAP_SERVER_URI = ""
    with pytest.raises(CommandError, match="LDAP_SERVER_URI"):
        call_command("sync_directory")


def test_role_group_mapping_is_parsed_from_the_environment():
    assert parse_role_groups("clerk=CN=Sachbearbeitung,OU=Gruppen,DC=kassel,DC=de; bad") == {
        "clerk": "cn=sachbearbeitung,ou=gruppen,dc=kassel,dc=de"
    }


def test_setting_ldap_server_uri_switches_the_directory_backend_on():
    env = {
        **os.environ,
        "LDAP_SERVER_URI": "ldap://127.0.0.1:1",
        "LDAP_USER_BASE": "dc=x",
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.dev",
    }
    code = (
        "from django.conf import settings; "
        "print(*settings.AUTHENTICATION_BACKENDS[:2], settings.AUTH_LDAP_SERVER_URI)"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],  # noqa: S603
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.stdout.split() == [
        # the lockout check comes first, for directory logins too
        "portal_site.accounts.throttling_backend.ThrottlingBackend",
        "portal_site.accounts.directory.DirectoryBackend",
        "ldap://127.0.0.1:1",
    ]

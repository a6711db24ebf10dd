"""Staff login and the employee directory from the city's directory (Active Directory or
OpenLDAP), configured from the environment (docs/directory.md).

Off unless ``LDAP_SERVER_URI`` is set; then directory accounts log into the admin,
their attributes fill the user record and their directory groups map to the portal's
roles. Local accounts keep working (ModelBackend second). ``LDAP_PRESET`` chooses the
attribute names of Active Directory or of OpenLDAP; each can be overridden with
``LDAP_ATTR_<NAME>``.
"""

from __future__ import annotations

from .environment import env_bool, env_int, env_str

LDAP_SERVER_URI = env_str("LDAP_SERVER_URI")
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# The attributes the portal reads, per directory kind.
LDAP_PRESETS: dict[str, dict[str, str]] = {
    "openldap": {
        "login": "uid",
        "personnel_number": "employeeNumber",
        "email": "mail",
        "first_name": "givenName",
        "last_name": "sn",
        "org_unit": "departmentNumber",
        "manager": "manager",
        "employee_filter": "(employeeNumber=*)",
        "group_type": "groupOfNames",
    },
    "active_directory": {
        # userPrincipalName (name@kassel.de) works as well: LDAP_ATTR_LOGIN=userPrincipalName
        "login": "sAMAccountName",
        "personnel_number": "employeeID",
        "email": "mail",
        "first_name": "givenName",
        "last_name": "sn",
        "org_unit": "department",
        "manager": "manager",
        "employee_filter": "(&(objectCategory=person)(objectClass=user)(employeeID=*))",
        "group_type": "active_directory",
    },
}
ATTRIBUTE_NAMES = (
    "login",
    "personnel_number",
    "email",
    "first_name",
    "last_name",
    "org_unit",
    "manager",
)


def directory_attributes(preset: str, environ_get=env_str) -> dict[str, str]:
    """The preset's attribute names, each overridable by ``LDAP_ATTR_<NAME>``."""
    defaults = LDAP_PRESETS.get(preset, LDAP_PRESETS["openldap"])
    return {
        name: environ_get(f"LDAP_ATTR_{name.upper()}", defaults[name]) for name in ATTRIBUTE_NAMES
    }


def user_attribute_map(attributes: dict[str, str]) -> dict[str, str]:
    """The user fields a login copies from the directory (django-auth-ldap's map)."""
    return {
        name: attributes[name] for name in ("first_name", "last_name", "email", "personnel_number")
    }


def parse_role_groups(value: str) -> dict[str, str]:
    """``clerk=cn=sachbearbeitung,ou=groups,dc=kassel,dc=de;archive=cn=...`` → {role: dn}."""
    mapping: dict[str, str] = {}
    for item in value.split(";"):
        role, separator, dn = item.strip().partition("=")
        if separator and role.strip() and dn.strip():
            mapping[role.strip()] = dn.strip().lower()
    return mapping


def parse_bases(value: str) -> list[str]:
    """Several search bases, separated by ``;`` (e.g. two OUs of groups)."""
    return [base.strip() for base in value.split(";") if base.strip()]


LDAP_PRESET = env_str("LDAP_PRESET", "openldap")
LDAP_ATTRIBUTES = directory_attributes(LDAP_PRESET)
_PRESET = LDAP_PRESETS.get(LDAP_PRESET, LDAP_PRESETS["openldap"])
LDAP_ROLE_GROUPS = parse_role_groups(env_str("LDAP_ROLE_GROUPS"))
LDAP_USER_BASE = env_str("LDAP_USER_BASE")
LDAP_GROUP_BASES = parse_bases(env_str("LDAP_GROUP_BASE"))
LDAP_EMPLOYEE_FILTER = env_str("LDAP_EMPLOYEE_FILTER", _PRESET["employee_filter"])
LDAP_GROUP_TYPE = env_str("LDAP_GROUP_TYPE", _PRESET["group_type"])
# Entries per page of the sync's paged search (RFC 2696); AD's MaxPageSize is 1,000.
LDAP_PAGE_SIZE = env_int("LDAP_PAGE_SIZE", 500)
# Seconds to wait for a connection and for an answer; the login never hangs on the directory.
LDAP_TIMEOUT = env_int("LDAP_TIMEOUT", 10)
LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
# The CA certificate(s) that signed the directory's certificate (PEM); the system's CAs
# when empty. Certificates are always checked.
LDAP_CA_FILE = env_str("LDAP_CA_FILE")
LDAP_BIND_DN = env_str("LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")

if LDAP_SERVER_URI:  # pragma: no cover - exercised through a subprocess test
    try:
        import ldap
        from django_auth_ldap.config import (
            GroupOfNamesType,
            LDAPSearch,
            LDAPSearchUnion,
        )
    except ImportError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but the 'ldap' extra is not installed: "
            "apt-get install libldap2-dev libsasl2-dev, then pip install -e '.[ldap]'."
        ) from exc

    from portal_site.accounts.directory_ldap import (
        ChainedActiveDirectoryGroupType,
        connection_options,
    )

    AUTHENTICATION_BACKENDS = [
        "portal_site.accounts.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = LDAP_START_TLS
    AUTH_LDAP_BIND_DN = LDAP_BIND_DN
    AUTH_LDAP_BIND_PASSWORD = LDAP_BIND_PASSWORD
    # Referrals off and timeouts for every connection, the login's included; TLS checks on.
    AUTH_LDAP_CONNECTION_OPTIONS = connection_options(timeout=LDAP_TIMEOUT, ca_file=LDAP_CA_FILE)
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        LDAP_USER_BASE,
        ldap.SCOPE_SUBTREE,
        env_str("LDAP_USER_FILTER", f"({LDAP_ATTRIBUTES['login']}=%(user)s)"),
    )
    AUTH_LDAP_GROUP_SEARCH = LDAPSearchUnion(
        *[LDAPSearch(base, ldap.SCOPE_SUBTREE) for base in LDAP_GROUP_BASES or [LDAP_USER_BASE]]
    )
    AUTH_LDAP_GROUP_TYPE = (
        ChainedActiveDirectoryGroupType()
        if LDAP_GROUP_TYPE == "active_directory"
        else GroupOfNamesType()
    )
    AUTH_LDAP_USER_ATTR_MAP = user_attribute_map(LDAP_ATTRIBUTES)
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    AUTH_LDAP_CACHE_TIMEOUT = 300

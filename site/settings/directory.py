"""Staff login against the city's directory (Active Directory or OpenLDAP).

Off unless ``LDAP_SERVER_URI`` is set; then directory accounts log into the
admin, their attributes fill the user record and their directory groups map to
the portal's roles. Local accounts keep working (ModelBackend second).
"""

from __future__ import annotations

from .environment import env_bool, env_str

LDAP_SERVER_URI = env_str("LDAP_SERVER_URI")
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]


def parse_role_groups(value: str) -> dict[str, str]:
    """``clerk=cn=sachbearbeitung,ou=groups,dc=kassel,dc=de;archive=cn=...`` → {role: dn}."""
    mapping: dict[str, str] = {}
    for item in value.split(";"):
        role, separator, dn = item.strip().partition("=")
        if separator and role.strip() and dn.strip():
            mapping[role.strip()] = dn.strip().lower()
    return mapping


LDAP_ROLE_GROUPS = parse_role_groups(env_str("LDAP_ROLE_GROUPS"))
LDAP_USER_BASE = env_str("LDAP_USER_BASE")
LDAP_EMPLOYEE_FILTER = env_str("LDAP_EMPLOYEE_FILTER", "(employeeNumber=*)")

if LDAP_SERVER_URI:  # pragma: no cover - exercised through a subprocess test
    try:
        import ldap
        from django_auth_ldap.config import (
            GroupOfNamesType,
            LDAPSearch,
            NestedActiveDirectoryGroupType,
        )
    except ImportError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but the 'ldap' extra is not installed: "
            "apt-get install libldap2-dev libsasl2-dev, then pip install -e '.[ldap]'."
        ) from exc

    AUTHENTICATION_BACKENDS = [
        "portal_site.accounts.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
    AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN")
    AUTH_LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        LDAP_USER_BASE, ldap.SCOPE_SUBTREE, env_str("LDAP_USER_FILTER", "(uid=%(user)s)")
    )
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(env_str("LDAP_GROUP_BASE"), ldap.SCOPE_SUBTREE)
    AUTH_LDAP_GROUP_TYPE = (
        NestedActiveDirectoryGroupType()
        if env_str("LDAP_GROUP_TYPE") == "active_directory"
        else GroupOfNamesType()
    )
    AUTH_LDAP_USER_ATTR_MAP = {
        "first_name": "givenName",
        "last_name": "sn",
        "email": "mail",
        "personnel_number": "employeeNumber",
    }
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    AUTH_LDAP_CACHE_TIMEOUT = 300

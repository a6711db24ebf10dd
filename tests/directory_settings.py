"""The directory settings a test points at its server (slapd or Samba's AD DC), the way
site/settings/directory.py builds them from the environment."""

from __future__ import annotations

from typing import Any


def apply_directory_settings(
    settings,
    *,
    uri: str,
    attributes: dict[str, str],
    bind_dn: str,
    password: str,
    base: str,
    employee_filter: str,
    group_bases: list[str],
    group_type: Any,
    role_groups: dict[str, str],
    ca_file: str = "",
    start_tls: bool = False,
    page_size: int = 500,
    timeout: int = 5,
) -> None:
    import ldap
    from django_auth_ldap.config import LDAPSearch, LDAPSearchUnion

    from portal_site.accounts.directory_ldap import connection_options
    from portal_site.settings.directory import user_attribute_map

    settings.AUTHENTICATION_BACKENDS = [
        "portal_site.accounts.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.LDAP_SERVER_URI = settings.AUTH_LDAP_SERVER_URI = uri
    settings.LDAP_ATTRIBUTES = attributes
    settings.LDAP_BIND_DN = settings.AUTH_LDAP_BIND_DN = bind_dn
    settings.LDAP_BIND_PASSWORD = settings.AUTH_LDAP_BIND_PASSWORD = password
    settings.LDAP_USER_BASE = base
    settings.LDAP_EMPLOYEE_FILTER = employee_filter
    settings.LDAP_PAGE_SIZE = page_size
    settings.LDAP_TIMEOUT = timeout
    settings.LDAP_CA_FILE = ca_file
    settings.LDAP_START_TLS = settings.AUTH_LDAP_START_TLS = start_tls
    settings.AUTH_LDAP_CONNECTION_OPTIONS = connection_options(timeout=timeout, ca_file=ca_file)
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        base, ldap.SCOPE_SUBTREE, f"({attributes['login']}=%(user)s)"
    )
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearchUnion(
        *[LDAPSearch(group_base, ldap.SCOPE_SUBTREE) for group_base in group_bases]
    )
    settings.AUTH_LDAP_GROUP_TYPE = group_type
    settings.AUTH_LDAP_USER_ATTR_MAP = user_attribute_map(attributes)
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = True
    settings.AUTH_LDAP_CACHE_TIMEOUT = 0
    settings.LDAP_ROLE_GROUPS = role_groups

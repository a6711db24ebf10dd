"""The LDAP side of the directory: connections, paged searches, Active Directory groups.

Every connection (the login's through django-auth-ldap, the sync's) gets the same
options: referrals off (Active Directory answers a search on the domain root with
referrals to its DNS partitions, which python-ldap would chase anonymously and fail
with OPERATIONS_ERROR), timeouts, and TLS with certificate checks against
``LDAP_CA_FILE`` (or the system's CAs). This module is imported by the settings, so
it must not import models.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ldap
from django_auth_ldap.config import LDAPGroupType
from ldap.controls import SimplePagedResultsControl
from ldap.filter import escape_filter_chars

# Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through nested groups.
IN_CHAIN = "1.2.840.113556.1.4.1941"
# userAccountControl's ACCOUNTDISABLE flag.
ACCOUNT_DISABLED = 0x2

Entry = tuple[str, dict[str, list[bytes]]]


def connection_options(*, timeout: int, ca_file: str = "") -> dict[int, Any]:
    """Options for every connection; python-ldap wants the new TLS context made last."""
    options: dict[int, Any] = {
        ldap.OPT_REFERRALS: 0,
        ldap.OPT_PROTOCOL_VERSION: 3,
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
    }
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    options[ldap.OPT_X_TLS_NEWCTX] = 0
    return options


def open_connection(
    *,
    uri: str,
    bind_dn: str,
    password: str,
    timeout: int,
    ca_file: str = "",
    start_tls: bool = False,
) -> Any:
    """A bound connection with the portal's options (raises ``ldap.LDAPError``)."""
    connection = ldap.initialize(uri, bytes_mode=False)
    for option, value in connection_options(timeout=timeout, ca_file=ca_file).items():
        connection.set_option(option, value)
    if start_tls:
        connection.start_tls_s()
    connection.simple_bind_s(bind_dn, password)
    return connection


def paged_search(
    connection: Any,
    *,
    base: str,
    filterstr: str,
    attributes: list[str],
    page_size: int,
) -> Iterator[Entry]:
    """Every entry below ``base`` page by page (RFC 2696 simple paged results), so that a
    server's size limit per search (AD's MaxPageSize, slapd's sizelimit) is no limit."""
    control = SimplePagedResultsControl(criticality=True, size=page_size, cookie="")
    while True:
        message_id = connection.search_ext(
            base, ldap.SCOPE_SUBTREE, filterstr, attributes, serverctrls=[control]
        )
        _type, results, _id, server_controls = connection.result3(message_id)
        for dn, attrs in results:
            if dn:  # referrals come without a DN; they are not followed
                yield dn, attrs
        cookies = [
            c.cookie
            for c in server_controls
            if c.controlType == SimplePagedResultsControl.controlType
        ]
        if not cookies or not cookies[0]:
            return
        control.cookie = cookies[0]


def is_disabled(attrs: dict[str, list[bytes]]) -> bool:
    """An Active Directory account with ACCOUNTDISABLE set (OpenLDAP has no such flag)."""
    values = attrs.get("userAccountControl") or []
    try:
        return bool(values) and bool(int(values[0]) & ACCOUNT_DISABLED)
    except ValueError:
        return False


class ChainedActiveDirectoryGroupType(LDAPGroupType):
    """Active Directory groups with nesting resolved by the server (IN_CHAIN): one search
    per login finds every group the user is in, directly or through other groups, under
    each configured group base."""

    def user_groups(self, ldap_user, group_search):
        term = f"(member:{IN_CHAIN}:={escape_filter_chars(ldap_user.dn)})"
        return group_search.search_with_additional_term_string(term).execute(ldap_user.connection)

    def is_member(self, ldap_user, group_dn):
        term = f"(member:{IN_CHAIN}:={escape_filter_chars(ldap_user.dn)})"
        try:
            found = ldap_user.connection.search_s(group_dn, ldap.SCOPE_BASE, term, ["1.1"])
        except ldap.NO_SUCH_OBJECT:
            return False
        return bool([dn for dn, _attrs in found if dn])

"""How fast the nightly directory sync runs: a city's employees from a real slapd.

    python -m benchmarks.directory_sync [--entries 2500] [--style active_directory]

Starts slapd on loopback (tests/ldap_server.py) with ``--entries`` employees behind a
limit of 1,000 entries per search (AD's MaxPageSize), then times, against a
throw-away database (``test_<name>`` of ``DATABASE_URL``, or SQLite): reading the
directory (paged), the first sync (every employee created) and the next night's sync
(every employee compared and updated). Prints entries per second and the ratio to
the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

TARGET_PER_SECOND = 250  # 10,000 employees in 40 s on the 2-core CI machine


def _configure(server) -> None:
    from django.conf import settings

    from portal_site.settings.directory import directory_attributes
    from tests import ldap_server

    settings.LDAP_SERVER_URI = server.uri
    settings.LDAP_ATTRIBUTES = directory_attributes(server.style, lambda name, default: default)
    settings.LDAP_BIND_DN = ldap_server.SERVICE_DN
    settings.LDAP_BIND_PASSWORD = ldap_server.SERVICE_PASSWORD
    settings.LDAP_USER_BASE = ldap_server.PEOPLE
    settings.LDAP_EMPLOYEE_FILTER = (
        "(employeeID=*)" if server.style == ldap_server.ACTIVE_DIRECTORY else "(employeeNumber=*)"
    )
    settings.LDAP_PAGE_SIZE = 500
    settings.LDAP_TIMEOUT = 10
    settings.LDAP_CA_FILE = ""
    settings.LDAP_START_TLS = False


def _timed(label: str, run, count: int) -> float:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    rate = count / seconds
    print(
        f"  {label:<12} {count} entries in {seconds:6.2f} s = {rate:8.1f} entries/s "
        f"(target {TARGET_PER_SECOND}/s: x{rate / TARGET_PER_SECOND:.2f})"
    )
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2500)
    parser.add_argument("--style", choices=["openldap", "active_directory"], default="openldap")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from benchmarks.fuzz_portal import _throwaway_database
    from tests import ldap_server

    server = ldap_server.LDAPServer(
        style=args.style, extra_employees=args.entries, sizelimit=1000
    ).start()
    try:
        _configure(server)
        for _ in _throwaway_database(demo=False):
            from django.db import connection

            from portal_site.accounts.directory import (
                fetch_directory_entries,
                sync_employees_from_directory,
            )

            total = args.entries + 4
            print(f"directory sync on {connection.vendor}, {args.style}: {total} entries")
            rates = [
                _timed("read (paged)", fetch_directory_entries, total),
                _timed("first sync", sync_employees_from_directory, total),
                _timed("next night", sync_employees_from_directory, total),
            ]
    finally:
        server.stop()
    print(f"  slowest: {min(rates):.1f} entries/s (x{min(rates) / TARGET_PER_SECOND:.2f} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

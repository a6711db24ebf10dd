"""How fast a bank file is imported: a day statement of a city account.

    python -m benchmarks.bank_import [--entries 2000]

Runs against a throw-away database (``test_<name>`` of ``DATABASE_URL``, or
SQLite) under the test settings. Issues ``--entries`` open invoices, builds a
camt.053.001.08 statement with one credit per invoice (``NONREF`` on every
entry, as German banks send), and times three imports: the statement (every
entry matched and booked), the same statement resent in a new message (every
entry a duplicate), and the next day's statement with the same transfers (new
money: every entry booked as an excess payment with a refund to-do). Prints
entries per second and the ratio to the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import Decimal

TARGET_PER_SECOND = 100  # a 2,000-entry day statement in 20 s on the 2-core CI machine


def _invoices(count: int):
    from django.utils import timezone

    from shop import services
    from shop.models import BusinessPartner, Counter, Invoice

    today = timezone.localdate()
    partner = BusinessPartner.objects.create(number="999999", last_name="Benchmark")
    start = (
        Counter.objects.filter(name=f"reference-{today.year}")
        .values_list("last_value", flat=True)
        .first()
        or 0
    )
    invoices = []
    for number in range(start + 1, start + count + 1):
        body = f"{today.year % 100:02d}{number:07d}"
        invoices.append(
            Invoice(
                reference=body + services.luhn_digit(body),
                partner=partner,
                subject="Benchmark",
                issued_on=today,
                due_on=today,
                total=Decimal("10.00"),
            )
        )
    Counter.objects.update_or_create(
        name=f"reference-{today.year}", defaults={"last_value": start + count}
    )
    return Invoice.objects.bulk_create(invoices)


def _timed(label: str, content: bytes, expected: str, count: int) -> float:
    from shop import bank_import

    started = time.perf_counter()
    result = bank_import.import_bank_file(content=content, filename=f"{label}.xml")
    seconds = time.perf_counter() - started
    got = result.count(expected)
    rate = count / seconds
    print(
        f"  {label:<10} {count} entries in {seconds:6.2f} s = {rate:7.1f} entries/s "
        f"(target {TARGET_PER_SECOND}/s: x{rate / TARGET_PER_SECOND:.2f}); {got} {expected}"
    )
    if got != count:
        raise SystemExit(f"expected {count} {expected}, got {got}")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from benchmarks.fuzz_portal import _throwaway_database

    for _ in _throwaway_database(demo=False):
        from django.db import connection

        from tests.shop.camt_builder import entry, statement

        invoices = _invoices(args.entries)
        entries = [entry("NONREF", "10.00", f"Kassenzeichen {i.reference}") for i in invoices]
        day = statement(*entries, statement_id="BENCH-1")
        print(f"bank_import on {connection.vendor}: {args.entries} open invoices")
        rates = [
            _timed("statement", day, "matched", args.entries),
            _timed(
                "resent",
                day.replace(b"MSG-BENCH-1", b"MSG-BENCH-1-AGAIN"),
                "duplicate",
                args.entries,
            ),
            _timed("next day", statement(*entries, statement_id="BENCH-2"), "excess", args.entries),
        ]
    print(f"  slowest: {min(rates):.1f} entries/s (x{min(rates) / TARGET_PER_SECOND:.2f} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

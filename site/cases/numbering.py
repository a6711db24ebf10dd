"""Case numbers ``YY.NNNN`` counting per year, unique and gap-free.

The year's counter row is incremented by one statement (an upsert with
``RETURNING``) inside the caller's transaction. The row stays locked until
that transaction ends (PostgreSQL's row lock; SQLite serialises writers), so
parallel transactions cannot take the same number, and a rolled-back one
gives its number back: no gaps.

A submission from the portal does most of its work (stored answers, files,
the process start) before it has a number: it opens the case with a
provisional number and calls :func:`assign_number` as its last write, so the
counter row is locked only from there to the commit and parallel submissions
do not wait for each other's work. A provisional number is never committed.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import Case, CaseNumberSequence

PROVISIONAL_PREFIX = "~"


def format_case_number(*, year: int, value: int) -> str:
    return f"{year % 100:02d}.{value:04d}"


def provisional_number() -> str:
    """A unique placeholder (20 characters) for a case whose number comes at the end."""
    return PROVISIONAL_PREFIX + uuid.uuid4().hex[:19]


def is_provisional(number: str) -> bool:
    return number.startswith(PROVISIONAL_PREFIX)


def _take(year: int) -> int:
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_value) VALUES (%s, 1) "  # noqa: S608 - model's table
            f"ON CONFLICT (year) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [year],
        )
        return cursor.fetchone()[0]


def next_case_number(*, at: datetime) -> str:
    """Hand out the next number of ``at``'s year. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_number() must be called inside transaction.atomic().")
    return format_case_number(year=at.year, value=_take(at.year))


def assign_number(case: Case) -> str:
    """Give a case opened with a provisional number its real one (the last write before
    the commit: the counter row stays locked only from here to the end)."""
    if not is_provisional(case.number):
        return case.number
    case.number = next_case_number(at=timezone.localtime(case.received_at))
    Case.objects.filter(pk=case.pk).update(number=case.number)
    return case.number

"""Case numbers ``YY.NNNN`` counting per year, unique and gap-free.

The counter row of the year is locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite serialises writers) inside the caller's transaction, so
parallel submissions wait for each other and a rolled-back submission gives
its number back.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from .models import CaseNumberSequence


def format_case_number(*, year: int, value: int) -> str:
    return f"{year % 100:02d}.{value:04d}"


def next_case_number(*, at: datetime) -> str:
    """Hand out the next number of ``at``'s year. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_number() must be called inside transaction.atomic().")
    year = at.year
    sequence = CaseNumberSequence.objects.select_for_update().filter(year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(year=year, last_value=0)
        except IntegrityError:
            pass  # another transaction created the row first; lock it below
        sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return format_case_number(year=year, value=sequence.last_value)

"""Numbers the finance system reads: the Kassenzeichen and the business partner's number.

A Kassenzeichen (payment reference) ties a payment to its receivable: two digits
of the year, a 7-digit counter and a Luhn check digit (ISO/IEC 7812, by
python-stdnum), so a mistyped or swapped digit in a bank transfer is caught.
Each counter is a row locked while it counts (inside the caller's transaction),
so numbers are unique and gapless under any number of parallel requests.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from stdnum import luhn

from .models import Counter


def next_value(counter: str) -> int:
    """The next value of a named counter, under a row lock (inside a transaction)."""
    row = Counter.objects.select_for_update().filter(name=counter).first()
    if row is None:
        try:
            with transaction.atomic():
                Counter.objects.create(name=counter, last_value=0)
        except IntegrityError:
            pass  # created by a parallel transaction; lock it below
        row = Counter.objects.select_for_update().get(name=counter)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return row.last_value


def lock_counter(name: str) -> None:
    """Serialise a critical section on a named row (inside a transaction)."""
    next_value(name)


def luhn_digit(digits: str) -> str:
    """The Luhn check digit (ISO/IEC 7812) of ``digits``, by python-stdnum."""
    return luhn.calc_check_digit(digits)


def is_valid_reference(reference: str) -> bool:
    """A Kassenzeichen: exactly 10 ASCII digits whose last one is the Luhn check digit."""
    return bool(re.fullmatch(r"[0-9]{10}", reference)) and luhn.is_valid(reference)


def next_reference(*, on: date) -> str:
    """A Kassenzeichen: two digits of the year, a 7-digit counter and a check digit."""
    value = next_value(f"reference-{on.year}")
    body = f"{on.year % 100:02d}{value:07d}"
    return body + luhn_digit(body)


def next_partner_number() -> str:
    return f"{next_value('business-partner'):06d}"

"""Values as people read them, in e-mails, letters and on pages.

:func:`readable` turns what a form or a clerk stored (ISO dates, ``HH:MM`` times,
decimals, booleans, lists) into the reader's notation: German "15.12.2026",
"10:30 Uhr", "25,00 €", "ja"; English "15 December 2026", "10:30", "€25.00", "yes".
Documents and e-mails are German: their callers fill them under
``translation.override(settings.LANGUAGE_CODE)``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, pgettext

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")

DATE, TIME, AMOUNT, NUMBER, YES_NO = "date", "time", "amount", "number", "yes_no"


def readable(value: Any, kind: str = "") -> str:
    """``value`` in the active language's notation; ``kind`` (date, time, amount,
    number, yes_no) where the stored value does not say it itself."""
    if isinstance(value, bool) or kind == YES_NO:  # an unticked box is stored empty: "nein"
        return yes_no(value in (True, "true", "True", "on", "1", 1))
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(readable(item, kind) for item in value)
    if isinstance(value, dt.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dt.time):
        return clock(value)
    if isinstance(value, Decimal) and kind in ("", AMOUNT):
        return euros(value)
    text = str(value).strip()
    if kind in ("", DATE) and ISO_DATE.match(text):
        try:
            return formats.date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if kind in ("", TIME) and ISO_TIME.match(text):
        try:
            return clock(dt.time.fromisoformat(text))
        except ValueError:
            return text
    if kind in (AMOUNT, NUMBER):
        try:
            number = Decimal(text.replace(",", ".")) if isinstance(value, str) else Decimal(value)
        except (ArithmeticError, ValueError):
            return text
        if kind == AMOUNT:
            return euros(number)
        return formats.number_format(number, use_l10n=True)
    return text


def clock(value: dt.time) -> str:
    """A time of day: "10:30 Uhr" (German), "10:30" (English)."""
    return pgettext("time of day", "%(time)s") % {"time": formats.time_format(value, "H:i")}


def euros(amount: Decimal) -> str:
    """An amount of money: "1.234,50 €" (German), "€1,234.50" (English)."""
    text = formats.number_format(
        Decimal(amount).quantize(Decimal("0.01")), 2, use_l10n=True, force_grouping=True
    )
    return gettext("%(amount)s €") % {"amount": text}


def yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")

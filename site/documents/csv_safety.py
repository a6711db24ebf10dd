"""CSV cells that a spreadsheet program never runs as a formula (CSV injection).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel and LibreOffice (``=HYPERLINK(...)`` sends data to
an outside server when clicked). Such a cell gets a leading apostrophe, as
OWASP recommends; plain numbers such as ``-10,00`` stay numbers for the
finance system.
"""

from __future__ import annotations

import re

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def neutralise_cell(value: object) -> object:
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's CSV/XLSX export with every text cell neutralised."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_cell(super().preprocess_field_value(field, value, export_format))

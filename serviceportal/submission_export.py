"""Wagtail's submissions listing of a service form, with formula-safe CSV/XLSX cells."""

from __future__ import annotations

from wagtail.contrib.forms.views import SubmissionsListView

from portal_site.documents.csv_safety import SafeSpreadsheetExportMixin


class SafeSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """An applicant's ``=HYPERLINK(...)`` answer reaches the spreadsheet as text."""

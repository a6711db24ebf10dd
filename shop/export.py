"""Hand-over of bookings to the finance system, as CSV and XLSX.

An export takes every booking of the period that has not been exported yet
and marks it with the export (under row locks, so two exports at once never
take the same booking). The files are made from the export's bookings and can
be downloaded again at any time with the same content.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.documents.csv_safety import neutralise_cell
from portal_site.documents.rendering import Sheet, render_xlsx

from .models import Booking, FinanceExport
from .services import ShopError

COLUMNS = [
    ("booked_on", "Buchungsdatum"),
    ("booking_key", "Buchungsschluessel"),
    ("account", "Sachkonto"),
    ("cost_object", "Kostentraeger"),
    ("direction", "Soll_Haben"),
    ("amount", "Betrag"),
    ("reference", "Kassenzeichen"),
    ("partner_number", "Geschaeftspartner"),
    ("kind", "Art"),
    ("text", "Buchungstext"),
]


@transaction.atomic
def create_export(*, period_from: date, period_to: date, actor: User | None) -> FinanceExport:
    if period_to < period_from:
        raise ShopError(_("The end of the period lies before its start."))
    bookings = list(
        Booking.objects.select_for_update()
        .filter(export__isnull=True, booked_on__gte=period_from, booked_on__lte=period_to)
        .order_by("booked_on", "pk")
    )
    if not bookings:
        raise ShopError(_("There are no bookings in this period that have not been exported."))
    export = FinanceExport.objects.create(
        period_from=period_from, period_to=period_to, created_by=actor
    )
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(export=export)
    return export


def rows(export: FinanceExport) -> list[list[str]]:
    result = []
    for booking in export.bookings.order_by("booked_on", "pk"):
        row = []
        for field, _header in COLUMNS:
            value = getattr(booking, field)
            if field == "booked_on":
                value = value.strftime("%d.%m.%Y")
            elif field == "amount":
                value = f"{value:.2f}".replace(".", ",")
            row.append(str(value))
        result.append(row)
    return result


def as_csv(export: FinanceExport) -> bytes:
    """Semicolon-separated, UTF-8 with BOM, German decimal comma: what ledger imports read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _field, header in COLUMNS])
    writer.writerows([[neutralise_cell(cell) for cell in row] for row in rows(export)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(export: FinanceExport) -> bytes:
    data = []
    for booking in export.bookings.order_by("booked_on", "pk"):
        data.append([booking.booked_on, *[getattr(booking, f) for f, _h in COLUMNS[1:]]])
    return render_xlsx(
        sheets=[Sheet(title="Buchungen", header=[h for _f, h in COLUMNS], rows=data)]
    )

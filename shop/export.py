"""Hand-over of bookings to the finance system, as CSV and XLSX (format: docs/money.md).

An export takes every booking that has not been exported yet – whatever its
booking date, so a payment imported after its period was exported goes into
the next export – and marks it with the export, under row locks, so two
exports at once never take the same booking. Each file ends with its control
totals (count, debit and credit sums), and can be downloaded again at any
time with the same content.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.documents.csv_safety import neutralise_cell
from portal_site.documents.rendering import Sheet, render_xlsx

from .models import ZERO, Booking, Direction, FinanceExport
from .services import ShopError

# Column headers as the finance system's import reads them (ASCII, no spaces).
COLUMNS = [
    "Belegnummer",
    "Buchungsdatum",
    "Faelligkeit",
    "Buchungsart",
    "Buchungsschluessel",
    "Sachkonto",
    "Kostentraeger",
    "Soll_Haben",
    "Betrag",
    "Waehrung",
    "Kassenzeichen",
    "Geschaeftspartner",
    "Buchungstext",
]

KIND_NAMES = {
    Booking.Kind.RECEIVABLE: "Sollstellung",
    Booking.Kind.PAYMENT: "Zahlung",
    Booking.Kind.CANCELLATION: "Storno",
}
TRAILER = "SUMME"


@transaction.atomic
def create_export(*, actor: User | None) -> FinanceExport:
    """Export every booking not exported yet; refuse when there is none."""
    bookings = list(
        Booking.objects.select_for_update().filter(export__isnull=True).order_by("booked_on", "pk")
    )
    if not bookings:
        raise ShopError(_("There are no bookings that have not been exported."))
    debit = sum((b.amount for b in bookings if b.direction == Direction.DEBIT), ZERO)
    credit = sum((b.amount for b in bookings if b.direction == Direction.CREDIT), ZERO)
    made = FinanceExport.objects.create(
        period_from=min(b.booked_on for b in bookings),
        period_to=max(b.booked_on for b in bookings),
        booking_count=len(bookings),
        debit_total=debit,
        credit_total=credit,
        created_by=actor,
    )
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(export=made)
    return made


def pending_summary() -> dict:
    """What the next export would take."""
    pending = Booking.objects.filter(export__isnull=True)
    return {
        "count": pending.count(),
        **pending.aggregate(first=Min("booked_on"), last=Max("booked_on")),
    }


def german_amount(value: Decimal) -> str:
    """``1234.5`` → ``"1234,50"``: decimal comma, no thousands separator."""
    return f"{value:.2f}".replace(".", ",")


def document_number(booking: Booking) -> str:
    return f"{booking.pk:010d}"


def _bookings(export: FinanceExport):
    return export.bookings.select_related("invoice").order_by("booked_on", "pk")


def _values(booking: Booking) -> list:
    return [
        document_number(booking),
        booking.booked_on,
        booking.invoice.due_on,
        KIND_NAMES.get(booking.kind, booking.kind),
        booking.booking_key,
        booking.account,
        booking.cost_object,
        booking.direction,
        booking.amount,
        "EUR",
        booking.reference,
        booking.partner_number,
        booking.text,
    ]


def _as_text(value) -> str:
    if isinstance(value, Decimal):
        return german_amount(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def rows(export: FinanceExport) -> list[list[str]]:
    return [[_as_text(v) for v in _values(booking)] for booking in _bookings(export)]


def trailer(export: FinanceExport) -> list[str]:
    """The control totals: ``SUMME;<count>;<debit total>;<credit total>;EUR``."""
    return [
        TRAILER,
        str(export.booking_count),
        german_amount(export.debit_total),
        german_amount(export.credit_total),
        "EUR",
    ]


def as_csv(export: FinanceExport) -> bytes:
    """Semicolon-separated, UTF-8 with BOM, German dates and decimal comma, control totals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([[neutralise_cell(cell) for cell in row] for row in rows(export)])
    writer.writerow(trailer(export))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(export: FinanceExport) -> bytes:
    data = [_values(booking) for booking in _bookings(export)]
    totals = [
        ["Exportnummer", export.pk],
        ["Anzahl Buchungen", export.booking_count],
        ["Summe Soll", export.debit_total],
        ["Summe Haben", export.credit_total],
        ["Waehrung", "EUR"],
        ["Erstellt am", export.created_at.replace(tzinfo=None)],
    ]
    return render_xlsx(
        sheets=[
            Sheet(title="Buchungen", header=COLUMNS, rows=data),
            Sheet(title="Kontrollsummen", header=["Angabe", "Wert"], rows=totals),
        ]
    )

"""CAMT.053 import matched against open invoices, and the finance export (each booking once)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal_site.accounts.models import User
from shop import bank_import, camt, export, services
from shop.models import Booking, Invoice, Payment, StatementEntry
from tests.shop import camt_builder
from tests.shop.helpers import approve_up_to_invoice, certificate_case

pytestmark = pytest.mark.django_db(transaction=True)

entry = camt_builder.entry
statement = camt_builder.statement


def _entry(ref: str, amount: str, remittance: str, *, credit=True, name="Frank Mustermann"):
    return entry(ref, amount, remittance, credit=credit, name=name)


def _import(content: bytes, filename: str = "auszug.xml"):
    return bank_import.import_bank_file(content=content, filename=filename)


def _open_invoices(count: int) -> list[Invoice]:
    invoices = []
    for index in range(count):
        case = certificate_case(geburt_anzahl=1 + index, email=f"person{index}@example.org")
        approve_up_to_invoice(case)
        invoices.append(Invoice.objects.get(case=case))
    return invoices


def _spaced(reference: str) -> str:
    return f"{reference[:2]} {reference[2:9]} {reference[9:]}"


def test_statement_is_matched_by_payment_reference(staff):
    full, partial, excess = _open_invoices(3)  # 10 €, 15 €, 25 €
    content = statement(
        _entry("B1", "10.00", f"Kassenzeichen {full.reference} Urkunde"),
        _entry("B2", "5.00", f"KZ {_spaced(partial.reference)}"),
        _entry("B3", "30.00", f"Urkunden {excess.reference}"),
        _entry("B4", "12.00", "Miete November 1234567890"),  # no valid reference
        _entry("B5", "99.00", f"Lastschrift {full.reference}", credit=False),
    )
    result = _import(content)

    assert [e.result for e in result.entries] == [
        StatementEntry.Result.MATCHED,
        StatementEntry.Result.PARTIAL,
        StatementEntry.Result.EXCESS,
        StatementEntry.Result.UNMATCHED,
        StatementEntry.Result.IGNORED,
    ]
    for invoice in (full, partial, excess):
        invoice.refresh_from_db()
    assert full.status == Invoice.Status.PAID and full.flag == ""
    assert partial.status == Invoice.Status.OPEN and partial.flag == Invoice.Flag.PARTIAL
    assert partial.open_amount == Decimal("10.00")
    assert excess.status == Invoice.Status.PAID and excess.flag == Invoice.Flag.EXCESS
    assert Payment.objects.filter(method=Payment.Method.TRANSFER).count() == 3
    assert full.case.status == "completed"


def test_the_same_statement_is_imported_once_and_overlapping_entries_book_once(staff):
    [invoice] = _open_invoices(1)
    entry = _entry("B1", "10.00", invoice.reference)
    _import(statement(entry), "a.xml")
    with pytest.raises(camt.StatementError, match="bereits eingelesen"):
        _import(statement(entry), "a.xml")
    # A second statement that repeats the same bank entry (e.g. a corrected day statement).
    result = _import(statement(entry, statement_id="STMT-2026-11-25-2"), "b.xml")
    assert result.entries[0].result == StatementEntry.Result.DUPLICATE
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not xml at all", "kein lesbarer XML-Kontoauszug"),
        (b"<Document><Other/></Document>", "keinen CAMT.053-Kontoauszug"),
        (statement(_entry("B1", "zehn", "x")), "keinen gültigen Betrag"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>', "kein lesbarer"),
    ],
)
def test_broken_statements_are_refused_with_a_clear_message(staff, content, message):
    with pytest.raises(camt.StatementError, match=message):
        _import(content, "x.xml")
    assert not StatementEntry.objects.exists()


def test_cash_office_uploads_a_statement_in_the_admin(staff, client):
    [invoice] = _open_invoices(1)
    client.force_login(User.objects.get(username="stadtkasse"))
    url = reverse("shop_statement_import")
    broken = client.post(url, {"file": SimpleUploadedFile("x.xml", b"garbage")})
    assert broken.status_code == 200
    assert "kein lesbarer XML-Kontoauszug" in broken.content.decode()
    good = statement(_entry("B1", "10.00", invoice.reference))
    response = client.post(url, {"file": SimpleUploadedFile("auszug.xml", good)})
    assert response.status_code == 200
    assert "zugeordnet, vollständig bezahlt" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_clerks_without_the_cash_office_role_cannot_book(staff, client):
    [invoice] = _open_invoices(1)
    client.force_login(User.objects.get(username="sachbearbeitung"))
    # Wagtail answers a refused admin page with a redirect to the dashboard and a message.
    refused = client.get(reverse("shop_invoices"))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    response = client.post(
        reverse("shop_invoice", args=[invoice.pk]),
        {"action": "pay", "amount": "10.00", "received_on": "2026-11-01"},
    )
    assert response.status_code == 302
    assert not Payment.objects.exists()


def test_cash_office_confirms_a_payment_by_hand(staff, client):
    [invoice] = _open_invoices(1)
    client.force_login(User.objects.get(username="stadtkasse"))
    listing = client.get(reverse("shop_invoices"))
    assert invoice.reference in listing.content.decode()
    url = reverse("shop_invoice", args=[invoice.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    token = str(uuid.uuid4())
    refused = client.post(
        url, {"action": "pay", "amount": "10.00", "received_on": future, "token": token}
    )
    assert "darf nicht in der Zukunft liegen" in refused.content.decode()
    negative = client.post(
        url, {"action": "pay", "amount": "-1", "received_on": "2026-11-01", "token": token}
    )
    assert negative.status_code == 200 and not Payment.objects.exists()
    client.post(
        url,
        {
            "action": "pay",
            "amount": "10.00",
            "received_on": timezone.localdate().isoformat(),
            "token": str(uuid.uuid4()),
        },
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.payments.get().recorded_by.username == "stadtkasse"


def _by_hand(invoice, amount: str, on=None):
    return services.confirm_payment_by_hand(
        invoice=invoice,
        amount=Decimal(amount),
        received_on=on or timezone.localdate(),
        note="",
        actor=User.objects.get(username="stadtkasse"),
        token=str(uuid.uuid4()),
    )


def _csv_rows(made) -> list[list[str]]:
    return list(csv.reader(io.StringIO(export.as_csv(made).decode("utf-8-sig")), delimiter=";"))


def test_finance_export_hands_each_booking_over_once_with_control_totals(staff, client):
    first, second = _open_invoices(2)  # 10 € (one line), 15 € (two lines)
    _by_hand(first, "10.00")
    today = timezone.localdate()
    made = export.create_export(actor=None)
    # 1 + 2 receivable lines and 1 payment.
    assert made.bookings.count() == made.booking_count == 4
    with pytest.raises(services.ShopError, match="keine Buchungen"):
        export.create_export(actor=None)

    rows = _csv_rows(made)
    assert rows[0] == [
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
    body, footer = rows[1:-1], rows[-1]
    assert sorted(r[4] for r in body) == ["300", "300", "301", "ZE"]
    assert {r[3] for r in body} == {"Sollstellung", "Zahlung"}
    assert {r[8] for r in body} == {"10,00", "5,00"}
    assert {r[9] for r in body} == {"EUR"}
    assert {r[10] for r in body} == {first.reference, second.reference}
    assert len({r[0] for r in body}) == 4  # a document number per booking
    payment_row = next(r for r in body if r[4] == "ZE")
    assert payment_row[7] == "H" and payment_row[11] == first.partner.number
    assert payment_row[1] == today.strftime("%d.%m.%Y")
    assert payment_row[2] == first.due_on.strftime("%d.%m.%Y")
    # Control totals: count, debit sum (receivables 10 + 10 + 5), credit sum (payment 10).
    assert footer == ["SUMME", "4", "25,00", "10,00", "EUR"]

    workbook = load_workbook(io.BytesIO(export.as_xlsx(made)))
    sheet = workbook["Buchungen"]
    assert sheet.max_row == 5 and sheet["B2"].value.date() == today
    totals = {row[0]: row[1] for row in workbook["Kontrollsummen"].iter_rows(values_only=True)}
    assert totals["Anzahl Buchungen"] == 4 and Decimal(str(totals["Summe Soll"])) == 25

    # Later bookings (the second invoice paid) go into the next export only.
    _by_hand(second, "15.00")
    later = export.create_export(actor=None)
    assert [b.amount for b in later.bookings.all()] == [Decimal("15.00")]
    assert _csv_rows(later)[-1] == ["SUMME", "1", "0,00", "15,00", "EUR"]
    assert Booking.objects.filter(export__isnull=True).count() == 0

    client.force_login(User.objects.get(username="stadtkasse"))
    download = client.get(reverse("shop_finance_export_file", args=[made.pk, "csv"]))
    assert download.status_code == 200 and first.reference in download.content.decode("utf-8-sig")
    page = client.post(reverse("shop_finance_export"))
    assert page.status_code == 302
    assert "keine Buchungen" in client.get(page["Location"]).content.decode()


def test_a_payment_dated_before_the_last_export_goes_into_the_next_one(staff):
    """The export goes by export state, not by booking date."""
    [invoice] = _open_invoices(1)
    export.create_export(actor=None)  # the receivables, today
    # The bank file of last week arrives late: its payment is booked on last week's date.
    last_week = timezone.localdate() - timedelta(days=7)
    _import(statement(entry("LATE", "10.00", invoice.reference, booked=last_week)))
    later = export.create_export(actor=None)
    [payment] = later.bookings.all()
    assert payment.booked_on == last_week and payment.kind == Booking.Kind.PAYMENT
    assert (later.period_from, later.period_to) == (last_week, last_week)


def test_exports_never_share_a_booking_even_in_parallel(postgres_only, staff):
    from tests.concurrency import run_in_parallel

    _open_invoices(2)

    def make():
        return export.create_export(actor=None).pk

    results, errors = run_in_parallel([make, make])
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], services.ShopError)
    assert Booking.objects.filter(export__isnull=True).count() == 0


def test_the_overdue_invoice_list_reads_the_status_and_due_date_index(postgres_only):
    """The cash office's overdue list and the reminder run use (status, due_on)."""
    from django.db import connection
    from django.utils import timezone

    overdue = Invoice.objects.filter(status=Invoice.Status.OPEN, due_on__lt=timezone.localdate())
    sql, params = overdue.order_by("due_on", "pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a few rows: make the planner show it
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "shop_invoice_status_due" in plan


@pytest.mark.parametrize("field", ["reference", "spaced", "partner", "partner_number", "case"])
def test_cash_office_finds_an_invoice_by_each_of_its_keys(staff, client, field):
    first, other = _open_invoices(2)
    other.partner.last_name = "Quellenhof"
    other.partner.save()
    query = {
        "reference": first.reference[3:9],
        "spaced": _spaced(first.reference),
        "partner": first.partner.last_name[:5].lower(),
        "partner_number": first.partner.number,
        "case": first.case.number,
    }[field]
    client.force_login(User.objects.get(username="stadtkasse"))
    page = client.get(reverse("shop_invoices"), {"q": query}).content.decode()
    assert first.reference in page
    assert other.reference not in page

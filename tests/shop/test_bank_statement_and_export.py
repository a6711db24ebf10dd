"""CAMT.053 import matched against open invoices, and the finance export (each booking once)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal_site.accounts.models import User
from shop import camt, export, services
from shop.models import Booking, Invoice, Payment, StatementEntry
from tests.shop.helpers import approve_up_to_invoice, certificate_case

pytestmark = pytest.mark.django_db(transaction=True)

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _entry(ref: str, amount: str, remittance: str, *, credit=True, name="Frank Mustermann"):
    return f"""
      <Ntry>
        <NtryRef>{ref}</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{timezone.localdate():%Y-%m-%d}</Dt></BookgDt>
        <ValDt><Dt>{timezone.localdate():%Y-%m-%d}</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>{remittance}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def statement(*entries: str, statement_id: str = "STMT-2026-11-25") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NS}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2026-11-25T08:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <Acct><Id><IBAN>DE12520503530001234567</IBAN></Id></Acct>
      {"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def _open_invoices(count: int) -> list[Invoice]:
    invoices = []
    for index in range(count):
        case = certificate_case(geburt_anzahl=1 + index, email=f"person{index}@example.org")
        approve_up_to_invoice(case)
        invoices.append(Invoice.objects.get(case=case))
    return invoices


def _spaced(reference: str) -> str:
    return f"{reference[:2]} {reference[2:9]} {reference[9:]}"


def test_statement_is_matched_by_payment_reference(demo):
    full, partial, excess = _open_invoices(3)  # 10 €, 15 €, 25 €
    content = statement(
        _entry("B1", "10.00", f"Kassenzeichen {full.reference} Urkunde"),
        _entry("B2", "5.00", f"KZ {_spaced(partial.reference)}"),
        _entry("B3", "30.00", f"Urkunden {excess.reference}"),
        _entry("B4", "12.00", "Miete November 1234567890"),  # no valid reference
        _entry("B5", "99.00", f"Lastschrift {full.reference}", credit=False),
    )
    result = camt.import_camt053(content=content, filename="auszug.xml")

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


def test_the_same_statement_is_imported_once_and_overlapping_entries_book_once(demo):
    [invoice] = _open_invoices(1)
    entry = _entry("B1", "10.00", invoice.reference)
    camt.import_camt053(content=statement(entry), filename="a.xml")
    with pytest.raises(camt.StatementError, match="bereits eingelesen"):
        camt.import_camt053(content=statement(entry), filename="a.xml")
    # A second statement that repeats the same bank entry (e.g. a corrected day statement).
    result = camt.import_camt053(
        content=statement(entry, statement_id="STMT-2026-11-25-2"), filename="b.xml"
    )
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
def test_broken_statements_are_refused_with_a_clear_message(demo, content, message):
    with pytest.raises(camt.StatementError, match=message):
        camt.import_camt053(content=content, filename="x.xml")
    assert not StatementEntry.objects.exists()


def test_cash_office_uploads_a_statement_in_the_admin(demo, client):
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


def test_clerks_without_the_cash_office_role_cannot_book(demo, client):
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


def test_cash_office_confirms_a_payment_by_hand(demo, client):
    [invoice] = _open_invoices(1)
    client.force_login(User.objects.get(username="stadtkasse"))
    listing = client.get(reverse("shop_invoices"))
    assert invoice.reference in listing.content.decode()
    url = reverse("shop_invoice", args=[invoice.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(url, {"action": "pay", "amount": "10.00", "received_on": future})
    assert "darf nicht in der Zukunft liegen" in refused.content.decode()
    negative = client.post(url, {"action": "pay", "amount": "-1", "received_on": "2026-11-01"})
    assert negative.status_code == 200 and not Payment.objects.exists()
    client.post(
        url, {"action": "pay", "amount": "10.00", "received_on": timezone.localdate().isoformat()}
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.payments.get().recorded_by.username == "stadtkasse"


def test_finance_export_hands_each_booking_over_once(demo, client):
    first, second = _open_invoices(2)
    services.confirm_payment_by_hand(
        invoice=first,
        amount=Decimal("10.00"),
        received_on=timezone.localdate(),
        note="",
        actor=User.objects.get(username="stadtkasse"),
    )
    today = timezone.localdate()
    made = export.create_export(period_from=today, period_to=today, actor=None)
    # 1 + 2 receivable lines and 1 payment.
    assert made.bookings.count() == 4
    with pytest.raises(services.ShopError, match="keine Buchungen"):
        export.create_export(period_from=today, period_to=today, actor=None)

    rows = list(csv.reader(io.StringIO(export.as_csv(made).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Buchungsdatum",
        "Buchungsschluessel",
        "Sachkonto",
        "Kostentraeger",
        "Soll_Haben",
        "Betrag",
        "Kassenzeichen",
        "Geschaeftspartner",
        "Art",
        "Buchungstext",
    ]
    assert sorted(r[1] for r in rows[1:]) == ["300", "300", "301", "ZE"]
    assert {r[5] for r in rows[1:]} == {"10,00", "5,00"}
    assert {r[6] for r in rows[1:]} == {first.reference, second.reference}
    payment_row = next(r for r in rows[1:] if r[1] == "ZE")
    assert payment_row[4] == "H" and payment_row[7] == first.partner.number

    sheet = load_workbook(io.BytesIO(export.as_xlsx(made))).active
    assert sheet.max_row == 5 and sheet["A2"].value.date() == today

    # Later bookings (the second invoice paid) go into the next export only.
    services.confirm_payment_by_hand(
        invoice=second,
        amount=Decimal("15.00"),
        received_on=today,
        note="",
        actor=User.objects.get(username="stadtkasse"),
    )
    later = export.create_export(period_from=today, period_to=today, actor=None)
    assert [b.amount for b in later.bookings.all()] == [Decimal("15.00")]
    assert Booking.objects.filter(export__isnull=True).count() == 0

    client.force_login(User.objects.get(username="stadtkasse"))
    download = client.get(reverse("shop_finance_export_file", args=[made.pk, "csv"]))
    assert download.status_code == 200 and first.reference in download.content.decode("utf-8-sig")
    page = client.post(
        reverse("shop_finance_export"),
        {"period_from": today.isoformat(), "period_to": (today - timedelta(days=1)).isoformat()},
    )
    assert "Ende des Zeitraums liegt vor seinem Beginn" in page.content.decode()


def test_exports_of_a_period_never_share_a_booking_even_in_parallel(postgres_only, demo):
    from tests.concurrency import run_in_parallel

    _open_invoices(2)
    today = timezone.localdate()

    def make():
        return export.create_export(period_from=today, period_to=today, actor=None).pk

    results, errors = run_in_parallel([make, make])
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], services.ShopError)
    assert Booking.objects.filter(export__isnull=True).count() == 0


def test_period_bounds_are_respected(demo):
    _open_invoices(1)
    with pytest.raises(services.ShopError):
        export.create_export(period_from=date(2020, 1, 1), period_to=date(2020, 12, 31), actor=None)

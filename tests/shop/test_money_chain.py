"""The money chain on what real banks and cash offices do.

NONREF references, batch entries, references in every place banks put them,
missing booking dates, pending entries, Latin-1 files, unassigned payments,
Storno holds, manual bookings sent twice, a second checkout, refunds, and the
Kassenzeichen's check digit against published values.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal_site.accounts.models import User
from shop import bank_import, camt, dunning, services
from shop.models import Invoice, OnlinePayment, Payment, Refund, StatementEntry
from shop.payments import start_online_payment
from shop.providers.demo import DemoProvider
from tests.concurrency import run_in_parallel
from tests.shop.bank_files import open_invoice
from tests.shop.camt_builder import entry, statement
from tests.shop.helpers import certificate_case

R = StatementEntry.Result


def _import(content: bytes, name: str = "auszug.xml"):
    return bank_import.import_bank_file(content=content, filename=name)


def _invoices(*amounts: str) -> list[Invoice]:
    return [open_invoice(Decimal(a)) for a in amounts]


def _paid(invoice: Invoice) -> bool:
    invoice.refresh_from_db()
    return invoice.status == Invoice.Status.PAID


# -- reading real banks' files -------------------------------------------------


@pytest.mark.django_db
def test_nonref_on_every_entry_books_each_credit_and_every_later_transfer():
    first, second, third = _invoices("10.00", "10.00", "10.00")
    result = _import(
        statement(
            entry("NONREF", "10.00", f"KZ {first.reference}"),
            entry("NONREF", "10.00", f"KZ {second.reference}"),
        )
    )
    assert [e.result for e in result.entries] == [R.MATCHED, R.MATCHED]
    later = _import(statement(entry("NONREF", "10.00", third.reference), statement_id="NEXT"))
    assert [e.result for e in later.entries] == [R.MATCHED]
    assert all(_paid(i) for i in (first, second, third))


@pytest.mark.django_db
def test_a_bank_reference_shared_by_two_entries_of_one_statement_is_no_identity():
    first, second = _invoices("10.00", "10.00")
    result = _import(
        statement(
            entry("SAME-REF", "10.00", first.reference),
            entry("SAME-REF", "10.00", second.reference),
        )
    )
    assert [e.result for e in result.entries] == [R.MATCHED, R.MATCHED]


@pytest.mark.django_db
def test_each_transfer_of_a_batch_entry_pays_its_own_invoice():
    a, b, c = _invoices("5.00", "7.50", "12.00")
    batch = entry(
        "BATCH1",
        "24.50",
        "",
        transfers=[("5.00", a.reference), ("7.50", f"KZ {b.reference}"), ("12.00", c.reference)],
    )
    result = _import(statement(batch))
    assert [(e.position, e.result, e.amount) for e in result.entries] == [
        ("1.1", R.MATCHED, Decimal("5.00")),
        ("1.2", R.MATCHED, Decimal("7.50")),
        ("1.3", R.MATCHED, Decimal("12.00")),
    ]
    assert all(_paid(i) for i in (a, b, c))


@pytest.mark.django_db
def test_a_batch_whose_transfers_do_not_add_up_is_not_split_by_guesswork():
    a, b = _invoices("5.00", "7.00")
    batch = entry("BATCH2", "20.00", "", transfers=[("5.00", a.reference), ("7.00", b.reference)])
    [only] = _import(statement(batch)).entries
    assert only.result == R.UNMATCHED and "mehrere Rechnungen" in only.note
    assert not Payment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "place",
    ["ustrd", "split_ustrd", "hyphens", "structured", "additional", "end_to_end", "creditor_ref"],
)
def test_the_reference_is_found_wherever_banks_put_it(place):
    [invoice] = _invoices("10.00")
    ref = invoice.reference
    options = {
        "ustrd": {"remittance": f"Urkunde Kassenzeichen {ref} Danke"},
        "split_ustrd": {"remittance": [f"PLZ 34117 Kassenzeichen {ref[:6]}", f"{ref[6:]} Urkunde"]},
        "hyphens": {"remittance": f"KZ {ref[:2]}-{ref[2:6]}-{ref[6:]}"},
        "structured": {"remittance": "", "structured": ref},
        "additional": {"remittance": "", "additional": f"Kassenzeichen {ref}"},
        "end_to_end": {"remittance": "Gebuehr", "end_to_end": f"KZ-{ref}"},
        "creditor_ref": {"remittance": "", "structured": f"RF18{ref}"},
    }[place]
    [found] = _import(statement(entry("E1", "10.00", **options))).entries
    assert (found.result, found.invoice_id) == (R.MATCHED, invoice.pk)


@pytest.mark.django_db
def test_digits_glued_to_more_digits_are_no_reference():
    [invoice] = _invoices("10.00")
    [found] = _import(statement(entry("E1", "10.00", f"Vertrag 1{invoice.reference}"))).entries
    assert found.result == R.UNMATCHED and not _paid(invoice)


@pytest.mark.django_db
def test_missing_booking_date_falls_back_to_the_value_date():
    [invoice] = _invoices("10.00")
    value_day = timezone.localdate() - timedelta(days=2)
    [found] = _import(
        statement(entry("E1", "10.00", invoice.reference, with_booking_date=False, value=value_day))
    ).entries
    assert found.result == R.MATCHED and found.booked_on == value_day
    assert invoice.payments.get().received_on == value_day


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["PDNG", "INFO"])
def test_entries_the_bank_has_not_booked_are_listed_not_booked(status):
    [invoice] = _invoices("10.00")
    [pending] = _import(statement(entry("E1", "10.00", invoice.reference, status=status))).entries
    assert pending.result == R.PENDING and not _paid(invoice)
    # Booked by the bank the next day (same bank reference): now it pays.
    [booked] = _import(statement(entry("E1", "10.00", invoice.reference), statement_id="N")).entries
    assert booked.result == R.MATCHED and _paid(invoice)


@pytest.mark.django_db
def test_an_iso_8859_1_file_is_read_in_its_declared_encoding():
    [invoice] = _invoices("10.00")
    content = statement(
        entry("E1", "10.00", f"Gebühr Jürgen Weiß {invoice.reference}", name="Jürgen Weiß"),
        encoding="ISO-8859-1",
    )
    assert "Jürgen".encode("latin-1") in content
    [found] = _import(content).entries
    assert found.result == R.MATCHED and found.debtor_name == "Jürgen Weiß"


@pytest.mark.django_db
def test_foreign_currency_and_debits_are_never_booked():
    [invoice] = _invoices("10.00")
    chf = entry("E1", "10.00", invoice.reference).replace('Ccy="EUR"', 'Ccy="CHF"')
    debit = entry("E2", "10.00", invoice.reference, credit=False)
    assert [e.result for e in _import(statement(chf, debit)).entries] == [R.IGNORED, R.IGNORED]
    assert not _paid(invoice)


@pytest.mark.django_db
def test_one_transfer_for_two_invoices_is_split_when_it_pays_exactly_both():
    a, b = _invoices("10.00", "15.00")
    [found] = _import(statement(entry("E1", "25.00", f"{a.reference} {b.reference}"))).entries
    assert found.result == R.MATCHED and _paid(a) and _paid(b)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content,message",
    [
        (statement().replace(b"camt.053.001.08", b"camt.053.001.01"), "nicht unterstützt"),
        (b"<?xml version='1.0'?><Document><Other/></Document>", "keinen CAMT.053"),
        (statement(entry("E1", "10.001", "x")), "Umsatz 1"),
        (statement(entry("E1", "10.00", "x")).replace(b"2026", b"2026-13"), "kein gültiges Datum"),
        (b'<?xml version="1.0" encoding="UTF-8"?><Document>\xff</Document>', "Grund:"),
    ],
)
def test_a_broken_file_imports_nothing_and_says_why_in_german(content, message):
    with pytest.raises(camt.StatementError, match=message):
        _import(content)
    assert not StatementEntry.objects.exists()


def _as_kind(content: bytes, kind: str) -> bytes:
    container, item = camt.SUPPORTED[kind]
    return (
        content.replace(b"camt.053.001.08", f"{kind}.001.08".encode())
        .replace(b"BkToCstmrStmt", container.encode())
        .replace(b"<Stmt>", f"<{item}>".encode())
        .replace(b"</Stmt>", f"</{item}>".encode())
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["camt.054", "camt.052"])
def test_notifications_and_reports_are_read_but_never_mixed_with_statements(kind):
    [invoice] = _invoices("10.00")
    [found] = _import(_as_kind(statement(entry("N1", "10.00", invoice.reference)), kind)).entries
    assert found.result == R.MATCHED and _paid(invoice)
    with pytest.raises(camt.StatementError, match="doppelt buchen"):
        _import(statement(statement_id="OTHER-KIND"), "s.xml")


@pytest.mark.django_db
def test_a_latin_1_file_without_declared_encoding_is_still_read():
    [invoice] = _invoices("10.00")
    content = statement(entry("E1", "10.00", f"Gebühr {invoice.reference}", name="Jürgen Weiß"))
    content = content.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b"")
    [found] = _import(content.decode().encode("latin-1")).entries
    assert found.result == R.MATCHED and found.debtor_name == "Jürgen Weiß"


# -- unassigned payments --------------------------------------------------------


def _cash_office(client):
    user = User.objects.get(username="stadtkasse")
    client.force_login(user)
    return user


@pytest.mark.django_db(transaction=True)
def test_cash_office_assigns_an_unassigned_payment_or_marks_it_not_ours(staff, client):
    [invoice] = _invoices("10.00")
    result = _import(
        statement(
            entry("U1", "10.00", "Gebuehr Urkunde Mustermann"),
            entry("U2", "99.00", "Miete Garage"),
        )
    )
    first, second = result.entries
    assert first.result == second.result == R.UNMATCHED
    # Sent again (the same entries): still listed once.
    _import(statement(entry("U1", "10.00", "Gebuehr Urkunde Mustermann")), "again.xml")
    assert bank_import.unassigned_entries().count() == 2

    _cash_office(client)
    page = client.get(reverse("shop_unassigned"))
    assert "Miete Garage" in page.content.decode() and "Nicht zugeordnete" in page.content.decode()
    wrong = client.post(
        reverse("shop_unassigned"),
        {"entry": first.pk, "action": "assign", "reference": "1234567890"},
        follow=True,
    )
    assert "keine Rechnung mit dem Kassenzeichen" in wrong.content.decode()
    client.post(
        reverse("shop_unassigned"),
        {"entry": first.pk, "action": "assign", "reference": invoice.reference},
    )
    assert _paid(invoice) and invoice.payments.get().method == Payment.Method.TRANSFER
    empty_reason = client.post(
        reverse("shop_unassigned"), {"entry": second.pk, "action": "not_ours"}, follow=True
    )
    assert "warum die Zahlung nicht zu uns gehört" in empty_reason.content.decode()
    client.post(
        reverse("shop_unassigned"),
        {"entry": second.pk, "action": "not_ours", "note": "Miete, Liegenschaftsamt"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result) == (R.ASSIGNED, R.NOT_OURS)
    assert second.handled_by.username == "stadtkasse"
    assert not bank_import.unassigned_entries().exists()
    twice = client.post(
        reverse("shop_unassigned"),
        {"entry": first.pk, "action": "assign", "reference": invoice.reference},
        follow=True,
    )
    assert "bereits bearbeitet" in twice.content.decode()
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_other_offices_do_not_see_the_bank_account(staff, client):
    client.force_login(User.objects.get(username="standesamt"))
    for name in ("shop_unassigned", "shop_refunds", "shop_statement_import"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name


# -- Storno never hits a payer ---------------------------------------------------


def _overdue(invoice: Invoice) -> tuple:
    """Remind the invoice; return the day after its final date."""
    dunning.run_dunning(today=invoice.due_on + timedelta(days=1))
    invoice.refresh_from_db()
    return invoice.final_due_on + timedelta(days=1)


@pytest.mark.django_db
def test_no_storno_while_the_statements_up_to_the_final_date_are_missing():
    [invoice] = _invoices("10.00")
    after = _overdue(invoice)
    _import(statement(covers=invoice.final_due_on - timedelta(days=1)))
    assert dunning.run_dunning(today=after).held == 1
    [(held, reason)] = dunning.held_invoices(today=after)
    assert held == invoice and "neueste Kontoauszug" in reason
    _import(statement(covers=invoice.final_due_on, statement_id="LATEST"), "b.xml")
    assert dunning.run_dunning(today=after).cancelled == 1


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["unassigned", "pending", "not_ours"])
def test_no_storno_for_an_invoice_whose_reference_appears_in_any_bank_entry(outcome):
    invoice, other = _invoices("10.00", "10.00")
    after = _overdue(invoice)
    if outcome == "pending":
        booked = entry("E1", "10.00", f"KZ {invoice.reference}", status="PDNG")
    else:  # two invoices named, an amount that pays neither: unassigned
        booked = entry("E1", "3.00", f"KZ {invoice.reference} {other.reference}")
    [found] = _import(statement(booked, covers=after)).entries
    assert found.result == (R.PENDING if outcome == "pending" else R.UNMATCHED)
    if outcome == "not_ours":
        bank_import.mark_not_ours(
            entry=found, note="Irrläufer", actor=User.objects.create(username="kasse")
        )
    result = dunning.run_dunning(today=after)
    assert result.held == (1 if outcome == "pending" else 2)  # both named invoices are held
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    assert "Bankumsatz" in dunning.storno_hold(invoice, latest_statement=after)


# -- manual bookings and online checkouts exactly once -----------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_cash_office_form_sent_twice_books_once_and_says_so(staff, client):
    [invoice] = _invoices("10.00")
    _cash_office(client)
    url = reverse("shop_invoice", args=[invoice.pk])
    form = {
        "action": "pay",
        "amount": "10,00",
        "received_on": timezone.localdate().isoformat(),
        "token": str(uuid.uuid4()),
    }
    first = client.post(url, form, follow=True)
    second = client.post(url, form, follow=True)
    assert "wurde gebucht" in first.content.decode()
    assert "bereits abgeschickt" in second.content.decode()
    assert Payment.objects.filter(invoice=invoice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_cash_office_entries_at_the_same_moment_book_once_per_form(postgres_only, staff):
    [invoice] = _invoices("30.00")
    clerk = User.objects.get(username="stadtkasse")
    same, other = str(uuid.uuid4()), str(uuid.uuid4())

    def book(token):
        return lambda: (
            services.confirm_payment_by_hand(
                invoice=invoice,
                amount=Decimal("10.00"),
                received_on=timezone.localdate(),
                note="",
                actor=clerk,
                token=token,
            ).created
        )

    results, errors = run_in_parallel([book(same), book(same), book(same), book(other)])
    assert errors == []
    assert sorted(results) == [False, False, True, True]
    assert Payment.objects.filter(invoice=invoice).count() == 2


@pytest.mark.django_db
def test_a_second_checkout_continues_the_first_and_another_provider_waits(settings):
    [invoice] = _invoices("10.00")
    demo_provider = DemoProvider()
    first = start_online_payment(invoice=invoice, provider=demo_provider, base_url="")
    again = start_online_payment(invoice=invoice, provider=demo_provider, base_url="")
    assert first == again and OnlinePayment.objects.count() == 1

    class OtherProvider(DemoProvider):
        name = "other"

    with pytest.raises(services.ShopError, match="läuft bereits eine Zahlung"):
        start_online_payment(invoice=invoice, provider=OtherProvider(), base_url="")
    # Once the attempt has expired, a new checkout may start.
    OnlinePayment.objects.update(created_at=timezone.now() - timedelta(hours=1))
    start_online_payment(invoice=invoice, provider=OtherProvider(), base_url="")
    assert OnlinePayment.objects.count() == 2


@pytest.mark.django_db
def test_a_paid_invoice_offers_no_checkout_and_a_second_payment_becomes_a_refund():
    [invoice] = _invoices("10.00")
    _import(statement(entry("E1", "10.00", invoice.reference)))
    with pytest.raises(services.ShopError, match="nicht zur Zahlung offen"):
        start_online_payment(invoice=invoice, provider=DemoProvider(), base_url="")
    services.register_payment(
        invoice=invoice,
        amount=Decimal("10.00"),
        method=Payment.Method.ONLINE,
        provider="demo",
        external_id="late-online",
    )
    [refund] = Refund.objects.filter(invoice=invoice)
    assert refund.amount == Decimal("10.00") and refund.done_at is None


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_at_the_same_moment_start_one_attempt(postgres_only):
    [invoice] = _invoices("10.00")

    def start():
        return start_online_payment(invoice=invoice, provider=DemoProvider(), base_url="")

    results, errors = run_in_parallel([start] * 4)
    assert OnlinePayment.objects.filter(invoice=invoice).count() == 1
    assert all(isinstance(e, services.ShopError) for e in errors)
    assert len(set(results)) <= 1 and results


# -- the check digit ------------------------------------------------------------


@pytest.mark.parametrize(
    "body,digit",
    [
        # Published Luhn examples: Wikipedia's "79927398713", the Visa test card
        # 4111 1111 1111 1111, and the German Wikipedia's "123456789" → 7.
        ("7992739871", "3"),
        ("411111111111111", "1"),
        ("123456789", "7"),
    ],
)
def test_kassenzeichen_check_digit_is_luhn_against_published_values(body, digit):
    assert services.luhn_digit(body) == digit


def test_a_wrong_or_swapped_digit_fails_the_check():
    assert services.is_valid_reference("1234567897")
    assert not services.is_valid_reference("1234567898")  # wrong check digit
    assert not services.is_valid_reference("2134567897")  # two digits swapped
    assert not services.is_valid_reference("１２３４５６７８９７")  # not ASCII digits
    assert not services.is_valid_reference("123456789")  # too short


@pytest.mark.django_db(transaction=True)
def test_erasing_a_case_removes_the_payers_name_from_its_bank_entries(staff):
    from shop.erasure import erase_order
    from tests.shop.helpers import approve_up_to_invoice, certificate_case

    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    [found] = _import(
        statement(entry("E1", "25.00", f"Urkunde Frank {invoice.reference}", name="Frank Payer"))
    ).entries
    assert found.result == R.MATCHED and found.debtor_name == "Frank Payer"
    erase_order(case)
    found.refresh_from_db()
    assert (found.debtor_name, found.remittance) == ("", "")
    assert found.amount == Decimal("25.00") and found.entry_key
    assert invoice.payments.get().note == ""


@pytest.mark.django_db
def test_money_paid_online_after_the_storno_becomes_one_refund():
    from shop.payments import confirm_online_payment
    from shop.providers import Confirmation

    [invoice] = _invoices("10.00")
    start_online_payment(invoice=invoice, provider=DemoProvider(), base_url="")
    attempt = OnlinePayment.objects.get()
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.CANCELLED)
    paid = Confirmation(
        token=str(attempt.token), external_id="demo-1", paid=True, amount=Decimal("10.00")
    )
    for _replay in range(2):
        assert confirm_online_payment(provider=DemoProvider(), confirmation=paid) is None
    [refund] = Refund.objects.filter(invoice=invoice)
    assert refund.amount == Decimal("10.00") and "storniert" in refund.reason
    assert not Payment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_control_characters_in_the_cash_office_forms_are_dropped_not_a_500(staff, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _cash_office(client)
    upload = SimpleUploadedFile("aus\x00zug.xml", statement(entry("U1", "5.00", "Miete")))
    assert client.post(reverse("shop_statement_import"), {"file": upload}).status_code == 200
    [found] = bank_import.unassigned_entries()
    assert "\x00" not in found.statement.filename
    response = client.post(
        reverse("shop_unassigned"),
        {"entry": found.pk, "action": "not_ours", "note": "Miete\x00 Garage"},
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.result == R.NOT_OURS and found.note == "Miete Garage"


@pytest.mark.django_db
def test_the_cash_office_list_links_invoice_and_case_and_marks_overdue_and_flags(staff, client):
    _cash_office(client)
    overdue = open_invoice(Decimal("12.50"), name="Spätzahler")
    Invoice.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    flagged = open_invoice(Decimal("7.00"), name="Teilzahler")
    case = certificate_case()
    Invoice.objects.filter(pk=flagged.pk).update(flag=Invoice.Flag.PARTIAL, case=case)
    page = client.get(reverse("shop_invoices") + "?filter=open").content.decode()
    row = page[page.index(overdue.reference) :].split("</tr>", 1)[0]
    assert "Spätzahler" in row and "12,50 €" in row and "(überfällig)" in row
    assert f'href="{reverse("shop_invoice", args=[overdue.pk])}"' in page
    flagged_row = page[page.index(flagged.reference) :].split("</tr>", 1)[0]
    assert "(überfällig)" not in flagged_row
    with translation.override("de"):
        assert str(Invoice.Flag.PARTIAL.label) in flagged_row
    assert f'href="{reverse("flows_case", args=[case.number])}">{case.number}</a>' in flagged_row


@pytest.mark.django_db
def test_a_partner_added_by_hand_in_the_admin_gets_the_next_number(staff, client):
    from shop.models import BusinessPartner

    client.force_login(User.objects.get(username="administration"))
    before = services.next_partner_number()
    response = client.post(
        "/admin/geschaeftspartner/new/",
        {"last_name": "Handeingabe", "first_name": "", "salutation": "", "academic_title": ""}
        | {"street": "", "postcode": "34117", "town": "Kassel", "email": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = BusinessPartner.objects.get(last_name="Handeingabe")
    assert int(partner.number) == int(before) + 1 and len(partner.number) == 6

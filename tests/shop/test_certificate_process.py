"""The seed's civil-status order end to end in services: each branch, fees, payment, storno."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from flows.civil_status import CivilStatusFlow, fee_items
from portal_site.cases.models import Case, CaseFile, CaseStatus
from shop import bank_import, dunning, services
from shop.models import Booking, BusinessPartner, Invoice, Payment
from tests.flows.test_charts import end_reached
from tests.shop import camt_builder
from tests.shop.helpers import approve_up_to_invoice, certificate_case, registrar, work

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(case_file: CaseFile) -> str:
    with case_file.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def test_seed_order_of_four_birth_certificates_costs_25_euros(staff):
    case = certificate_case()
    approve_up_to_invoice(case)

    invoice = Invoice.objects.get(case=case)
    assert invoice.total == Decimal("25.00")
    assert [(line.booking_key, line.amount) for line in invoice.lines.all()] == [
        ("300", Decimal("10.00")),
        ("301", Decimal("5.00")),
        ("301", Decimal("5.00")),
        ("301", Decimal("5.00")),
    ]
    assert services.is_valid_reference(invoice.reference)
    assert invoice.partner.last_name == "Mustermann"
    assert invoice.partner.number.isdigit() and len(invoice.partner.number) == 6
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT
    assert case.data["certificate_number"] == "G 1234/1960"
    text = _pdf_text(invoice.document)
    assert "25,00 €" in text and invoice.reference in text and "Frank Mustermann" in text
    [message] = [m for m in mail.outbox if invoice.reference in m.subject]
    assert message.to == ["frank.mustermann@kassel.de"]
    assert "25,00 €" in message.body
    assert message.attachments[0][0] == f"Gebuehrenrechnung-{invoice.reference}.pdf"
    receivables = Booking.objects.filter(invoice=invoice, kind=Booking.Kind.RECEIVABLE)
    assert sum(b.amount for b in receivables) == Decimal("25.00")
    assert {b.direction for b in receivables} == {"S"}


@pytest.mark.parametrize("copies,total", [(1, "10.00"), (2, "15.00"), (4, "25.00"), (20, "105.00")])
def test_fee_rule_first_copy_300_each_further_301(staff, copies, total):
    lines = services.price_lines(fee_items(copies))
    assert services.total_of(lines) == Decimal(total)
    assert all(isinstance(amount, Decimal) for _fee, amount in lines)


def test_payment_ends_the_case_with_a_cover_letter(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)

    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=Decimal("25.00"),
        received_on=timezone.localdate(),
        note="Kasse",
        actor=registrar(),
        token=str(uuid.uuid4()),
    )

    case.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.flag == ""
    assert case.status == CaseStatus.COMPLETED
    letter = case.files.get(filename=f"Begleitschreiben-{case.number}.pdf")
    text = _pdf_text(letter)
    assert "G 1234/1960" in text
    # The details table sits between the text and the closing, not after the signature.
    assert text.index("Urkundenart") < text.index("Mit freundlichen Grüßen")
    assert (
        text.rstrip().endswith("Standesamt Kassel")
        or "Standesamt Kassel" in text.split("Mit freundlichen Grüßen")[1]
    )
    [done] = [m for m in mail.outbox if "Ihre Urkunden" in m.subject]
    assert "Ihre 4 Geburtsurkunden (Urkunden-Nr. G 1234/1960)" in done.body
    assert end_reached(case) == "end"


@pytest.mark.parametrize(
    "decision,subject", [("not_entitled", "keine Berechtigung"), ("not_on_record", "kein Eintrag")]
)
def test_refusals_end_the_case_with_their_email_and_no_invoice(staff, decision, subject):
    case = certificate_case()
    work(case, registrar(), decision="yes", missing="", comment="")
    work(case, registrar(), decision=decision, comment="geprüft")

    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert not Invoice.objects.filter(case=case).exists()
    assert [m.to for m in mail.outbox if subject in m.subject] == [["frank.mustermann@kassel.de"]]
    from flows import selectors

    assert selectors.open_task_for_case(case=case) is None
    assert end_reached(case) == "end_refused"
    # the status change is the registrar's, though an automatic step made it
    change = case.timeline.filter(kind="status").order_by("pk").last()
    assert change.actor_id == registrar().pk


def test_incomplete_application_tells_what_is_missing(staff):
    case = certificate_case()
    work(case, registrar(), decision="no", missing="Geburtsort fehlt", comment="")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    [message] = [m for m in mail.outbox if "Angaben fehlen" in m.subject]
    assert "Geburtsort fehlt" in message.body
    assert end_reached(case) == "end_incomplete"


def test_incomplete_without_saying_what_is_missing_is_refused_by_the_form(staff):
    from flows.civil_status import CompleteForm
    from flows.selectors import open_task_for_case

    case = certificate_case()
    form = CompleteForm(
        data={"decision": "no", "missing": " "}, case=case, task=open_task_for_case(case=case)
    )
    assert not form.is_valid()
    assert form.errors["missing"] == ["Bitte geben Sie an, was fehlt."]


def test_unpaid_case_is_reminded_then_cancelled_and_personal_data_deleted(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    partner_number = invoice.partner.number
    today = timezone.localdate()

    assert dunning.run_dunning(today=invoice.due_on).reminded == 0  # due today: not yet
    first = dunning.run_dunning(today=invoice.due_on + timedelta(days=1))
    assert (first.reminded, first.cancelled) == (1, 0)
    assert any("Zahlungserinnerung" in m.subject for m in mail.outbox)
    again = dunning.run_dunning(today=invoice.due_on + timedelta(days=2))
    assert (again.reminded, again.cancelled) == (0, 0)  # one reminder only

    invoice.refresh_from_db()
    after_final = invoice.final_due_on + timedelta(days=1)
    # Without a bank statement up to the final date, nobody knows it is unpaid.
    held = dunning.run_dunning(today=after_final)
    assert (held.cancelled, held.held) == (0, 1)
    bank_import.import_bank_file(
        content=camt_builder.statement(covers=invoice.final_due_on), filename="leer.xml"
    )
    final = dunning.run_dunning(today=after_final)
    assert final.cancelled == 1

    invoice.refresh_from_db()
    case.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert case.status == CaseStatus.CANCELLED
    assert end_reached(case) == "end_cancelled"  # the Storno is a step of the chart
    assert case.applicant_name == "" and case.applicant_email == ""
    assert case.data == {"erased": True} and case.personal_data_deleted_at is not None
    assert not case.files.exists()
    partner = BusinessPartner.objects.get(number=partner_number)
    assert partner.erased_at is not None and partner.email == "" and partner.street == ""
    # The ledger keeps its records: receivable and its Storno balance to zero.
    bookings = Booking.objects.filter(reference=invoice.reference)
    assert bookings.filter(kind=Booking.Kind.CANCELLATION).count() == 4
    debit = sum(b.amount for b in bookings if b.direction == "S")
    credit = sum(b.amount for b in bookings if b.direction == "H")
    assert debit == credit == Decimal("25.00")
    assert {b.partner_number for b in bookings} == {partner_number}
    assert any("storniert" in m.subject for m in mail.outbox)
    assert today  # the run used explicit dates only


def test_partially_paid_invoice_is_flagged_and_never_cancelled(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=Decimal("20.00"),
        received_on=timezone.localdate(),
        note="",
        actor=registrar(),
        token=str(uuid.uuid4()),
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN and invoice.flag == Invoice.Flag.PARTIAL
    assert invoice.open_amount == Decimal("5.00")
    dunning.run_dunning(today=invoice.due_on + timedelta(days=1))
    invoice.refresh_from_db()
    result = dunning.run_dunning(today=invoice.final_due_on + timedelta(days=1))
    assert result.cancelled == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT


def test_excess_payment_pays_the_invoice_and_is_flagged(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=Decimal("30.00"),
        received_on=timezone.localdate(),
        note="",
        actor=registrar(),
        token=str(uuid.uuid4()),
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.flag == Invoice.Flag.EXCESS
    assert Case.objects.get(pk=case.pk).status == CaseStatus.COMPLETED
    services.clear_flag(invoice=invoice, actor=registrar())
    invoice.refresh_from_db()
    assert invoice.flag_cleared_by == registrar()


def test_a_payment_after_the_storno_is_refused(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    services.cancel_invoice(invoice=invoice, reason="Test")
    with pytest.raises(services.ShopError, match="storniert"):
        services.register_payment(
            invoice=invoice,
            amount=Decimal("25.00"),
            method=Payment.Method.TRANSFER,
            provider="bank",
            external_id="x-1",
        )


def test_clerk_cancelling_a_waiting_case_cancels_its_invoice_but_keeps_the_data(staff):
    from flows import workspace

    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)

    workspace.cancel_with_tasks(case=case, user=registrar(), reason="Antrag zurückgezogen")

    invoice.refresh_from_db()
    case.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert case.status == CaseStatus.CANCELLED
    assert case.applicant_name == "Frank Mustermann"  # kept for the retention period
    assert case.personal_data_deleted_at is None
    from viewflow.workflow.models import Task

    assert not Task.objects.filter(process__artifact_object_id=case.pk, status="NEW").exists()


def test_a_case_with_a_partly_paid_invoice_cannot_be_cancelled_by_the_clerk(staff):
    from flows import workspace

    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=Decimal("5.00"),
        received_on=timezone.localdate(),
        note="",
        actor=registrar(),
        token=str(uuid.uuid4()),
    )
    with pytest.raises(services.ShopError, match="Zahlungen"):
        workspace.cancel_with_tasks(case=case, user=registrar(), reason="zurückgezogen")
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT


def test_status_page_offers_the_payment_while_the_invoice_is_open(staff, client):
    from serviceportal.submission import status_path

    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    page = client.get(status_path(case)).content.decode()
    assert f"/bezahlen/{invoice.pay_token}/" in page
    assert "Mustermann" not in page


def test_editors_change_the_cover_letter_text(staff):
    from portal_site.notifications.models import EmailText

    text = EmailText.objects.get(key="letter.civil_status.cover")
    text.body = "Sehr geehrte Damen und Herren, anbei {copies} Urkunden ({certificate_number})."
    text.save()
    case = certificate_case()
    approve_up_to_invoice(case)
    services.confirm_payment_by_hand(
        invoice=Invoice.objects.get(case=case),
        amount=Decimal("25.00"),
        received_on=timezone.localdate(),
        note="",
        actor=registrar(),
        token=str(uuid.uuid4()),
    )
    letter = case.files.get(filename=f"Begleitschreiben-{case.number}.pdf")
    assert "anbei 4 Urkunden (G 1234/1960)" in _pdf_text(letter)


def test_a_storno_the_process_missed_is_taken_by_the_periodic_job(staff, monkeypatch):
    """The money module's call fails (e.g. a broken step): the Storno stays booked, the
    case waits, and the periodic job takes the Storno step on its next run."""
    from flows import paying

    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    calls = []

    def broken(activation):
        calls.append(activation.process.pk)
        raise RuntimeError("step failed")

    monkeypatch.setattr(CivilStatusFlow.instance.node("storno"), "_func", broken)
    services.cancel_invoice(invoice=invoice, reason="Nicht bezahlt")
    case.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED and calls
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT and end_reached(case) == ""
    monkeypatch.undo()
    assert paying.settle_payment_waits() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and end_reached(case) == "end_cancelled"
    assert paying.settle_payment_waits() == 0


def test_the_mail_names_one_certificate_or_how_many():
    from flows.civil_status.texts import certificates_text

    assert certificates_text("Sterbeurkunde", 1) == "Ihre Sterbeurkunde"
    assert certificates_text("Geburtsurkunde", 3) == "Ihre 3 Geburtsurkunden"

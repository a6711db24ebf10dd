"""Timeline entries kept as message keys: each reader gets them in their language."""

from __future__ import annotations

import pytest
from django.utils import translation

from flows import selectors, workspace
from portal_site.cases.erasure import erase_personal_data
from portal_site.cases.models import CaseStatus, TimelineEntry
from portal_site.cases.services import change_status
from tests.flows.test_generic_process import _clerk, _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_task_and_status_entries_are_rendered_in_the_readers_language(demo, client):
    case = _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    workspace.claim_task(task_id=task.pk, user=clerk)
    entries = list(case.timeline.filter(kind__in=[TimelineEntry.Kind.TASK, "status"]))
    german = [entry.text for entry in entries]
    assert "Aufgabe „Anliegen bearbeiten“ übernommen." in german
    assert "Status geändert von Eingegangen zu In Bearbeitung." in german
    with translation.override("en"):
        english = [entry.text for entry in entries]
    assert "Task “Handle the request” taken." in english
    assert "Status changed from Received to In progress." in english
    # the German text stays with the entry (search, exports, the case sheet)
    assert "Aufgabe „Anliegen bearbeiten“ übernommen." in [e.message for e in entries]

    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(clerk)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(clerk)
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    assert "Task “Handle the request” taken." in page


def test_a_reason_stays_as_written_and_erasure_keeps_the_event_without_personal_words(demo):
    case = _portal_case()
    change_status(case=case, status=CaseStatus.CANCELLED, reason="Frank Mustermann zog zurück.")
    entry = case.timeline.filter(kind="status").last()
    with translation.override("en"):
        assert entry.text == (
            "Status changed from Received to Cancelled. Frank Mustermann zog zurück."
        )
    erase_personal_data(case=case)
    entry.refresh_from_db()
    assert entry.data["message"]["event"] == "status_changed"
    assert "Mustermann" not in entry.message and "Mustermann" not in str(entry.data)
    with translation.override("en"):
        assert entry.text == "Status changed from Received to Cancelled."


def test_payment_entries_write_amounts_and_dates_as_the_reader_does(demo):
    from decimal import Decimal

    from shop.models import Invoice, Payment
    from shop.services import register_payment
    from tests.shop.helpers import approve_up_to_invoice, certificate_case

    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    register_payment(
        invoice=invoice,
        amount=Decimal("5.00"),
        method=Payment.Method.TRANSFER,
        provider="bank",
        external_id="ref-1",
    )
    entries = list(case.timeline.filter(kind=TimelineEntry.Kind.PAYMENT).order_by("at", "pk"))
    issued, paid = entries[0], entries[-1]
    due = invoice.due_on
    assert issued.text == (
        f"Gebührenrechnung {invoice.reference} erstellt: 25,00 €, fällig am {due:%d.%m.%Y}."
    )
    assert paid.text.startswith("Zahlung über 5,00 € eingegangen (Überweisung)")
    assert "Zu prüfen: Teilzahlung." in paid.text
    with translation.override("en"):
        assert issued.text == (
            f"Fee invoice {invoice.reference} issued: €25.00, due on {due.day} {due:%B %Y}."
        )
        assert paid.text.startswith("Payment of €5.00 received (bank transfer)")
        assert "Needs checking: partial payment." in paid.text
    assert issued.message == issued.text  # the German text kept for search and exports


def test_process_entries_of_the_certificate_order_follow_the_reader(demo):
    from tests.shop.helpers import approve_up_to_invoice, certificate_case

    case = certificate_case()
    approve_up_to_invoice(case, number="G 77/1960")
    [entry] = case.timeline.filter(message__contains="G 77/1960")
    german = entry.text
    with translation.override("en"):
        english = entry.text
    assert english == "Certificate number recorded: G 77/1960"
    assert german != english and german.endswith("G 77/1960")

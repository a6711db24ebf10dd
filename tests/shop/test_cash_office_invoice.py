"""The cash office on an invoice: the filed PDF and a Storno by hand with a reason."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal_site.cases.models import CaseStatus
from shop import services
from shop.models import Invoice
from tests.shop.helpers import approve_up_to_invoice, certificate_case, registrar

pytestmark = pytest.mark.django_db(transaction=True)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def invoice(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    return Invoice.objects.get(case=case)


def test_the_cash_office_opens_the_invoice_pdf_from_the_invoice(staff, invoice):
    cash = _as(staff["stadtkasse"])
    page = cash.get(reverse("shop_invoice", args=[invoice.pk])).content.decode()
    pdf_url = reverse("shop_invoice_pdf", args=[invoice.pk])
    assert pdf_url in page
    response = cash.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # the case's own office reads it too; an office without the case does not
    assert _as(staff["standesamt"]).get(pdf_url).status_code == 200
    assert _as(staff["stadtarchiv"]).get(pdf_url).status_code in (302, 403)


def test_the_cash_office_cancels_an_unpaid_invoice_by_hand_with_a_reason(staff, invoice):
    cash = _as(staff["stadtkasse"])
    url = reverse("shop_invoice", args=[invoice.pk])
    assert "Storno" in cash.get(url).content.decode()
    refused = cash.post(url, {"action": "storno", "reason": ""}, follow=True)
    assert "Dieses Feld muss ausgefüllt werden." in refused.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN

    done = cash.post(url, {"action": "storno", "reason": "Antrag telefonisch zurückgezogen"})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    assert invoice.cancel_reason == "Antrag telefonisch zurückgezogen"
    case = invoice.case
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert case.timeline.filter(message__contains="Antrag telefonisch zurückgezogen").exists()
    assert "Antrag telefonisch zurückgezogen" in cash.get(url).content.decode()


def test_an_invoice_with_a_payment_cannot_be_cancelled_by_hand(staff, invoice):
    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=Decimal("5.00"),
        received_on=timezone.localdate(),
        note="Teilzahlung",
        actor=registrar(),
        token=str(uuid.uuid4()),
    )
    cash = _as(staff["stadtkasse"])
    url = reverse("shop_invoice", args=[invoice.pk])
    assert 'value="storno"' not in cash.get(url).content.decode()
    response = cash.post(url, {"action": "storno", "reason": "weg"}, follow=True)
    assert "gibt es Zahlungen" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN


def test_only_the_cash_office_cancels_invoices(staff, invoice):
    response = _as(staff["standesamt"]).post(
        reverse("shop_invoice", args=[invoice.pk]), {"action": "storno", "reason": "x"}
    )
    assert response.status_code in (302, 403)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN

"""The fee invoice as a preview: a sample invoice with the letterhead and a letter text."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from portal_site.documents.rendering import render_pdf

from .models import BusinessPartner, Invoice
from .services import payment_days


def sample_invoice_pdf(_subject: str, body: str) -> bytes:
    """A fee invoice to Erika Mustermann with ``body`` as its text (nothing is saved)."""
    today = timezone.localdate()
    partner = BusinessPartner(
        number="000123",
        salutation="Frau",
        first_name="Erika",
        last_name="Mustermann",
        street="Musterstraße 1",
        postcode="34117",
        town="Kassel",
    )
    invoice = Invoice(
        reference="2600000013",
        partner=partner,
        subject="Geburtsurkunde (Vorschau)",
        issued_on=today,
        due_on=today + timedelta(days=payment_days()),
        total=Decimal("25.00"),
    )
    line = SimpleNamespace(booking_key="300", description="Geburtsurkunde", direction="S")
    return render_pdf(
        template_name="shop/invoice.html",
        context={
            "invoice": invoice,
            "letter": body,
            "rows": [(line, "25,00 €")],
            "total_text": "25,00 €",
            "now": timezone.localtime(),
        },
    )

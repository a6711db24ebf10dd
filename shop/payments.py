"""Online payment: start an attempt with a provider, book its verified confirmation once."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Invoice, OnlinePayment, Payment
from .providers import Confirmation, Provider
from .services import PaymentOutcome, ShopError, register_payment


def start_online_payment(*, invoice: Invoice, provider: Provider, base_url: str) -> str:
    """Create an attempt for the open amount and return where to send the payer."""
    if invoice.status != Invoice.Status.OPEN or invoice.open_amount <= 0:
        raise ShopError(_("This invoice is not open for payment."))
    payment = OnlinePayment.objects.create(
        invoice=invoice, provider=provider.name, amount=invoice.open_amount
    )
    return provider.start(payment, base_url=base_url)


def confirm_online_payment(
    *, provider: Provider, confirmation: Confirmation
) -> PaymentOutcome | None:
    """Book a verified confirmation; a replay books nothing and returns the same payment."""
    with transaction.atomic():
        attempt = (
            OnlinePayment.objects.select_for_update()
            .filter(token=confirmation.token, provider=provider.name)
            .first()
        )
        if attempt is None:
            raise ShopError(_("Unknown payment."))
        if not confirmation.paid:
            if attempt.status == OnlinePayment.Status.STARTED:
                attempt.status = OnlinePayment.Status.FAILED
                attempt.save(update_fields=["status"])
            return None
        amount = confirmation.amount if confirmation.amount is not None else attempt.amount
        outcome = register_payment(
            invoice=attempt.invoice,
            amount=amount,
            method=Payment.Method.ONLINE,
            provider=provider.name,
            external_id=confirmation.external_id,
            note=str(attempt.token),
        )
        attempt.status = OnlinePayment.Status.PAID
        attempt.external_id = attempt.external_id or confirmation.external_id
        attempt.save(update_fields=["status", "external_id"])
        return outcome

"""Online payment: start an attempt with a provider, book its verified confirmation once.

One invoice has at most one checkout at a time: while an attempt is in
progress (not yet confirmed, failed or expired), paying again continues that
attempt with the same provider, and another provider is refused. A paid
invoice offers no checkout. Should a second payment still arrive (a payer who
also transferred the money), the excess becomes a refund to-do of the cash
office (:func:`shop.services.register_payment`).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invoice, OnlinePayment, Payment, Refund
from .providers import Confirmation, Provider, checkout_minutes
from .services import PaymentOutcome, ShopError, format_eur, register_payment


def attempt_in_progress(invoice: Invoice) -> OnlinePayment | None:
    since = timezone.now() - timedelta(minutes=checkout_minutes() + 5)
    return (
        invoice.online_payments.filter(status=OnlinePayment.Status.STARTED, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )


def start_online_payment(*, invoice: Invoice, provider: Provider, base_url: str) -> str:
    """Create an attempt for the open amount and return where to send the payer."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
        if locked.status != Invoice.Status.OPEN or locked.open_amount <= 0:
            raise ShopError(_("This invoice is not open for payment."))
        running = attempt_in_progress(locked)
        if running is not None:
            if running.provider == provider.name and running.checkout_url:
                return running.checkout_url
            raise ShopError(
                _(
                    "A payment for this invoice is already in progress. Please finish it or "
                    "wait %(minutes)d minutes before you start another one."
                )
                % {"minutes": checkout_minutes()}
            )
        payment = OnlinePayment.objects.create(
            invoice=locked, provider=provider.name, amount=locked.open_amount
        )
    # The provider is called outside the lock; a failure leaves no attempt behind.
    try:
        target = provider.start(payment, base_url=base_url)
    except Exception:
        OnlinePayment.objects.filter(pk=payment.pk).update(status=OnlinePayment.Status.FAILED)
        raise
    OnlinePayment.objects.filter(pk=payment.pk).update(checkout_url=target[:2000])
    return target


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
        invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=attempt.invoice_id)
        if invoice.status == Invoice.Status.CANCELLED:
            # The money has been taken: it cannot be refused, only paid back.
            if (
                not Payment.objects.filter(
                    provider=provider.name, external_id=confirmation.external_id
                ).exists()
                and attempt.status != OnlinePayment.Status.PAID
            ):
                Refund.objects.create(
                    invoice=invoice,
                    amount=amount,
                    reason=_("Paid online (%(amount)s) after the invoice was cancelled.")
                    % {"amount": format_eur(amount)},
                )
            attempt.status = OnlinePayment.Status.PAID
            attempt.external_id = attempt.external_id or confirmation.external_id
            attempt.save(update_fields=["status", "external_id"])
            return None
        outcome = register_payment(
            invoice=invoice,
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

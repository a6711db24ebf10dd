"""Stripe Checkout through the official ``stripe`` SDK.

A pinned API version, German checkout page, the payer's e-mail, the Kassenzeichen on the
payment intent; its signed webhooks are checked by ``stripe.Webhook.construct_event``
(five minutes' tolerance). Enabled when ``STRIPE_SECRET_KEY`` and
``STRIPE_WEBHOOK_SECRET`` are set; ``check_config`` also asks Stripe whether the key is
accepted (``STRIPE_API_BASE`` points elsewhere in tests).
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import OnlinePayment
from ..base import (
    Confirmation,
    InvalidCallback,
    Provider,
    ProviderUnavailable,
    checkout_minutes,
    payment_token,
)

# The Stripe API version the integration is written and tested against. Sent with
# every request, so that upgrading the SDK never changes the API silently.
STRIPE_API_VERSION = "2026-10-28.endive"


def _stripe():
    """The Stripe SDK, imported when a payment needs it (about 20 MB in every app server
    that never takes a card payment otherwise)."""
    import stripe

    return stripe


class StripeProvider(Provider):
    """Stripe Checkout through the official ``stripe`` SDK."""

    key = "stripe"
    label = gettext_lazy("Credit card and more (Stripe)")
    tolerance = 300

    @property
    def api_base(self) -> str:
        return getattr(settings, "STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")

    def is_enabled(self) -> bool:
        return bool(
            getattr(settings, "STRIPE_SECRET_KEY", "")
            and getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
        )

    def check_config(self) -> list[str]:
        secret = getattr(settings, "STRIPE_SECRET_KEY", "")
        webhook = getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
        problems = []
        if not secret:
            problems.append(_("STRIPE_SECRET_KEY is not set: card payments are not offered."))
        elif not secret.startswith(("sk_", "rk_")):
            problems.append(
                _("STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_… or rk_…).")
            )
        if not webhook:
            problems.append(_("STRIPE_WEBHOOK_SECRET is not set: payments could not be confirmed."))
        elif not webhook.startswith("whsec_"):
            problems.append(
                _("STRIPE_WEBHOOK_SECRET does not look like a webhook signing secret (whsec_…).")
            )
        if problems:
            return problems
        try:
            self.client().v1.balance.retrieve()
        except _stripe().AuthenticationError:
            return [_("Stripe refuses the secret key (STRIPE_SECRET_KEY).")]
        except _stripe().StripeError as exc:
            return [_("Stripe cannot be reached: %(error)s") % {"error": str(exc)[:200]}]
        return []

    def client(self):
        return _stripe().StripeClient(
            settings.STRIPE_SECRET_KEY,
            stripe_version=getattr(settings, "STRIPE_API_VERSION", STRIPE_API_VERSION),
            base_addresses={"api": self.api_base},
            max_network_retries=1,
        )

    def start(self, payment: OnlinePayment, *, base_url: str) -> str:
        invoice = payment.invoice
        done = base_url + reverse("shop:payment_done", args=[payment.token])
        email = invoice.partner.email or (invoice.case.applicant_email if invoice.case else "")
        params = {
            "mode": "payment",
            "locale": "de",
            "client_reference_id": str(payment.token),
            "success_url": done,
            "cancel_url": done,
            # Stripe's shortest session life: no second checkout while this one can be paid.
            "expires_at": int(time.time()) + (checkout_minutes() + 1) * 60,
            "metadata": {"reference": invoice.reference},
            "payment_intent_data": {
                "description": f"Kassenzeichen {invoice.reference}",
                "metadata": {"reference": invoice.reference, "attempt": str(payment.token)},
            },
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": int(payment.amount * 100),
                        "product_data": {
                            "name": f"Kassenzeichen {invoice.reference}: {invoice.subject}"[:250]
                        },
                    },
                }
            ],
        }
        if email:
            params["customer_email"] = email
        try:
            session = self.client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": str(payment.token)}
            )
        except _stripe().StripeError as exc:
            raise ProviderUnavailable(str(exc)) from exc
        OnlinePayment.objects.filter(pk=payment.pk).update(external_id=session.id)
        return session.url

    def verify(self, *, body: bytes, header: str) -> dict:
        """The event, once the SDK has checked its signature and age."""
        try:
            event = json.loads(body)
        except (ValueError, TypeError) as exc:
            raise InvalidCallback("not JSON") from exc
        if not isinstance(event, dict):  # the SDK expects an object
            raise InvalidCallback("event is not an object")
        stripe = _stripe()
        try:
            stripe.Webhook.construct_event(
                body, header, settings.STRIPE_WEBHOOK_SECRET, tolerance=self.tolerance
            )
        except (stripe.SignatureVerificationError, ValueError, TypeError) as exc:
            raise InvalidCallback(str(exc)[:200]) from exc
        return event

    def parse_callback(self, *, body: bytes, headers, post) -> Confirmation | None:
        event = self.verify(body=body, header=headers.get("Stripe-Signature", ""))
        if not isinstance(event, dict):
            raise InvalidCallback("event is not an object")
        if event.get("type") not in (
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
        ):
            return None
        data = event.get("data")
        session = data.get("object") if isinstance(data, dict) else None
        if not isinstance(session, dict) or session.get("currency") != "eur":
            raise InvalidCallback("unexpected session")
        external_id = session.get("payment_intent") or session.get("id")
        amount = session.get("amount_total")
        if not isinstance(external_id, str) or not external_id or len(external_id) > 255:
            raise InvalidCallback("no payment id")
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount < 10**11:
            raise InvalidCallback("amount is not a whole number of cents")
        return Confirmation(
            token=payment_token(session.get("client_reference_id")),
            external_id=external_id,
            paid=session.get("payment_status") == "paid",
            amount=Decimal(amount) / 100,
        )

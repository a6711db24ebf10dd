"""Online payment providers behind one small interface.

A provider starts a payment (returns the address the payer is sent to) and
turns its callback into a :class:`Confirmation` once the callback has been
verified. Booking is the same for every provider and idempotent
(:func:`shop.payments.confirm_online_payment`).

- ``demo``: a payment page of the portal itself; its callback is signed with
  the installation's secret key. For trying the portal out and for tests.
- ``stripe``: Stripe Checkout through the official SDK (a pinned API version,
  German checkout page, the payer's e-mail, the Kassenzeichen on the payment
  intent) and its signed webhooks, checked by ``stripe.Webhook.construct_event``
  (five minutes' tolerance). Enabled when ``STRIPE_SECRET_KEY`` and
  ``STRIPE_WEBHOOK_SECRET`` are set.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OnlinePayment


def checkout_minutes() -> int:
    """How long a started checkout blocks another one (Stripe's sessions expire after it)."""
    return int(getattr(settings, "SHOP_CHECKOUT_MINUTES", 30))


class InvalidCallback(Exception):
    """The callback is not authentic, malformed or stale: it books nothing."""


class ProviderUnavailable(Exception):
    """The provider could not be reached; the payer is told to try again or transfer."""


@dataclass(frozen=True)
class Confirmation:
    token: str  # our OnlinePayment.token
    external_id: str  # the provider's payment id: books once
    paid: bool
    amount: Decimal | None


def payment_token(value: object) -> str:
    """Our payment attempt's token from a callback: a UUID, or the callback is refused."""
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError) as exc:
        raise InvalidCallback("not a payment token") from exc


class Provider:
    name: str
    label: str | Promise

    def is_enabled(self) -> bool:
        return True

    def start(self, payment: OnlinePayment, *, base_url: str) -> str:
        raise NotImplementedError

    def parse_callback(self, *, body: bytes, headers, post) -> Confirmation | None:
        """The verified confirmation, or None for an event that books nothing."""
        raise NotImplementedError


DEMO_SALT = "shop.demo-provider"


class DemoProvider(Provider):
    name = "demo"
    label = gettext_lazy("Demo payment (no real money)")

    def is_enabled(self) -> bool:
        return bool(getattr(settings, "SHOP_DEMO_PAYMENTS", True))

    def start(self, payment: OnlinePayment, *, base_url: str) -> str:
        return reverse("shop:demo_provider", args=[payment.token])

    @staticmethod
    def sign(payment: OnlinePayment, *, paid: bool) -> str:
        """What the demo provider's page posts back: a signed statement of the result."""
        return signing.dumps(
            {
                "token": str(payment.token),
                "id": f"demo-{payment.token}",
                "paid": paid,
                "amount": str(payment.amount),
            },
            salt=DEMO_SALT,
        )

    def parse_callback(self, *, body: bytes, headers, post) -> Confirmation | None:
        try:
            data = signing.loads(post.get("payload", ""), salt=DEMO_SALT, max_age=3600)
        except signing.BadSignature as exc:
            raise InvalidCallback("bad signature") from exc
        try:
            return Confirmation(
                token=payment_token(data["token"]),
                external_id=str(data["id"]),
                paid=bool(data["paid"]),
                amount=Decimal(data["amount"]),
            )
        except (KeyError, TypeError, ArithmeticError) as exc:
            raise InvalidCallback("incomplete payload") from exc


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

    name = "stripe"
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


PROVIDERS: dict[str, Provider] = {p.name: p for p in (DemoProvider(), StripeProvider())}


def enabled_providers() -> list[Provider]:
    return [p for p in PROVIDERS.values() if p.is_enabled()]


def get_provider(name: str) -> Provider:
    provider = PROVIDERS.get(name)
    if provider is None or not provider.is_enabled():
        raise InvalidCallback(_("Unknown payment method."))
    return provider

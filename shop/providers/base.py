"""What every online payment provider is: a connector of kind ``payments``.

A provider starts a payment (returns the address the payer is sent to) and turns its
callback into a :class:`Confirmation` once the callback has been verified. Booking is
the same for every provider and idempotent (:func:`shop.payments.confirm_online_payment`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from portal_site.connectors import Connector

from ..models import OnlinePayment


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


class Provider(Connector):
    kind = "payments"

    @property
    def name(self) -> str:  # what OnlinePayment.provider stores
        return self.key

    def start(self, payment: OnlinePayment, *, base_url: str) -> str:
        raise NotImplementedError

    def parse_callback(self, *, body: bytes, headers, post) -> Confirmation | None:
        """The verified confirmation, or None for an event that books nothing."""
        raise NotImplementedError

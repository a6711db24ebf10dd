"""Online payment providers: connectors of kind ``payments`` (:mod:`portal_site.connectors`).

One package per provider, each registering itself in ``ShopConfig.ready``:

- :mod:`shop.providers.demo`: a payment page of the portal itself; its callback is
  signed with the installation's secret key. For trying the portal out and for tests.
- :mod:`shop.providers.stripe`: Stripe Checkout through the official SDK and its signed
  webhooks. Enabled when ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET`` are set.

A provider's ``check_config()`` says what is wrong with its settings; administrators run
it under *Einstellungen → Verbindungen*.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal_site.connectors import connectors
from portal_site.registry import NotRegistered

from .base import (
    Confirmation,
    InvalidCallback,
    Provider,
    ProviderUnavailable,
    checkout_minutes,
    payment_token,
)

__all__ = [
    "Confirmation",
    "InvalidCallback",
    "Provider",
    "ProviderUnavailable",
    "checkout_minutes",
    "enabled_providers",
    "get_provider",
    "payment_token",
]


def _providers() -> list[Provider]:
    return [p for p in connectors("payments") if isinstance(p, Provider)]


def enabled_providers() -> list[Provider]:
    return [p for p in _providers() if p.is_enabled()]


def get_provider(name: str) -> Provider:
    try:
        provider = next(p for p in _providers() if p.key == name)
    except StopIteration:
        raise InvalidCallback(_("Unknown payment method.")) from NotRegistered("payments", name)
    if not provider.is_enabled():
        raise InvalidCallback(_("Unknown payment method."))
    return provider

"""The demo payment provider: a payment page of the portal itself (no real money).

Its callback is signed with the installation's secret key (``DEMO_SALT``); the page is
``shop.views.demo_provider``. On by default (``SHOP_DEMO_PAYMENTS``), off in production.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import OnlinePayment
from ..base import Confirmation, InvalidCallback, Provider, payment_token

DEMO_SALT = "shop.demo-provider"


class DemoProvider(Provider):
    key = "demo"
    label = gettext_lazy("Demo payment (no real money)")

    def is_enabled(self) -> bool:
        return bool(getattr(settings, "SHOP_DEMO_PAYMENTS", True))

    def check_config(self) -> list[str]:
        if self.is_enabled() and not settings.DEBUG:
            return [
                _(
                    "The demo payment is switched on: payers can mark invoices as paid "
                    "without paying. Switch it off in production (SHOP_DEMO_PAYMENTS=0)."
                )
            ]
        return []

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

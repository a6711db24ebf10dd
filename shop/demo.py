"""Demo money data: the seed's fee schedule (booking keys 300 and 301)."""

from __future__ import annotations

from decimal import Decimal

from portal_site.core.demo import register_demo_step

from .models import Direction, Fee

FEES = [
    # booking key, name, description, amount, revenue account, cost object
    (
        "300",
        "AusstellungUrkunde",
        "Gebühr für die Ausstellung einer Urkunde",
        Decimal("10.00"),
        "43110000",
        "1220100",
    ),
    (
        "301",
        "AusstellungWeitereUrkunde",
        "Gebühr für die Ausstellung von weiteren Urkunden",
        Decimal("5.00"),
        "43110000",
        "1220100",
    ),
]


def load_money_demo() -> None:
    for key, name, description, amount, account, cost_object in FEES:
        Fee.objects.get_or_create(
            booking_key=key,
            defaults={
                "name": name,
                "description": description,
                "direction": Direction.DEBIT,
                "amount": amount,
                "account": account,
                "cost_object": cost_object,
            },
        )


register_demo_step(order=20, name="money", run=load_money_demo)

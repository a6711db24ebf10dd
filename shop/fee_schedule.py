"""The fee schedule skeleton every installation starts with (an install step, not demo).

The civil-status certificates (booking keys 300 and 301) and the archive's price
list (usage types and products, keys 410–414), with the seed city's amounts and
accounts. The cash office edits them under Finanzen; the step only creates what
is missing and never changes an edited fee.
"""

from __future__ import annotations

from decimal import Decimal

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


# The archive's price list: usage type, needs approval, licence, products (name, long edge, key, €).
ARCHIVE_PRICES = [
    (
        "Privatgebrauch",
        False,
        "Nutzung nur für private Zwecke; keine Veröffentlichung, keine Weitergabe an Dritte.",
        [
            ("Digitale Datei, 1.500 px", 1500, "410", Decimal("10.00")),
            ("Digitale Datei, volle Auflösung", None, "411", Decimal("20.00")),
        ],
    ),
    (
        "Veröffentlichung (Druck/Online)",
        False,
        "Einmalige Veröffentlichung im angegebenen Werk (Buch, Zeitschrift, Website) mit "
        "Quellenangabe; Auflage bis 5.000 Exemplare.",
        [
            ("Digitale Datei, 1.500 px", 1500, "412", Decimal("35.00")),
            ("Digitale Datei, volle Auflösung", None, "413", Decimal("50.00")),
        ],
    ),
    (
        "Kommerzielle Nutzung",
        True,
        "Nutzung in Werbung, Produkten oder zu gewerblichen Zwecken im genehmigten Umfang.",
        [
            ("Digitale Datei, volle Auflösung", None, "414", Decimal("150.00")),
        ],
    ),
]

# The price list's names on the English pages.
ENGLISH_NAMES = {
    "Privatgebrauch": "Private use",
    "Veröffentlichung (Druck/Online)": "Publication (print/online)",
    "Kommerzielle Nutzung": "Commercial use",
    "Digitale Datei, 1.500 px": "Digital file, 1,500 px",
    "Digitale Datei, volle Auflösung": "Digital file, full resolution",
}


def ensure_fee_schedule() -> None:
    ensure_fees()
    _load_archive_prices()


def _load_archive_prices() -> None:
    from .models import ImageProduct, UsageType

    for order, (usage, approval, licence, products) in enumerate(ARCHIVE_PRICES):
        usage_type, _created = UsageType.objects.get_or_create(
            name=usage,
            defaults={"requires_approval": approval, "licence_text": licence, "sort_order": order},
        )
        _name_in_english(usage_type)
        for name, long_edge, key, amount in products:
            fee, _created = Fee.objects.get_or_create(
                booking_key=key,
                defaults={
                    "name": f"Archiv{key}",
                    "description": f"Nutzungsentgelt {usage}, {name}",
                    "direction": Direction.DEBIT,
                    "amount": amount,
                    "account": "43210000",
                    "cost_object": "2520100",
                },
            )
            product, _created = ImageProduct.objects.get_or_create(
                usage_type=usage_type, name=name, defaults={"long_edge": long_edge, "fee": fee}
            )
            _name_in_english(product)


def _name_in_english(entry) -> None:
    """Give a price list entry of the default list its English name, unless it has one."""
    if not entry.name_en and entry.name in ENGLISH_NAMES:
        entry.name_en = ENGLISH_NAMES[entry.name]
        entry.save(update_fields=["name_en"])


def ensure_fees(rows=FEES) -> None:
    """The fees of ``rows`` (booking key, name, description, amount, revenue account, cost
    object) that are missing; an existing fee keeps what the cash office set."""
    for key, name, description, amount, account, cost_object in rows:
        Fee.objects.get_or_create(
            booking_key=key,
            defaults={
                "name": name,
                "description": description,
                "direction": Direction.DEBIT,
                "amount": Decimal(amount),
                "account": account,
                "cost_object": cost_object,
            },
        )

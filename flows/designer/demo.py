"""The demo's bookable resources (the room catalogue Raumplanung reserves from) and the
fee the shipped Sperrmüllanmeldung charges (the city's own fee, not the skeleton's)."""

from __future__ import annotations

from portal_site.accounts.models import OrgUnit

from .resources import Resource

# (name, kind, capacity, equipment, location)
DEMO_RESOURCES = [
    ("Sitzungssaal", Resource.Kind.ROOM, 40, "Beamer, Mikrofonanlage", "Rathaus, 1. OG"),
    ("Besprechungsraum 101", Resource.Kind.ROOM, 12, "Bildschirm, Whiteboard", "Rathaus, 1. OG"),
    ("Besprechungsraum 214", Resource.Kind.ROOM, 8, "Whiteboard", "Rathaus, 2. OG"),
    ("Dienstwagen KS-SK 100", Resource.Kind.VEHICLE, 5, "E-Auto", "Tiefgarage Rathaus"),
]
ROOM_NAMES = [name for name, kind, *_rest in DEMO_RESOURCES if kind == Resource.Kind.ROOM]


def load_resources() -> dict[str, int]:
    office = OrgUnit.objects.filter(short_name="10.1").first()
    for name, kind, capacity, equipment, location in DEMO_RESOURCES:
        Resource.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "capacity": capacity,
                "equipment": equipment,
                "location": location,
                "office": office,
            },
        )
    return {"resources": Resource.objects.count()}


# booking key, name, description, amount, revenue account, cost object
BULKY_WASTE_FEE = (
    "520",
    "Sperrmuellabholung",
    "Gebühr für die Abholung von Sperrmüll (bis 3 m³)",
    "30.00",
    "43120000",
    "5370100",
)


def load_fees() -> dict[str, int]:
    """The demo city's fee for bulky-waste pickup (before the library, which uses it)."""
    from shop.fee_schedule import ensure_fees

    ensure_fees([BULKY_WASTE_FEE])
    return {"fees": 1}

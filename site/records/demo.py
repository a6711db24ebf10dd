"""The demo's records: a small example file plan, the processes mapped to it, and every
department filing through the demo connection (``var/records/outbox``), its civil-status
cases offered to the city archive (``var/records/outbox/Archiv``) when their retention
ends.

The file plan is an example in the shape of a municipal one, not a real city's."""

from __future__ import annotations

from django.db import transaction

from portal_site.accounts.models import OrgUnit
from portal_site.core.demo import register_demo_step

from .models import FilePlanUnit, OfficeRecords, ProcessRecords

DEMO_FILE_PLAN = [
    ("1", "Allgemeine Verwaltung", None),
    ("1.1", "Organisation und Personal", "1"),
    ("1.1.3", "Fortbildung der Beschäftigten", "1.1"),
    ("3", "Sicherheit und Ordnung", None),
    ("3.2", "Personenstandswesen", "3"),
    ("3.2.1", "Personenstandsurkunden", "3.2"),
    ("4", "Schule und Kultur", None),
    ("4.1", "Stadtarchiv", "4"),
    ("4.1.2", "Benutzung und Reproduktionen", "4.1"),
    ("0", "Bürgeranliegen", None),
]
DEMO_PROCESSES = {
    "civil_status_certificate": ("3.2.1", True),
    "training_registration": ("1.1.3", False),
    "archive_order": ("4.1.2", False),
    "generic": ("0", False),
}
DEMO_FOLDERS = {"10": "Personal", "20": "Kaemmerei", "33": "Buergeramt", "34": "Standesamt"}
DEMO_FOLDERS["41"] = "Kulturamt"


@transaction.atomic
def load_records_demo() -> dict[str, int]:
    units: dict[str, FilePlanUnit] = {}
    for code, title, parent in DEMO_FILE_PLAN:
        units[code], _created = FilePlanUnit.objects.update_or_create(
            code=code, defaults={"title": title, "parent": units.get(parent) if parent else None}
        )
    for process_key, (code, offer) in DEMO_PROCESSES.items():
        ProcessRecords.objects.update_or_create(
            process_key=process_key,
            defaults={"file_plan_unit": units[code], "offer_to_archive": offer},
        )
    offices = 0
    for short_name, folder in DEMO_FOLDERS.items():
        office = OrgUnit.objects.filter(short_name=short_name).first()
        if office is None:
            continue
        OfficeRecords.objects.get_or_create(
            office=office,
            defaults={
                "efile_connector": "demo",
                "efile_folder": folder,
                "archive_connector": "demo",
                "archive_folder": "Archiv",
                "archive_name": "Stadtarchiv Kassel",
            },
        )
        offices += 1
    return {"file_plan_units": len(units), "offices_filing": offices}


register_demo_step(order=5, name="records", run=load_records_demo)

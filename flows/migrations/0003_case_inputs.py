"""Cases opened before processes declared their inputs get them from their form values.

The certificate process reads "anzahl" (the copies of the kind asked for) and the
applicant's details; the training process reads the course and the statistics
fields. Both were read from fixed field names before; the names are kept here,
once, to carry the running cases over.
"""

from django.db import migrations

BATCH = 500
CERTIFICATE = "civil_status_certificate"
TRAINING = "training_registration"
COPIES_PREFIX = {
    "Geburtsurkunde": "geburt",
    "Sterbeurkunde": "sterbe",
    "Eheurkunde": "ehe",
    "Lebenspartnerschaftsurkunde": "lp",
}
CERTIFICATE_NAMES = (
    "urkundenart",
    "name",
    "vorname",
    "anrede",
    "akademischer_grad",
    "strasse",
    "postleitzahl",
    "ort",
    "email",
)
TRAINING_NAMES = (
    "fortbildung",
    "altersgruppe",
    "berufsgruppe",
    "arbeitszeit",
    "funktion",
    "erneute_anmeldung",
    "besondere_hilfe",
    "lernziele",
)


def _inputs(process_key: str, values: dict) -> dict:
    names = CERTIFICATE_NAMES if process_key == CERTIFICATE else TRAINING_NAMES
    inputs = {n: values[n] for n in names if values.get(n) not in (None, "", [])}
    if process_key == CERTIFICATE:
        prefix = COPIES_PREFIX.get(str(values.get("urkundenart", "")))
        copies = values.get(f"{prefix}_anzahl") if prefix else None
        if copies not in (None, ""):
            inputs["anzahl"] = copies
    return inputs


def forward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    cases = Case.objects.filter(process_key__in=[CERTIFICATE, TRAINING]).only(
        "pk", "process_key", "data"
    )
    changed = []
    for case in cases.iterator(chunk_size=BATCH):
        data = case.data or {}
        if "inputs" in data or "values" not in data:
            continue
        case.data = {**data, "inputs": _inputs(case.process_key, data["values"])}
        changed.append(case)
        if len(changed) >= BATCH:
            Case.objects.bulk_update(changed, ["data"])
            changed = []
    Case.objects.bulk_update(changed, ["data"])


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    changed = []
    for case in Case.objects.filter(process_key__in=[CERTIFICATE, TRAINING]).iterator():
        if isinstance(case.data, dict) and "inputs" in case.data:
            case.data = {k: v for k, v in case.data.items() if k != "inputs"}
            changed.append(case)
    Case.objects.bulk_update(changed, ["data"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("flows", "0002_training"),
        ("cases", "0006_office_status_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]

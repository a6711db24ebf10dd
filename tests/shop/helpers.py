"""Shared steps of the money tests: the seed's order from the portal to the invoice."""

from __future__ import annotations

from flows import selectors, workspace
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import Case
from portal_site.cases.services import open_case
from portal_site.processes import start_process
from serviceportal import process_inputs
from serviceportal.demo_forms import certificate_steps
from serviceportal.form_pages import ServiceFormPage

SEED_VALUES = {
    "datenschutz": True,
    "anrede": "Herr",
    "name": "Mustermann",
    "vorname": "Frank",
    "akademischer_grad": "",
    "postleitzahl": "34117",
    "ort": "Kassel",
    "strasse": "Obere Königsstraße 8",
    "email": "frank.mustermann@kassel.de",
    "urkundenart": "Geburtsurkunde",
    "geburt_zweck": "Anmeldung einer Eheschließung",
    "geburt_anzahl": 4,
    "geburt_format": "Geburtsurkunde DIN A4-Format",
    "geburt_berechtigt": "beurkundete Person",
    "geburt_geburtsname": "Mustermann",
    "geburt_familienname": "Mustermann",
    "geburt_vorname": "Frank",
    "geburt_datum": "1960-01-01",
    "geburt_ort": "Musterstadt",
}


def inputs_for(values: dict, process_key: str = "civil_status_certificate") -> dict:
    """The process inputs the demo's online form for the process makes of ``values``:
    the published form's fields, or (no demo loaded) the certificate form's definition."""
    page = (
        ServiceFormPage.objects.live()
        .filter(locale__language_code="de", process_key=process_key)
        .first()
    )
    if page is None:
        assert process_key == "civil_status_certificate", "load the demo for this form"
        page = ServiceFormPage(steps=certificate_steps(), process_key=process_key)
    return process_inputs.resolve(page.all_fields(), values, process_key)


def certificate_case(**overrides) -> Case:
    values = {**SEED_VALUES, **overrides}
    case = open_case(
        process_key="civil_status_certificate",
        title="Personenstandsurkunden bestellen",
        data={"answers": [], "values": values, "inputs": inputs_for(values)},
        applicant_name=f"{values['vorname']} {values['name']}",
        applicant_email=values["email"],
        office=OrgUnit.objects.get(short_name="34"),
    )
    start_process(key="civil_status_certificate", case=case)
    return case


def registrar() -> User:
    return User.objects.get(username="standesamt")


def work(case: Case, user: User, **data) -> str:
    """Claim the case's open task and complete it with ``data``."""
    task = selectors.open_task_for_case(case=case)
    assert task is not None, "the case has no open task"
    if task.owner_id is None:
        workspace.claim_task(task_id=task.pk, user=user)
    return workspace.complete_step(task_id=task.pk, user=user, data=data)


def approve_up_to_invoice(case: Case, number: str = "G 1234/1960") -> None:
    user = registrar()
    work(case, user, decision="yes", missing="", comment="")
    work(case, user, decision="yes", comment="")
    work(case, user, certificate_number=number)


def portal_application(name: str, *, email: str = "", **overrides):
    """What the applicant "Frank <name>" sends with the certificate order's seed values."""
    import uuid

    from serviceportal.submission import Application

    values = {**SEED_VALUES, "name": name, "email": email or f"{name.lower()}@example.org"}
    values.update(overrides)
    return Application(
        token=uuid.uuid4(),
        answers=[{"name": k, "label": k, "value": str(v)} for k, v in values.items()],
        values=values,
        applicant_name=f"Frank {name}",
        applicant_email=values["email"],
    )

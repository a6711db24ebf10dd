"""Declared inputs: a form provides every value its process reads, through the editor's mapping.

An editor who renames the certificate form's copies field keeps the fee right
as long as the field stays mapped to the input; a form that no longer provides
an input is refused on save with a German message naming it, and a published
one is reported by the system check.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Page

from flows.civil_status import certificate_request
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.processes import InputKind, ProcessInput, register_process
from serviceportal import process_inputs
from serviceportal.checks import check_form_inputs
from serviceportal.form_definition import FieldSpec
from serviceportal.form_pages import ServiceFormPage
from serviceportal.submission import submit_application
from shop.models import Invoice
from tests.serviceportal.test_form_admin import FIELD, form_page_data
from tests.shop.helpers import approve_up_to_invoice, portal_application

CERTIFICATE = "civil_status_certificate"
DOG_PROCESS = "test_dog_tax"


def _no_start(**kwargs) -> None:
    """The dog tax's start: one function, so registering the process again is harmless."""


def _dog_process() -> None:
    register_process(
        key=DOG_PROCESS,
        label="Hundesteuer",
        start=_no_start,
        inputs=(
            ProcessInput("rasse", "Hunderasse", InputKind.CHOICE),
            ProcessInput("chip", "Chipnummer", required=False),
        ),
    )


def spec(name: str, process_input: str = "") -> FieldSpec:
    return FieldSpec(name=name, label=name, field_type="singleline", process_input=process_input)


def test_a_mapped_field_provides_the_input_and_the_first_answered_one_counts():
    _dog_process()
    fields = [spec("hund_1", "rasse"), spec("hund_2", "rasse"), spec("chip")]
    assert process_inputs.providers(fields, DOG_PROCESS) == {
        "rasse": ["hund_1", "hund_2"],
        "chip": ["chip"],  # no field mapped: the field of the input's name
    }
    values = {"hund_1": "", "hund_2": "Dackel", "chip": "276"}
    assert process_inputs.resolve(fields, values, DOG_PROCESS) == {"rasse": "Dackel", "chip": "276"}
    assert process_inputs.missing_inputs(fields, DOG_PROCESS) == []
    missing = process_inputs.missing_inputs([spec("chip")], DOG_PROCESS)
    assert [i.name for i in missing] == ["rasse"]  # "chip" is optional


def _certificate_page() -> ServiceFormPage:
    return ServiceFormPage.objects.live().get(locale__language_code="de", process_key=CERTIFICATE)


def _renamed(page: ServiceFormPage, old: str, new: str, *, keep_mapping: bool) -> list:
    steps = copy.deepcopy(list(page.steps.raw_data))
    for block in steps:
        for field in block["value"]["fields"]:
            value = field.get("value", field)
            if value.get("name") == old:
                value["name"] = new
                if not keep_mapping:
                    value["process_input"] = ""
    return steps


@pytest.mark.django_db
def test_renaming_a_mapped_field_keeps_the_fee_and_unmapping_it_is_refused(demo):
    page = _certificate_page()
    page.steps = _renamed(page, "geburt_anzahl", "kopien_geburt", keep_mapping=True)
    page.full_clean()
    page.save_revision().publish()

    values = {"kopien_geburt": 4, "geburt_anzahl": 9}  # the old name no longer counts
    case = submit_application(
        page=_certificate_page(), application=portal_application("Neu", **values)
    )
    assert case.data["inputs"]["anzahl"] == 4
    assert certificate_request(case) == ("Geburtsurkunde", 4)
    approve_up_to_invoice(case)
    assert Invoice.objects.get(case=case).total == Decimal("25.00")

    page = _certificate_page()
    for kind in ("geburt", "sterbe", "ehe", "lp"):
        name = "kopien_geburt" if kind == "geburt" else f"{kind}_anzahl"
        page.steps = _renamed(page, name, f"{kind}_stueck", keep_mapping=False)
    with translation.override("de"):
        with pytest.raises(ValidationError) as refused:
            page.full_clean()
        message = " ".join(refused.value.message_dict["steps"])
    assert "„Anzahl der Urkunden“ (anzahl)" in message and "kein Feld" in message


def _text(response) -> str:
    """The page's text, with the JSON escapes of the stream field's errors read."""
    content = unescape(response.content.decode())
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), content)


@pytest.mark.django_db
def test_the_editor_is_told_which_input_is_missing_and_can_map_a_field(client, demo):
    _dog_process()
    client.login(username="redaktion", password=DEMO_PASSWORD)
    index = Page.objects.get(locale__language_code="de", slug="online-dienste")
    add_url = f"/admin/pages/add/serviceportal/serviceformpage/{index.pk}/"
    data = form_page_data(process_key=DOG_PROCESS, label="Welche Rasse hat Ihr Hund?")
    refused = client.post(add_url, data)
    assert refused.status_code == 200
    assert "Der Prozess braucht die Eingabe „Hunderasse“ (rasse)" in _text(refused)
    assert not ServiceFormPage.objects.filter(
        locale__language_code="de", slug="hundesteuer"
    ).exists()

    saved = client.post(add_url, {**data, f"{FIELD}process_input": "rasse"})
    assert saved.status_code == 302
    page = ServiceFormPage.objects.get(locale__language_code="de", slug="hundesteuer")
    assert process_inputs.providers(page.all_fields(), DOG_PROCESS) == {
        "rasse": ["welche_rasse_hat_ihr_hund"]
    }


@pytest.mark.django_db
def test_the_system_check_reports_a_published_form_that_lacks_an_input(demo):
    assert check_form_inputs() == []
    page = _certificate_page()
    page.steps = _renamed(page, "urkundenart", "art", keep_mapping=False)
    # as a form published before the input was declared
    ServiceFormPage.objects.filter(pk=page.pk).update(steps=page.steps)
    [warning] = check_form_inputs()
    assert warning.id == "serviceportal.W001" and warning.obj.pk == page.pk
    assert "urkundenart" in warning.msg


@pytest.mark.django_db
def test_the_upgrade_maps_the_copies_fields_of_an_existing_certificate_form(demo):
    from django.apps import apps

    migration = importlib.import_module("serviceportal.migrations.0003_process_inputs")
    page = _certificate_page()
    unmapped = copy.deepcopy(list(page.steps.raw_data))
    for block in unmapped:
        for field in block["value"]["fields"]:
            field.get("value", field).pop("process_input", None)
    ServiceFormPage.objects.filter(pk=page.pk).update(steps=unmapped)
    revision = page.latest_revision
    revision.content["steps"] = json.dumps(unmapped)
    revision.save(update_fields=["content"])
    assert process_inputs.missing_inputs(_certificate_page().all_fields(), CERTIFICATE)

    migration._map_copies(apps, None)
    assert process_inputs.providers(_certificate_page().all_fields(), CERTIFICATE)["anzahl"] == [
        "geburt_anzahl",
        "sterbe_anzahl",
        "ehe_anzahl",
        "lp_anzahl",
    ]
    edited = _certificate_page().latest_revision.as_object()
    assert not process_inputs.missing_inputs(edited.all_fields(), CERTIFICATE)

    migration._unmap_copies(apps, None)
    assert "anzahl" not in process_inputs.providers(_certificate_page().all_fields(), CERTIFICATE)

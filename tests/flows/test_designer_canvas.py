"""The designer's canvas: the draft drawn as BPMN, its settings beside it, saved as one
definition with the panels (flows/designer/canvas.py, canvas_views.py)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from flows.designer import sharing
from flows.designer.bpmn import export_bpmn
from flows.designer.canvas import canvas_state, panel_schema, save_canvas
from flows.designer.demo import load_fees as ensure_fees
from flows.designer.models import ProcessDesign
from flows.designer.services import publish
from flows.designer.sharing import install_library
from portal_site.accounts.models import OrgUnit

pytestmark = pytest.mark.django_db

BPMN_NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
)


def drawn(elements: str, flows: list[tuple[str, str, str]]) -> str:
    """A diagram as bpmn-js saves it: its own element and arrow ids, no settings."""
    arrows = "".join(
        f'<bpmn:sequenceFlow id="{i}" sourceRef="{s}" targetRef="{t}"/>' for i, s, t in flows
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {BPMN_NS} id="d" '
        f'targetNamespace="http://bpmn.io/schema/bpmn"><bpmn:process id="p" isExecutable="false">'
        f'<bpmn:startEvent id="start"/>{elements}{arrows}</bpmn:process></bpmn:definitions>'
    )


SPERRMUELL_ELEMENTS = (
    '<bpmn:serviceTask id="fee_1" name="Gebühr"/>'
    '<bpmn:userTask id="task_1" name="Abholung einplanen"/>'
    '<bpmn:serviceTask id="email_1" name="Bestätigung"/>'
    '<bpmn:endEvent id="end_1"/><bpmn:endEvent id="end_2"/>'
)
SPERRMUELL_FLOWS = [
    ("Flow_0a", "start", "fee_1"),
    ("Flow_0b", "fee_1", "task_1"),
    ("Flow_0c", "fee_1", "end_2"),
    ("Flow_0d", "task_1", "email_1"),
    ("Flow_0e", "email_1", "end_1"),
]


def sperrmuell_payload(**changes) -> dict:
    payload = {
        "xml": drawn(SPERRMUELL_ELEMENTS, SPERRMUELL_FLOWS),
        "steps": {
            "fee_1": {
                "kind": "fee",
                "settings": {"subject": "Sperrmüll", "lines": [{"booking_key": "520"}]},
            },
            "task_1": {
                "kind": "task",
                "settings": {
                    "title": "Abholung einplanen",
                    "assignee": "office",
                    "fields": [{"name": "abholtermin", "label": "Abholtermin", "kind": "date"}],
                    "decisions": [{"value": "eingeplant", "label": "Eingeplant"}],
                },
            },
            "email_1": {
                "kind": "email",
                "settings": {
                    "to": "applicant",
                    "subject": "Abholung am {abholtermin}",
                    "body": "Ihr Sperrmüll wird am {abholtermin} abgeholt.",
                },
            },
            "end_1": {"kind": "end", "settings": {"outcome": "completed"}},
            "end_2": {"kind": "end", "settings": {"outcome": "cancelled"}},
        },
        "conditions": {"Flow_0c": {"exit": "unpaid"}},
        "inputs": [{"name": "adresse", "label": "Abholadresse", "kind": "text", "required": True}],
        "layout": {
            "shapes": {
                "start": [10, 20, 36, 36],
                "fee_1": [150, 0, 100, 80],
                "task_1": [300, 40, 100, 80],
            },
            "edges": [
                {"source": "start", "target": "fee_1", "points": [[46, 38], [150, 38]]},
            ],
        },
    }
    payload.update(changes)
    return payload


@pytest.fixture
def design(staff):
    ensure_fees()
    return ProcessDesign.objects.create(
        key="sperrmuell-neu",
        name="Sperrmüll (gezeichnet)",
        office=OrgUnit.objects.get(short_name="Bürgerservice"),
    )


def test_a_drawn_process_becomes_the_draft_with_its_settings_and_arrows(design):
    state = save_canvas(design, sperrmuell_payload())
    design.refresh_from_db()
    definition = design.definition()
    steps = {s["id"]: s for s in definition["steps"]}
    assert definition["steps"][0]["id"] == "fee_1"  # the start's arrow names the first step
    assert steps["fee_1"]["next"] == "task_1" and steps["fee_1"]["unpaid"] == "end_2"
    assert steps["fee_1"]["lines"] == [{"booking_key": "520", "quantity_from": ""}]
    assert steps["task_1"]["fields"][0]["kind"] == "date"
    assert steps["task_1"]["next"] == "email_1" and steps["email_1"]["next"] == "end_1"
    assert steps["end_2"]["outcome"] == "cancelled"
    assert definition["inputs"][0]["name"] == "adresse"
    assert state["problems"] == [] and design.problems() == []
    publish(design=design)  # nothing keeps it from running
    # the positions drawn are kept, by the export's ids; the rest is laid out
    assert design.layout["shapes"]["task_1"] == [300, 40, 100, 80]
    assert design.layout["edges"]["start>fee_1"] == [[46, 38], [150, 38]]
    exported = export_bpmn(key="k", name="n", definition=definition, layout=design.layout)
    assert b'bpmnElement="task_1"><dc:Bounds x="300" y="40"' in exported
    assert b'<di:waypoint x="46" y="38" /><di:waypoint x="150" y="38" />' in exported
    from flows.designer.bpmn_schema import validate

    assert validate(exported) == []  # the canvas's layout keeps the export valid


def test_the_canvas_and_the_panels_edit_one_definition(staff):
    """Loading a shipped design on the canvas and saving it unchanged changes nothing."""
    install_library()
    design = ProcessDesign.objects.get(key="trauinfo")
    before = design.definition()
    state = canvas_state(design)
    assert 'id="start"' in state["xml"] and "„" not in "".join(state["problems"])
    save_canvas(
        design,
        {k: state[k] for k in ("xml", "steps", "conditions", "inputs")} | {"layout": {}},
    )
    design.refresh_from_db()
    assert design.definition() == before


def test_a_half_drawn_draft_saves_and_lists_its_problems_by_title(design):
    payload = sperrmuell_payload(
        xml=drawn(SPERRMUELL_ELEMENTS, SPERRMUELL_FLOWS[:3]),  # task and e-mail unconnected
    )
    payload["steps"]["email_1"]["settings"]["subject"] = ""
    state = save_canvas(design, payload)
    design.refresh_from_db()
    assert len(design.definition()["steps"]) == 5  # saved whatever its state
    found = " ".join(state["problems"])
    assert "„Abholung einplanen“" in found  # named by title, never by a generated id
    assert "Betreff" in found or "Subject" in found  # the emptied subject
    assert {"task_1", "email_1"} <= set(state["failing"]) or "task_1" in state["failing"]
    with pytest.raises(ValidationError):
        publish(design=design)


def test_a_diagram_the_step_model_cannot_take_is_refused_and_nothing_is_stored(design, client):
    from portal_site.accounts.models import User

    client.force_login(User.objects.filter(is_superuser=True).first())
    forked = sperrmuell_payload(
        xml=drawn(SPERRMUELL_ELEMENTS, [*SPERRMUELL_FLOWS, ("Flow_x", "task_1", "end_1")])
    )
    response = client.post(
        f"/admin/prozesse/{design.pk}/zeichnen/", forked, content_type="application/json"
    )
    assert response.status_code == 400
    assert (
        "mehrere ausgehende Pfeile" in response.json()["errors"][0]
        or "outgoing" in (response.json()["errors"][0])
    )
    design.refresh_from_db()
    assert design.definition()["steps"] == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"xml": 5, "steps": {}}).encode(),
        json.dumps({"xml": "<bpmn", "steps": {}}).encode(),
        json.dumps({"xml": drawn("", []), "steps": [], "conditions": []}).encode(),
        json.dumps(
            sperrmuell_payload(
                steps={"task_1": {"kind": "task", "settings": {"title": ["x"], "days": "1e9"}}},
                layout={"shapes": {"task_1": ["x", None]}, "edges": ["no"]},
                inputs=[{"name": 5}, "x"],
            )
        ).encode(),
        "\udcff".encode("utf-8", "surrogatepass"),
    ],
    ids=["text", "list", "xml-number", "broken-xml", "wrong-shapes", "wrong-types", "bytes"],
)
def test_a_malformed_save_is_answered_never_a_500(design, client, body):
    from portal_site.accounts.models import User

    client.force_login(User.objects.filter(is_superuser=True).first())
    response = client.post(
        f"/admin/prozesse/{design.pk}/zeichnen/", body, content_type="application/json"
    )
    assert response.status_code in (200, 400)
    assert "errors" in response.json() or "problems" in response.json()
    design.refresh_from_db()
    design.definition()  # whatever was stored can be read
    export_bpmn(key="k", name="n", definition=design.definition(), layout=design.layout)


def test_the_canvas_page_loads_the_modeller_for_own_offices_only(design, client):
    from portal_site.accounts import roles
    from tests.factories import UserFactory

    own = UserFactory(role=roles.PROCESS_DESIGNER, org_unit=design.office)
    other = UserFactory(
        role=roles.PROCESS_DESIGNER, org_unit=OrgUnit.objects.exclude(pk=design.office_id)[0]
    )
    client.force_login(own)
    page = client.get(f"/admin/prozesse/{design.pk}/zeichnen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "bpmn-modeler.production.min.js" in html and 'id="canvas-schema"' in html
    client.force_login(other)
    assert client.get(f"/admin/prozesse/{design.pk}/zeichnen/").status_code == 404
    posted = client.post(
        f"/admin/prozesse/{design.pk}/zeichnen/",
        sperrmuell_payload(),
        content_type="application/json",
    )
    assert posted.status_code == 404


def test_the_properties_panel_offers_the_settings_of_the_panels(staff):
    ensure_fees()
    schema = panel_schema()
    assert set(schema["kinds"]) == {
        "task", "branch", "parallel", "email", "document", "fee", "reserve", "status", "wait", "end"
    }  # fmt: skip
    task = {f["name"]: f for f in schema["kinds"]["task"]["fields"]}
    assert "next" not in task and "id" not in task  # arrows and generated ids: never typed
    assert task["office"]["type"] == "choice" and task["office"]["choices"]
    assert task["earlier_task"]["picker"] == "task"
    fee_lines = {f["name"]: f for f in schema["kinds"]["fee"]["fields"]}["lines"]
    fee_choice = {f["name"]: f for f in fee_lines["item"]}["booking_key"]
    assert "520" in [value for value, _label in fee_choice["choices"]]
    assert {f["name"] for f in schema["condition"]} >= {"source", "operator", "value"}
    # a step drawn from the palette is complete but for its arrows
    for kind, settings in schema["new"].items():
        for field in schema["kinds"][kind]["fields"]:
            if field["required"] and field["type"] in ("char", "text") and "picker" not in field:
                assert settings.get(field["name"]), (kind, field["name"])


def test_the_library_sperrmuell_design_passes_through_the_canvas(staff):
    ensure_fees()
    install_library()
    design = ProcessDesign.objects.get(key="sperrmuell")
    before = design.definition()
    state = canvas_state(design)
    assert state["conditions"] == {"flow_gebuehr_unpaid": {"exit": "unpaid"}}
    save_canvas(design, {**state, "layout": {}})
    design.refresh_from_db()
    assert design.definition() == before
    assert sharing.LIBRARY.exists()


def test_a_designer_creates_a_missing_fee_in_place(design, client):
    from portal_site.accounts import roles
    from shop.models import Fee
    from tests.factories import UserFactory

    url = "/admin/prozesse/gebuehr-anlegen/"
    designer = UserFactory(role=roles.PROCESS_DESIGNER, org_unit=design.office)
    client.force_login(designer)
    created = client.post(
        url, {"booking_key": "530", "name": "Grünschnitt", "amount": "12.50"}, "application/json"
    )
    assert created.status_code == 200, created.content
    assert created.json()["value"] == "530" and "12.50 €" in created.json()["label"]
    fee = Fee.objects.get(booking_key="530")
    assert fee.description == "Grünschnitt" and fee.account == ""  # for the cash office
    for wrong in (
        {"booking_key": "530", "name": "Doppelt", "amount": "1"},
        {"booking_key": "531", "name": "Negativ", "amount": "-1"},
        {"booking_key": "532", "name": "", "amount": "zwölf"},
    ):
        refused = client.post(url, wrong, "application/json", HTTP_ACCEPT_LANGUAGE="de")
        assert refused.status_code == 400 and refused.json()["errors"]
    assert Fee.objects.filter(booking_key__in=["531", "532"]).count() == 0
    assert client.post(url, b"[", "application/json").status_code == 400
    assert client.get(url).status_code == 405
    clerk = UserFactory(role=roles.CLERK, org_unit=design.office)
    client.force_login(clerk)
    fee = {"booking_key": "533", "name": "x", "amount": "1"}
    denied = client.post(url, fee, "application/json")
    assert denied.status_code in (302, 403)  # Wagtail's admin: back to the dashboard
    assert not Fee.objects.filter(booking_key="533").exists()


def test_the_person_picker_finds_staff_by_name(design, client):
    from portal_site.accounts.models import User

    client.force_login(User.objects.filter(is_superuser=True).first())
    clerk = User.objects.filter(org_unit__isnull=False, is_active=True).exclude(last_name="")[0]
    url = "/admin/prozesse/personen/"
    found = dict(client.get(url, {"q": clerk.last_name[:4]}).json()["people"])
    assert clerk.username in found and clerk.last_name in found[clerk.username]
    both = dict(client.get(url, {"q": f"{clerk.first_name} {clerk.last_name}"}).json()["people"])
    assert clerk.username in both
    assert client.get(url, {"q": "x"}).json() == {"people": []}  # two letters at least
    assert client.get(url, {"q": "zz-nobody-zz"}).json() == {"people": []}
    assert len(client.get(url, {"q": "e" * 5000}).json()["people"]) == 0


def test_the_insert_menus_offer_the_invoice_only_after_a_fee():
    from flows.designer.canvas_views import placeholders

    after = {p["name"]: p["after"] for p in placeholders()}
    assert after["invoice_reference"] == after["invoice_total"] == "fee"
    assert after["resource"] == "reserve" and after["case_number"] == ""

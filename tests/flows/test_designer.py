"""The workflow designer: checked drafts, frozen versions, the interpreter on the step model."""

from __future__ import annotations

import copy
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows import selectors, workspace
from flows.designer import sharing
from flows.designer.check import problems
from flows.designer.definition import holds
from flows.designer.flow import DesignedFlow, retry
from flows.designer.models import ProcessDesign, ProcessDesignVersion, draft_from
from flows.designer.services import publish
from flows.designer.sharing import install_library
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import CaseStatus, TimelineEntry
from portal_site.cases.processes import of_cases
from portal_site.processes import process_choices, start_process
from tests.factories import case_for
from tests.flows.test_charts import end_reached

pytestmark = pytest.mark.django_db(transaction=True)

TRAUINFO = json.loads((sharing.LIBRARY / "trauinfo.json").read_text(encoding="utf-8"))


@pytest.fixture
def library(staff):
    """The offices and logins (factories) and the shipped designs, published."""
    install_library()
    return staff


def definition(**changes) -> dict:
    data = {"inputs": copy.deepcopy(TRAUINFO["inputs"]), "steps": copy.deepcopy(TRAUINFO["steps"])}
    data.update(changes)
    return data


def step(data: dict, step_id: str) -> dict:
    return next(s for s in data["steps"] if s["id"] == step_id)


def test_the_shipped_definitions_pass_the_check(staff):
    from flows.designer.demo import load_fees

    load_fees()  # Sperrmüllanmeldung charges the demo city's fee (booking key 520)
    for path in sharing.LIBRARY.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert problems(data) == [], path.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: step(d, "welche_antwort").update(default=""), "„welche_antwort“ hat keinen"),
        (lambda d: step(d, "pruefen").update(next="fehlt"), "„fehlt“, den es nicht gibt"),
        (
            lambda d: d["steps"].append({"kind": "end", "id": "vergessen", "outcome": "completed"}),
            "„vergessen“ ist vom ersten Schritt aus nicht erreichbar",
        ),
        (
            lambda d: step(d, "antwort_ersatz").update(body="Hallo {vorname}"),
            "Platzhalter {vorname}",
        ),
        (
            lambda d: step(d, "auslaendisch")["conditions"][0].update(source="heimatland"),
            "„heimatland“",
        ),
        (
            lambda d: step(d, "welche_antwort")["conditions"][0].update(value="vielleicht"),
            "„vielleicht“",
        ),
        (
            lambda d: step(d, "antwort_termin").update(next="pruefen"),
            "erreicht nie ein Ende",
        ),
    ],
    ids=["no-default", "unknown-next", "unreachable", "placeholder", "input", "decision", "loop"],
)
def test_the_check_names_the_step_in_german(change, message):
    data = definition()
    change(data)
    if message == "erreicht nie ein Ende":  # the loop: no step of it reaches an end any more
        step(data, "antwort_ersatz").update(next="pruefen")
    assert any(message in problem for problem in problems(data)), problems(data)


def test_conditions_come_from_a_fixed_menu_and_never_run_code():
    condition = {"source": "anzahl", "operator": "greater", "value": "3"}
    assert holds(condition, decisions={}, inputs={"anzahl": "4"})
    assert not holds(condition, decisions={}, inputs={"anzahl": "__import__('os')"})
    one_of = {"source": "decision:x", "operator": "one_of", "value": "a, b"}
    assert holds(one_of, decisions={"x": "b"}, inputs={})
    assert holds({"source": "n", "operator": "empty", "value": ""}, decisions={}, inputs={})


def test_a_draft_saves_with_its_problems_and_only_publishing_refuses_them(library, client):
    from flows.designer.services import publish

    sharing.import_design({**TRAUINFO, "key": "probe"})
    design = ProcessDesign.objects.get(key="probe")
    design.steps = json.dumps(
        [{"type": "task", "value": {**step(definition(), "pruefen"), "next": "nirgends"}}]
    )
    design.full_clean()  # half-done work can be parked
    design.save()
    assert any("nirgends" in problem for problem in design.problems())
    with pytest.raises(ValidationError) as error:
        publish(design=design)
    assert any("nirgends" in message for message in error.value.messages)
    assert not design.versions.exists()

    client.force_login(User.objects.get(username="administration"))
    data = _emptied(client, design)
    saved = client.post(f"/admin/prozesse/edit/{design.pk}/", data, follow=True)
    design.refresh_from_db()
    assert design.definition()["steps"] == []  # saved, although it has no steps now
    assert "Gespeichert mit 1 Problem" in saved.content.decode()


def _emptied(client, design) -> dict:
    """The edit form's data with every step and input taken out."""
    form = client.get(f"/admin/prozesse/edit/{design.pk}/").context["form"]
    data = {
        key: value
        for key, value in form.initial.items()
        if not isinstance(value, (list, dict)) and value is not None
    }
    data.update({"office": design.office_id, "steps-count": "0", "inputs-count": "0"})
    return data


def trauinfo_case(nationality: str = "beide deutsch"):
    inputs = {"wunschtermin": "2027-05-14", "staatsangehoerigkeit": nationality}
    case = case_for(
        "gestaltet-trauinfo",
        office=None,
        values=inputs,
        inputs=inputs,
        applicant_name="Erika Musterfrau",
        applicant_email="erika@example.org",
    )
    start_process(key="gestaltet-trauinfo", case=case)
    case.refresh_from_db()
    return case


def test_the_library_is_published_and_offered_to_forms(library):
    keys = {key for key, _label in process_choices()}
    assert {"gestaltet-trauinfo", "gestaltet-wiederbesetzung"} <= keys
    assert ProcessDesignVersion.objects.filter(design__key="trauinfo", number=1).exists()


def test_a_designed_case_runs_through_task_branch_and_mail_like_a_coded_one(library):
    case = trauinfo_case()
    assert case.office.short_name == "34" and case.status == CaseStatus.IN_PROGRESS
    clerk = User.objects.get(username="standesamt")
    [task] = selectors.queue_tasks(user=clerk)  # the office's queue, as for coded processes
    assert not selectors.queue_tasks(user=User.objects.get(username="stadtarchiv"))
    workspace.claim_task(task_id=task.pk, user=clerk)
    mail.outbox.clear()
    workspace.complete_step(task_id=task.pk, user=clerk, data={"decision": "termin"})
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and end_reached(case) == "end"
    [answer] = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert answer.subject == "Ihre Eheschließung: Termin 14.05.2027"  # as people write it
    assert case.timeline.filter(kind=TimelineEntry.Kind.DECISION).exists()


def test_a_case_keeps_the_version_it_started_on(library):
    design = ProcessDesign.objects.get(key="trauinfo")
    case = trauinfo_case()
    changed = design.definition()
    step(changed, "antwort_termin")["subject"] = "Neu: {case_number}"
    design.steps = json.dumps(
        [
            {"type": s["kind"], "value": {k: v for k, v in s.items() if k != "kind"}}
            for s in changed["steps"]
        ]
    )
    design.save()
    assert publish(design=design).number == 2
    assert publish(design=design).number == 2  # nothing changed since: no new number
    clerk = User.objects.get(username="standesamt")
    task = selectors.open_task_for_case(case=case)
    workspace.claim_task(task_id=task.pk, user=clerk)
    mail.outbox.clear()
    workspace.complete_step(task_id=task.pk, user=clerk, data={"decision": "termin"})
    assert [m.subject for m in mail.outbox] == ["Ihre Eheschließung: Termin 14.05.2027"]
    assert trauinfo_case().number  # a new case runs on version 2


def test_a_definition_error_at_run_time_keeps_the_case_waiting_for_a_retry(library, client):
    design = ProcessDesign.objects.get(key="trauinfo")
    broken = definition()
    step(broken, "eingang")["next"] = "gibt_es_nicht"  # past the check, as an old version might
    ProcessDesignVersion.objects.create(design=design, number=9, definition=broken)
    case = trauinfo_case()
    waiting = Task.objects.get(
        of_cases(case.pk), flow_task=DesignedFlow.instance.node("failed"), status=STATUS.NEW
    )
    assert waiting and case.timeline.filter(message__contains="gibt_es_nicht").exists()
    client.force_login(User.objects.get(username="standesamt"))
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    assert "gibt_es_nicht" in page and "Erneut ausführen" in page
    version = ProcessDesignVersion.objects.get(design=design, number=9)
    version.definition = definition()
    version.save()
    client.force_login(User.objects.get(username="stadtarchiv"))  # another office: no
    assert client.post(f"/admin/vorgaenge/{case.number}/wiederholen/").status_code in (302, 403)
    assert selectors.open_task_for_case(case=case) is None
    client.force_login(User.objects.get(username="standesamt"))
    client.post(f"/admin/vorgaenge/{case.number}/wiederholen/")
    assert selectors.open_task_for_case(case=case) is not None  # on to the clerk's task
    assert not retry(case)  # nothing waits any more


def test_export_and_import_carry_a_definition_to_another_installation(library):
    design = ProcessDesign.objects.get(key="wiederbesetzung")
    shared = sharing.export_design(design)
    copy_ = sharing.import_design({**shared, "key": "wiederbesetzung-kopie"})
    assert copy_.definition()["steps"] == design.definition()["steps"]
    with pytest.raises(ValidationError, match="gibt es hier nicht|does not exist"):
        sharing.import_design({**shared, "office": "99.9"})


def test_staff_edit_and_publish_in_the_admin(library, client):
    client.force_login(User.objects.get(username="administration"))
    assert client.get("/admin/prozesse/").status_code == 200
    design = ProcessDesign.objects.get(key="trauinfo")
    assert client.get(f"/admin/prozesse/edit/{design.pk}/").status_code == 200
    page = client.get(f"/admin/prozesse/{design.pk}/veroeffentlichen/").content.decode()
    assert "gestaltet-trauinfo" in page
    client.post(f"/admin/prozesse/{design.pk}/veroeffentlichen/")
    assert design.versions.count() == 1  # unchanged draft: no new version
    client.force_login(User.objects.get(username="sachbearbeitung"))
    assert client.get(f"/admin/prozesse/{design.pk}/veroeffentlichen/").status_code in (302, 403)
    assert OrgUnit.objects.filter(short_name="34").exists()


def test_the_diagram_shows_the_steps_and_marks_where_the_case_stands(library, client):
    import base64
    import os
    import re
    import shutil

    if shutil.which("dot") is None:  # Graphviz: apt-get install graphviz
        if os.environ.get("CI"):
            pytest.fail("Graphviz (dot) is missing")
        pytest.skip("Graphviz (dot) is not installed")

    case = trauinfo_case()
    client.force_login(User.objects.get(username="standesamt"))
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    [image] = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    svg = base64.b64decode(image).decode()
    assert "Anfrage prüfen und Termin vorschlagen" in svg and "ist gleich" in svg
    assert 'stroke="#c4001a"' in svg  # the current step: the registry office's task
    assert 'aria-current="step"' in page and "aktueller Schritt" in page
    client.force_login(User.objects.get(username="administration"))
    design = ProcessDesign.objects.get(key="trauinfo")
    assert (
        "data:image/svg+xml"
        in client.get(f"/admin/prozesse/{design.pk}/veroeffentlichen/").content.decode()
    )


def test_without_graphviz_the_case_shows_the_steps_as_a_list(library, client, monkeypatch):
    import graphviz

    def missing(*args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot",))

    monkeypatch.setattr(graphviz.Digraph, "pipe", missing)
    case = trauinfo_case()
    client.force_login(User.objects.get(username="standesamt"))
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    assert "data:image/svg+xml" not in page and 'aria-current="step"' in page


def test_bpmn_export_comes_back_whole_and_foreign_elements_are_named():
    from defusedxml import ElementTree

    from flows.designer.bpmn import BPMN, BpmnError, export_bpmn
    from flows.designer.bpmn_import import import_bpmn

    data = definition()
    xml = export_bpmn(key="trauinfo", name="Trauinfo", definition=data)
    root = ElementTree.fromstring(xml)
    assert root.tag == f"{{{BPMN}}}definitions"
    kinds = [element.tag.split("}")[1] for element in root[0]]
    count = [s["kind"] for s in data["steps"]].count
    assert kinds.count("userTask") == count("task") == 1
    assert kinds.count("exclusiveGateway") == count("branch") == 4
    assert kinds.count("endEvent") == 1 and kinds.count("serviceTask") == 6
    gateway = root[0].find(f"{{{BPMN}}}exclusiveGateway[@id='welche_antwort']")
    assert gateway.get("default") == "flow_welche_antwort_default"
    back = import_bpmn(xml)
    assert back["name"] == "Trauinfo" and back["steps"][0]["id"] == "eingang"
    assert [(s["kind"], s["id"]) for s in back["steps"]] == [
        (s["kind"], s["id"]) for s in data["steps"]
    ]
    assert step(back, "welche_antwort") == step(data, "welche_antwort")
    assert step(back, "pruefen")["decisions"] == step(data, "pruefen")["decisions"]
    assert step(back, "pruefen")["assignee"] == "office"
    assert step(back, "antwort_termin")["body"] == step(data, "antwort_termin")["body"]
    assert problems({"inputs": data["inputs"], "steps": back["steps"]}) == []

    foreign = xml.replace(b"bpmn:exclusiveGateway", b"bpmn:subProcess")
    with pytest.raises(BpmnError, match="Teilprozess"):
        import_bpmn(foreign)
    with pytest.raises(BpmnError):
        import_bpmn(b"<nicht-bpmn/>")


def test_processes_are_shared_through_the_admin_as_json_and_bpmn(library, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(User.objects.get(username="administration"))
    design = ProcessDesign.objects.get(key="wiederbesetzung")
    exported = client.get(f"/admin/prozesse/{design.pk}/export.json")
    assert exported["Content-Disposition"].endswith('prozess-wiederbesetzung.json"')
    data = json.loads(exported.content)
    data["key"] = "wiederbesetzung-nord"
    upload = SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")
    response = client.post("/admin/prozesse/importieren/", {"file": upload})
    copy_ = ProcessDesign.objects.get(key="wiederbesetzung-nord")
    assert response.status_code == 302 and copy_.definition()["steps"] == data["steps"]

    bpmn = client.get(f"/admin/prozesse/{design.pk}/export.bpmn").content
    without_office = client.post(
        "/admin/prozesse/importieren/", {"file": SimpleUploadedFile("p.bpmn", bpmn)}
    )
    assert "zuständige Stelle" in without_office.content.decode()
    office = OrgUnit.objects.get(short_name="10.3")
    client.post(
        "/admin/prozesse/importieren/",
        {"file": SimpleUploadedFile("p.bpmn", bpmn), "office": office.pk},
    )
    imported = ProcessDesign.objects.exclude(pk__in=[design.pk, copy_.pk]).get(name=design.name)
    assert imported.definition()["steps"] == design.definition()["steps"]
    broken = client.post(
        "/admin/prozesse/importieren/",
        {"file": SimpleUploadedFile("p.json", b"{kaputt"), "office": office.pk},
    )
    assert broken.status_code == 200 and "kein lesbares JSON" in broken.content.decode()
    assert client.get(f"/admin/prozesse/{design.pk}/export.exe").status_code == 404
    client.force_login(User.objects.get(username="standesamt"))
    assert client.get(f"/admin/prozesse/{design.pk}/export.json").status_code in (302, 403)


def _task(step_id, next_step, **assignment):
    return {
        "kind": "task",
        "id": step_id,
        "title": f"Aufgabe {step_id}",
        "instructions": "",
        "decisions": [{"value": "ok", "label": "In Ordnung"}],
        "days": None,
        "next": next_step,
        **assignment,
    }


def test_tasks_go_to_the_office_an_earlier_clerk_or_a_named_person(library):
    data = {
        "format": sharing.FORMAT,
        "key": "zustaendigkeit",
        "name": "Zuständigkeiten",
        "office": "34",
        "inputs": [],
        "steps": [
            _task("erfassen", "nachfassen", assignee="office"),
            _task("nachfassen", "freigeben", assignee="earlier_clerk", earlier_task="erfassen"),
            _task("freigeben", "ende", assignee="person", person="abteilungsleitung"),
            {"kind": "end", "id": "ende", "outcome": "completed"},
        ],
    }
    publish(design=sharing.import_design(data))
    case = case_for("gestaltet-zustaendigkeit", office=None, values={}, inputs={})
    start_process(key="gestaltet-zustaendigkeit", case=case)
    clerk, head = (
        User.objects.get(username="standesamt"),
        User.objects.get(username="abteilungsleitung"),
    )
    [first] = selectors.queue_tasks(user=clerk)
    workspace.claim_task(task_id=first.pk, user=clerk)
    workspace.complete_step(task_id=first.pk, user=clerk, data={"decision": "ok"})
    [second] = selectors.my_tasks(user=clerk)  # the same clerk again, without the queue
    workspace.complete_step(task_id=second.pk, user=clerk, data={"decision": "ok"})
    [third] = selectors.my_tasks(user=head)
    assert selectors.can_see_case(user=head, case=case)
    workspace.complete_step(task_id=third.pk, user=head, data={"decision": "ok"})
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED

    data["steps"][2]["person"] = "gibt-es-nicht"
    with pytest.raises(ValidationError, match="gibt-es-nicht"):
        sharing.import_design({**data, "key": "zustaendigkeit-2"})


def test_a_wait_step_holds_the_case_until_its_day_and_the_periodic_job_goes_on(library):
    from datetime import timedelta

    from django.utils import timezone

    from flows.designer.bpmn import export_bpmn
    from flows.designer.bpmn_import import import_bpmn
    from flows.designer.flow import resume_waits
    from portal_site.core.periodic import periodic_jobs

    data = {
        "format": sharing.FORMAT,
        "key": "wiedervorlage",
        "name": "Wiedervorlage",
        "office": "34",
        "inputs": [{"name": "termin", "label": "Termin", "kind": "date", "required": True}],
        "steps": [
            {"kind": "wait", "id": "drei_tage", "days": 3, "until_input": "", "next": "bis_termin"},
            {
                "kind": "wait",
                "id": "bis_termin",
                "days": None,
                "until_input": "termin",
                "next": "ende",
            },
            {"kind": "end", "id": "ende", "outcome": "completed"},
        ],
    }
    assert problems({**data, "steps": [{**data["steps"][0], "until_input": "termin"}]})
    back = import_bpmn(export_bpmn(key="w", name="W", definition=data))
    assert [(s["kind"], s.get("days"), s.get("until_input")) for s in back["steps"]] == [
        ("wait", 3, ""),
        ("wait", None, "termin"),
        ("end", None, None),
    ]
    publish(design=sharing.import_design(data))
    termin = timezone.localdate() + timedelta(days=10)
    case = case_for(
        "gestaltet-wiedervorlage", office=None, values={}, inputs={"termin": termin.isoformat()}
    )
    start_process(key="gestaltet-wiedervorlage", case=case)
    assert "flows.designer.resume_waits" in periodic_jobs()
    assert resume_waits() == 0  # not due yet
    node = DesignedFlow.instance.node("waiting")
    waiting = Task.objects.get(of_cases(case.pk), flow_task=node, status=STATUS.SCHEDULED)
    # viewflow's own timer, due at the start of the day three days from now
    assert waiting.flow_task_type == "TIMER"
    in_three_days = timezone.localdate() + timedelta(days=3)
    assert timezone.localtime(waiting.scheduled).date() == in_three_days
    assert timezone.localtime(waiting.scheduled).hour == 0

    def three_days_later(task) -> None:
        task.scheduled = timezone.now() - timedelta(seconds=1)
        task.save(update_fields=["scheduled"])
        task.process.data["wait_until"] = timezone.localdate().isoformat()
        task.process.save(update_fields=["data"])

    three_days_later(waiting)
    assert resume_waits() == 1  # on to the second wait, until the input's date
    case.refresh_from_db()
    assert (
        end_reached(case) == ""
        and case.timeline.filter(message__contains=termin.strftime("%d.%m.%Y")).exists()
    )
    waiting = Task.objects.get(of_cases(case.pk), flow_task=node, status=STATUS.SCHEDULED)
    assert timezone.localtime(waiting.scheduled).date() == termin
    three_days_later(waiting)
    assert resume_waits() == 1
    assert resume_waits() == 0  # fired once
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and end_reached(case) == "end"


def test_a_wait_begun_before_waits_were_timers_is_scheduled_after_the_upgrade(library):
    """An open wait of the old kind (a HANDLE task the periodic job polled) becomes a
    viewflow timer on its day when the setup step runs, and then fires like any other."""
    from datetime import timedelta

    from django.utils import timezone

    from flows.designer.flow import resume_waits, schedule_untimed_waits

    data = {
        "format": sharing.FORMAT,
        "key": "altwarten",
        "name": "Altes Warten",
        "office": "34",
        "inputs": [],
        "steps": [
            {"kind": "wait", "id": "warten", "days": 2, "until_input": "", "next": "ende"},
            {"kind": "end", "id": "ende", "outcome": "completed"},
        ],
    }
    publish(design=sharing.import_design(data))
    case = case_for("gestaltet-altwarten", office=None, values={}, inputs={})
    start_process(key="gestaltet-altwarten", case=case)
    node = DesignedFlow.instance.node("waiting")
    task = Task.objects.get(of_cases(case.pk), flow_task=node)
    # as the old flow left it: a HANDLE task waiting, its day only in the process's data
    task.flow_task_type, task.status, task.scheduled = "HANDLE", STATUS.NEW, None
    task.save()
    assert schedule_untimed_waits() == 1
    assert schedule_untimed_waits() == 0  # once
    task.refresh_from_db()
    assert task.status == STATUS.SCHEDULED
    assert timezone.localtime(task.scheduled).date() == timezone.localdate() + timedelta(days=2)
    task.scheduled = timezone.now() - timedelta(seconds=1)
    task.save(update_fields=["scheduled"])
    task.process.data["wait_until"] = timezone.localdate().isoformat()
    task.process.save(update_fields=["data"])
    assert resume_waits() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_a_designer_composes_the_processes_of_their_own_office_only(library, client):
    from portal_site.accounts import roles
    from tests.factories import UserFactory

    registry_office = OrgUnit.objects.get(short_name="34")
    designer = UserFactory(role=roles.PROCESS_DESIGNER, org_unit=registry_office)
    client.force_login(designer)
    own = ProcessDesign.objects.get(key="trauinfo")
    other = ProcessDesign.objects.get(key="wiederbesetzung")
    listing = client.get("/admin/prozesse/").content.decode()
    assert own.name in listing and other.name not in listing
    assert client.get(f"/admin/prozesse/edit/{own.pk}/").status_code == 200
    assert client.get(f"/admin/prozesse/edit/{other.pk}/").status_code == 404
    assert client.get(f"/admin/prozesse/{other.pk}/veroeffentlichen/").status_code == 404
    assert client.get(f"/admin/prozesse/{other.pk}/export.json").status_code == 404
    new = client.get("/admin/prozesse/new/")
    offices = new.context["form"].fields["office"].queryset
    assert list(offices) == [registry_office]
    # a design with published versions stays: cases point to them
    client.post(f"/admin/prozesse/delete/{own.pk}/")
    assert ProcessDesign.objects.filter(pk=own.pk).exists()
    assert client.get(f"/admin/prozesse/delete/{other.pk}/").status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"format": sharing.FORMAT, "office": "34", "steps": [1, "x"]}),
        json.dumps({"format": sharing.FORMAT, "office": "34", "steps": [{"kind": "task"}]}),
        json.dumps({**TRAUINFO, "key": None}),
        json.dumps({**TRAUINFO, "key": "../böse key mit leerzeichen"}),
        json.dumps({**TRAUINFO, "key": "x" * 300, "name": "n" * 500}),
        json.dumps({**TRAUINFO, "steps": {"nicht": "eine liste"}}),
        json.dumps([1, 2]),
    ],
    ids=["numbers", "no-id", "no-key", "bad-key", "too-long", "dict", "list"],
)
def test_a_malformed_shared_file_is_refused_with_a_message_never_a_500(library, client, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(User.objects.get(username="administration"))
    before = ProcessDesign.objects.count()
    response = client.post(
        "/admin/prozesse/importieren/",
        {"file": SimpleUploadedFile("p.json", content.encode())},
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert ProcessDesign.objects.count() == before


def test_a_malformed_bpmn_file_is_refused_with_a_message_never_a_500(library, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from flows.designer.bpmn import export_bpmn

    xml = export_bpmn(key="trauinfo", name="Trauinfo", definition=definition())
    broken = xml.replace(b'sp:days="5"', b'sp:days="five"')
    client.force_login(User.objects.get(username="administration"))
    office = OrgUnit.objects.get(short_name="34")
    response = client.post(
        "/admin/prozesse/importieren/",
        {"file": SimpleUploadedFile("p.bpmn", broken), "office": office.pk},
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_the_version_history_says_what_changed_and_restores_an_old_version(library, client):
    client.force_login(User.objects.get(username="administration"))
    design = ProcessDesign.objects.get(key="trauinfo")
    first = design.definition()
    changed = copy.deepcopy(first)
    step(changed, "pruefen")["title"] = "Anfrage prüfen"
    changed["steps"] = [s for s in changed["steps"] if s["id"] != "hinweis_extern"]
    step(changed, "ort_pruefen")["conditions"][0]["next"] = "pruefen"
    draft_from(design, changed)
    design.save()
    page = client.get(f"/admin/prozesse/{design.pk}/veroeffentlichen/").content.decode()
    assert "Schritt „pruefen“ geändert: title." in page
    assert "Schritt „hinweis_extern“ entfernt." in page
    client.post(f"/admin/prozesse/{design.pk}/veroeffentlichen/")
    assert design.versions.count() == 2

    response = client.post(f"/admin/prozesse/{design.pk}/versionen/1/wiederherstellen/")
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.definition()["steps"] == first["steps"]
    assert design.versions.count() == 2  # restoring changes the draft only
    client.post(f"/admin/prozesse/{design.pk}/veroeffentlichen/")
    assert design.latest_version().number == 3
    assert (
        client.post(f"/admin/prozesse/{design.pk}/versionen/9/wiederherstellen/").status_code == 404
    )
    client.force_login(User.objects.get(username="stadtarchiv"))
    denied = client.post(f"/admin/prozesse/{design.pk}/versionen/1/wiederherstellen/")
    assert denied.status_code in (302, 403)


def test_the_edit_form_draws_the_diagram_of_what_is_being_edited(library, client):
    client.force_login(User.objects.get(username="administration"))
    design = ProcessDesign.objects.get(key="trauinfo")
    page = client.get(f"/admin/prozesse/edit/{design.pk}/").content.decode()
    assert 'id="designer-diagram"' in page and "designer-diagram.js" in page
    import shutil

    if shutil.which("dot"):  # without Graphviz: the check's result only
        assert "data:image/svg+xml;base64," in page
    data = _emptied(client, design)
    response = client.post(f"/admin/prozesse/{design.pk}/vorschau/", data)
    assert response.status_code == 200
    assert "Der Prozess hat keine Schritte." in response.json()["problems"]
    design.refresh_from_db()
    assert design.definition()["steps"]  # nothing saved


def test_the_bpmn_export_carries_a_drawing_modelling_tools_can_show(staff):
    from defusedxml import ElementTree

    from flows.designer.bpmn import BPMN, BPMNDI, DC, export_bpmn
    from flows.designer.bpmn_import import import_bpmn

    data = json.loads((sharing.LIBRARY / "wiederbesetzung.json").read_text(encoding="utf-8"))
    xml = export_bpmn(key="w", name="W", definition=data)
    root = ElementTree.fromstring(xml)
    process = root.find(f"{{{BPMN}}}process")
    nodes = [e.get("id") for e in process if not e.tag.endswith("sequenceFlow")]
    flows = [e.get("id") for e in process if e.tag.endswith("sequenceFlow")]
    plane = root.find(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    assert plane.get("bpmnElement") == process.get("id")
    shapes = {s.get("bpmnElement"): s for s in plane.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in plane.iter(f"{{{BPMNDI}}}BPMNEdge")}
    assert set(shapes) == set(nodes) and set(edges) == set(flows)
    boxes = []
    for shape in shapes.values():
        bounds = shape.find(f"{{{DC}}}Bounds")
        x, y, w, h = (float(bounds.get(k)) for k in ("x", "y", "width", "height"))
        assert w > 0 and x >= 0 and y >= 0
        boxes.append((x, y, x + w, y + h))
    for number, (x1, y1, x2, y2) in enumerate(boxes):  # no two shapes overlap
        for a1, b1, a2, b2 in boxes[number + 1 :]:
            assert x2 <= a1 or a2 <= x1 or y2 <= b1 or b2 <= y1
    assert all(len(list(edge)) >= 2 for edge in edges.values())
    assert [s["id"] for s in import_bpmn(xml)["steps"]] == [s["id"] for s in data["steps"]]


def test_the_diagram_marks_the_steps_the_check_names(staff):
    from flows.designer.diagram import dot_source, failing_steps

    data = definition()
    step(data, "pruefen").update(assignee="role", role="")  # a role, but none chosen
    found = problems(data)
    assert failing_steps(data, found) == {"pruefen"}
    source = dot_source(data, failing=failing_steps(data, found)).source
    marked = [line for line in source.splitlines() if line.strip().startswith("pruefen [")]
    assert marked and "dashed" in marked[0] and "⚠" in marked[0]
    others = [line for line in source.splitlines() if "⚠" in line]
    assert others == marked  # only the failing step

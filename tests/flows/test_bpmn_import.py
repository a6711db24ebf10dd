"""BPMN from other modelling tools comes in whole or is refused by name, never cut
silently (flows/designer/bpmn_import.py); every export is valid against OMG's BPMN 2.0
schema, carries its drawing without Graphviz, and comes back the same
(flows/designer/bpmn.py, bpmn_layout.py, bpmn_schema.py).

The foreign files are real ones: the BPMN MIWG reference files and processes of
camunda-bpm-examples (tests/data/bpmn, with their licences)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from defusedxml import ElementTree

from flows.designer import sharing
from flows.designer.bpmn import BPMN, BpmnError, export_bpmn
from flows.designer.bpmn_import import ChoosePool, import_bpmn, pools
from flows.designer.bpmn_schema import validate
from flows.designer.check import problems

FILES = sorted((Path(__file__).parent.parent / "data" / "bpmn").rglob("*.bpmn"))
KEPT = {"start", "joined", "arrow", "note", "lane"}  # besides the ids of steps


def _process(content: bytes, pool_id: str):
    root = ElementTree.fromstring(content)
    return next(p for p in root.iter(f"{{{BPMN}}}process") if p.get("id") == pool_id)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_element_of_every_pool_is_taken_or_named(path):
    content = path.read_bytes()
    found = pools(content)
    assert found, "every file here has at least one pool"
    for pool in found:
        try:
            result = import_bpmn(content, pool=pool.id)
        except BpmnError as refusal:
            assert "„" in str(refusal)  # names the elements it could not take
            continue
        step_ids = {step["id"] for step in result["steps"]}
        for element in _process(content, pool.id):
            local = element.tag.rsplit("}", 1)[-1]
            if not element.get("id") or local in ("documentation", "extensionElements"):
                continue
            fate = result["ledger"].get(element.get("id"))
            assert fate in step_ids or fate in KEPT, f"{local} {element.get('id')} went missing"
        arrows = [e for e in _process(content, pool.id) if e.tag == f"{{{BPMN}}}sequenceFlow"]
        assert all(result["ledger"][arrow.get("id")] == "arrow" for arrow in arrows)
        if len(found) > 1:
            assert any(other.name in " ".join(result["notes"]) for other in found if other != pool)


def test_a_file_with_several_pools_asks_which_one():
    content = next(p for p in FILES if p.name == "A.4.0.bpmn").read_bytes()
    with pytest.raises(ChoosePool) as asked:
        import_bpmn(content)
    assert len(asked.value.pools) == 2
    taken = import_bpmn(content, pool=asked.value.pools[0].id)
    assert any(asked.value.pools[1].name in note for note in taken["notes"])
    with pytest.raises(BpmnError):
        import_bpmn(content, pool="gibt-es-nicht")


def _camunda(name: str) -> bytes:
    return next(p for p in FILES if p.name == name).read_bytes()


def test_a_service_task_of_another_tool_is_a_step_to_complete_that_blocks_publishing():
    result = import_bpmn(_camunda("rest-service.bpmn"))
    open_steps = [s for s in result["steps"] if s.get("to_complete")]
    assert open_steps and all(s["kind"] == "task" for s in open_steps)  # never an empty e-mail
    assert not any(s["kind"] == "email" for s in result["steps"])
    found = problems({"inputs": [], "steps": result["steps"]})
    assert any("noch zu vervollständigen" in problem for problem in found)


def test_events_the_model_has_are_mapped_and_the_others_are_named():
    message_start = import_bpmn(_camunda("message-start.bpmn"))
    assert any("Nachricht" in note for note in message_start["notes"])
    with pytest.raises(BpmnError, match="Aufrufaktivität"):
        import_bpmn(_camunda("call-activity.bpmn"))
    with pytest.raises(BpmnError, match="angeheftetes Ereignis"):
        import_bpmn(_camunda("invoice-payment.bpmn"))


def _file(body: str, lanes: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{BPMN}" targetNamespace="urn:test">
  <process id="sperrmuell" name="Sperrmüll">{lanes}{body}</process>
</definitions>""".encode()


def test_timers_links_merges_and_milestones_run_through_or_become_waits():
    content = _file(
        """
      <startEvent id="los"/>
      <sequenceFlow id="f1" sourceRef="los" targetRef="pruefen"/>
      <userTask id="pruefen" name="Prüfen"/>
      <sequenceFlow id="f2" sourceRef="pruefen" targetRef="warten"/>
      <intermediateCatchEvent id="warten"><timerEventDefinition>
        <timeDuration>P2W</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <sequenceFlow id="f3" sourceRef="warten" targetRef="sprung"/>
      <intermediateThrowEvent id="sprung" name="weiter"><linkEventDefinition/>
      </intermediateThrowEvent>
      <intermediateCatchEvent id="ziel" name="weiter"><linkEventDefinition/>
      </intermediateCatchEvent>
      <sequenceFlow id="f4" sourceRef="ziel" targetRef="meilenstein"/>
      <intermediateThrowEvent id="meilenstein" name="Geprüft"/>
      <sequenceFlow id="f5" sourceRef="meilenstein" targetRef="zusammen"/>
      <exclusiveGateway id="zusammen"/>
      <sequenceFlow id="f6" sourceRef="zusammen" targetRef="ende"/>
      <endEvent id="ende"><terminateEventDefinition/></endEvent>"""
    )
    result = import_bpmn(content)
    assert [(s["kind"], s["id"], s.get("next", "")) for s in result["steps"]] == [
        ("task", "pruefen", "warten"),
        ("wait", "warten", "ende"),
        ("end", "ende", ""),
    ]
    assert result["steps"][1]["days"] == 14
    assert any("Meilenstein" in note for note in result["notes"])
    hourly = content.replace(b"P2W", b"PT3H")
    with pytest.raises(BpmnError, match="PT3H"):
        import_bpmn(hourly)


def test_several_arrows_out_of_a_task_or_a_long_parallel_branch_are_refused_by_name():
    forked = _file(
        """
      <startEvent id="los"/><sequenceFlow id="f1" sourceRef="los" targetRef="a"/>
      <task id="a" name="Annehmen"/>
      <sequenceFlow id="f2" sourceRef="a" targetRef="e1"/>
      <sequenceFlow id="f3" sourceRef="a" targetRef="e2"/>
      <endEvent id="e1"/><endEvent id="e2"/>"""
    )
    with pytest.raises(BpmnError, match="Annehmen"):
        import_bpmn(forked)
    long_branch = _file(
        """
      <startEvent id="los"/><sequenceFlow id="f1" sourceRef="los" targetRef="split"/>
      <parallelGateway id="split"/>
      <sequenceFlow id="f2" sourceRef="split" targetRef="a"/>
      <sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
      <userTask id="a"/><userTask id="b"/><userTask id="c"/>
      <sequenceFlow id="f4" sourceRef="a" targetRef="c"/>
      <sequenceFlow id="f5" sourceRef="c" targetRef="join"/>
      <sequenceFlow id="f6" sourceRef="b" targetRef="join"/>
      <parallelGateway id="join"/>
      <sequenceFlow id="f7" sourceRef="join" targetRef="e"/><endEvent id="e"/>"""
    )
    with pytest.raises(BpmnError, match="paralleler Zweig"):
        import_bpmn(long_branch)


@pytest.mark.django_db
def test_lanes_name_who_does_each_task(staff):
    from portal_site.accounts.models import OrgUnit

    office = OrgUnit.objects.get(short_name="34")
    other = OrgUnit.objects.exclude(pk=office.pk).first()
    lanes = f"""
      <laneSet id="ls"><lane id="l1" name="{office.name}"><flowNodeRef>a</flowNodeRef></lane>
        <lane id="l2" name="{other.name}"><flowNodeRef>b</flowNodeRef></lane>
        <lane id="l3" name="Hausmeisterei"><flowNodeRef>c</flowNodeRef></lane></laneSet>"""
    content = _file(
        """
      <startEvent id="los"/><sequenceFlow id="f1" sourceRef="los" targetRef="a"/>
      <userTask id="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
      <userTask id="b"/><sequenceFlow id="f3" sourceRef="b" targetRef="c"/>
      <userTask id="c"/><sequenceFlow id="f4" sourceRef="c" targetRef="e"/><endEvent id="e"/>
      <textAnnotation id="hinweis"><text>Nur werktags</text></textAnnotation>""",
        lanes,
    )
    result = import_bpmn(content, who=lambda lane: sharing.lane_assignment(lane, office))
    a, b, c = result["steps"][:3]
    assert a["assignee"] == "office" and not a.get("to_complete")
    assert (b["assignee"], b["office"]) == ("other_office", other.short_name)
    assert "Hausmeisterei" in c["to_complete"]
    assert result["ledger"]["l3"] == "lane" and result["ledger"]["hinweis"] == "note"
    assert any("Anmerkung" in note for note in result["notes"])


def _every_kind() -> dict:
    library = sharing.LIBRARY / "raumplanung.json"
    data = json.loads(library.read_text(encoding="utf-8"))
    steps = copy.deepcopy(data["steps"])
    end = next(s["id"] for s in steps if s["kind"] == "end")
    steps[-1:-1] = [
        {"kind": "wait", "id": "warten", "days": 3, "until_input": "", "next": "bis"},
        {"kind": "wait", "id": "bis", "days": None, "until_input": "datum", "next": "gebuehr"},
        {
            "kind": "fee",
            "id": "gebuehr",
            "subject": "Sperrmüll",
            "lines": [{"booking_key": "SPM", "quantity_from": ""}],
            "next": end,
            "unpaid": end,
        },
    ]
    return {"inputs": data.get("inputs") or [], "steps": steps}


DEFINITIONS = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(sharing.LIBRARY.glob("*.json"))
}


@pytest.mark.parametrize("name", [*DEFINITIONS, "every-kind"])
def test_every_export_is_valid_bpmn_and_comes_back_the_same(name, monkeypatch):
    import graphviz

    def no_graphviz(*args, **kwargs):
        raise graphviz.ExecutableNotFound(["dot"])

    monkeypatch.setattr(graphviz.Source, "pipe", no_graphviz)  # as on a machine without it
    data = _every_kind() if name == "every-kind" else DEFINITIONS[name]
    definition = {"inputs": data.get("inputs") or [], "steps": data["steps"]}
    first = export_bpmn(key=name, name=name, definition=definition)
    assert validate(first) == []
    assert b"BPMNShape" in first and b"BPMNEdge" in first
    back = import_bpmn(first)
    again = export_bpmn(key=name, name=name, definition={**definition, "steps": back["steps"]})
    assert again == first


@pytest.mark.django_db
def test_the_admin_asks_for_the_pool_and_names_what_it_left_out(staff, client):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from flows.designer.models import ProcessDesign
    from portal_site.accounts.models import OrgUnit, User

    client.force_login(User.objects.get(username="administration"))
    office = OrgUnit.objects.get(short_name="10.3")
    content = next(p for p in FILES if p.name == "A.4.0.bpmn").read_bytes()
    asked = client.post(
        "/admin/prozesse/importieren/",
        {"file": SimpleUploadedFile("pools.bpmn", content), "office": office.pk},
    )
    page = asked.content.decode()
    assert asked.status_code == 200 and "2 Pools" in page
    assert not ProcessDesign.objects.filter(office=office).exists()
    kept = re.search(r'name="kept" value="([^"]+)"', page).group(1)
    pool = pools(content)[0]
    done = client.post(
        "/admin/prozesse/importieren/",
        {"kept": kept, "pool": pool.id, "office": office.pk},
        follow=True,
    )
    design = ProcessDesign.objects.get(office=office)
    assert done.redirect_chain and str(design.pk) in done.redirect_chain[-1][0]
    assert "nicht importiert" in done.content.decode()  # the other pool is named
    forged = client.post(
        "/admin/prozesse/importieren/", {"kept": "kein base64!", "office": office.pk}
    )
    assert forged.status_code == 200 and "Wählen Sie eine Datei" in forged.content.decode()

"""BPMN 2.0 XML for a designed process: the export, and what export and import share
(the import of any tool's files is :mod:`.bpmn_import`).

The export uses only what the step model has: a start event, user tasks (tasks),
exclusive gateways (branches, with the default flow and each condition as a
formal expression), parallel gateways (a parallel step: a split to its tasks and
a join after them), service tasks (e-mails, documents, fees, reservations, status
changes), timer events (waits) and end events.
What BPMN cannot say about a step (a task's decision options, an e-mail's text)
travels in extension elements of this portal's namespace, so a file exported
here comes back whole. The diagram (BPMN DI) is always written, laid out in Python
(:mod:`.bpmn_layout`), and every export is valid against OMG's schema
(:mod:`.bpmn_schema`).
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

from django.utils.translation import gettext as _

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SP = "https://stadtportal.example/bpmn/1"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
ElementTree.register_namespace("bpmn", BPMN)
ElementTree.register_namespace("bpmndi", BPMNDI)
ElementTree.register_namespace("dc", DC)
ElementTree.register_namespace("di", DI)
ElementTree.register_namespace("xsi", XSI)
ElementTree.register_namespace("sp", SP)

ASSIGNMENT = (("assignee", "assignee"), ("person", "person"), ("earlier_task", "earlierTask"))
# A task's settings BPMN has no attribute for: extension settings (JSON values).
TASK_SETTINGS = (
    "office",
    "role",
    "fields",
    "escalate_after_days",
    "not_by_applicant",
    "not_by_steps",
    "to_complete",
)
SERVICE_KINDS = ("email", "status", "document", "fee", "reserve")
OTHER_EXITS = ("unpaid", "refused")  # a fee's exit after a Storno, a refused reservation
JOIN = "__join"


class BpmnError(ValueError):
    """The file is no BPMN this portal can take (the message is for people)."""


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def export_bpmn(*, key: str, name: str, definition: dict, layout: dict | None = None) -> bytes:
    """The definition as BPMN 2.0 XML; ``layout`` is where the canvas placed the shapes and
    arrows (``{"shapes": {id: [x, y, w, h]}, "edges": {"source>target": [[x, y], …]}}``),
    missing ones are laid out here."""
    root = ElementTree.Element(
        _q(BPMN, "definitions"),
        {"id": f"defs_{key}", "targetNamespace": "https://stadtportal.example/prozesse"},
    )
    process = ElementTree.SubElement(
        root, _q(BPMN, "process"), {"id": _xml_id(key), "name": name, "isExecutable": "false"}
    )
    steps = definition.get("steps") or []
    flows: list[tuple] = []  # id, source, target, condition (or None), exit (or "")
    # Always a start (a new draft on the canvas begins with it).
    ElementTree.SubElement(process, _q(BPMN, "startEvent"), {"id": "start", "name": _("Start")})
    if steps:
        flows.append(("flow_start", "start", steps[0]["id"], None, ""))
    members = {t: step["id"] for step in steps if step["kind"] == "parallel" for t in step["tasks"]}
    for step in steps:
        _export_step(process, step, flows, members)
    for flow_id, source, target, condition, exit_name in flows:
        element = ElementTree.SubElement(
            process,
            _q(BPMN, "sequenceFlow"),
            {"id": flow_id, "sourceRef": source, "targetRef": target},
        )
        if exit_name:
            element.set(_q(SP, "exit"), exit_name)
        if condition is not None:
            expression = ElementTree.SubElement(
                element,
                _q(BPMN, "conditionExpression"),
                {_q(XSI, "type"): "bpmn:tFormalExpression"},
            )
            parts = (condition, *(condition.get("also") or []))
            expression.text = " and ".join(
                " ".join([p["source"], p["operator"], p.get("value") or ""]).strip() for p in parts
            )
            element.set(_q(SP, "source"), condition["source"])
            element.set(_q(SP, "operator"), condition["operator"])
            element.set(_q(SP, "value"), condition.get("value") or "")
            if condition.get("also"):
                element.set(_q(SP, "also"), json.dumps(condition["also"], ensure_ascii=False))
    _diagram_interchange(root, process, flows, layout or {})
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


# BPMN shape sizes (px) by element; positions from bpmn_layout (computed here).
SIZES = {
    "userTask": (100, 80),
    "serviceTask": (100, 80),
    "exclusiveGateway": (50, 50),
    "parallelGateway": (50, 50),
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
}


def _diagram_interchange(root, process, flows: list, layout: dict) -> None:
    """BPMN DI: shapes and edges, so modelling tools (bpmn-js, Camunda Modeler) draw it.
    Always written: where the canvas placed a shape or arrow (``layout``) it stays there,
    the rest is laid out in Python (:mod:`.bpmn_layout`)."""
    from .bpmn_layout import centres, waypoints

    shapes = [e for e in process if _local(e) in SIZES]
    placed = centres(
        [e.get("id") for e in shapes], [(source, target) for _id, source, target, *_ in flows]
    )
    diagram = ElementTree.SubElement(root, _q(BPMNDI, "BPMNDiagram"), {"id": "diagram"})
    plane = ElementTree.SubElement(
        diagram, _q(BPMNDI, "BPMNPlane"), {"id": "plane", "bpmnElement": process.get("id")}
    )
    bounds = {}
    saved_shapes, saved_edges = layout.get("shapes") or {}, layout.get("edges") or {}
    for element in shapes:
        element_id = element.get("id")
        size = SIZES[_local(element)]
        width, height = float(size[0]), float(size[1])
        x, y = placed[element_id]
        saved = saved_shapes.get(element_id)
        if saved is not None and _numbers(saved, 4):
            left, top, width, height = (float(v) for v in saved)
            x, y = left + width / 2, top + height / 2
        bounds[element_id] = (x - width / 2, y - height / 2, width, height)
        shape = ElementTree.SubElement(
            plane,
            _q(BPMNDI, "BPMNShape"),
            {"id": f"{element_id}_di", "bpmnElement": element_id},
        )
        ElementTree.SubElement(
            shape,
            _q(DC, "Bounds"),
            {
                "x": f"{x - width / 2:.0f}",
                "y": f"{y - height / 2:.0f}",
                "width": f"{width:.0f}",
                "height": f"{height:.0f}",
            },
        )
    for flow_id, source, target, _condition, _exit in flows:
        if source not in bounds or target not in bounds:
            continue
        edge = ElementTree.SubElement(
            plane, _q(BPMNDI, "BPMNEdge"), {"id": f"{flow_id}_di", "bpmnElement": flow_id}
        )
        saved = saved_edges.get(f"{source}>{target}")
        drawn = saved_shapes.get(source) and saved_shapes.get(target)
        points = saved if drawn and saved and all(_numbers(p, 2) for p in saved) else None
        for x, y in points or waypoints(bounds[source], bounds[target]):
            ElementTree.SubElement(edge, _q(DI, "waypoint"), {"x": f"{x:.0f}", "y": f"{y:.0f}"})


def _numbers(value, count: int) -> bool:
    """A saved position: ``count`` finite numbers (a hand-edited layout may hold anything)."""
    return (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(v, int | float) and abs(v) < 1e7 for v in value)
    )


def _xml_id(text: str) -> str:
    return "p_" + "".join(c if c.isalnum() else "_" for c in text)


def _settings(element, step: dict, fields) -> None:
    """Settings as ``sp:setting`` extension elements, each value as JSON."""
    extension = element.find(_q(BPMN, "extensionElements"))
    if extension is None:
        extension = ElementTree.SubElement(element, _q(BPMN, "extensionElements"))
    for field in fields:
        if step.get(field) not in (None, ""):
            ElementTree.SubElement(extension, _q(SP, "setting"), {"name": field}).text = json.dumps(
                step[field], ensure_ascii=False
            )


def _read_settings(element) -> dict:
    settings = {}
    for setting in element.iter(_q(SP, "setting")):
        text = setting.text or ""
        try:
            settings[setting.get("name")] = json.loads(text)
        except ValueError:  # an older export: the value as text
            settings[setting.get("name")] = text
    return settings


def _export_step(process, step: dict, flows: list, members: dict[str, str]) -> None:
    kind, step_id = step["kind"], step["id"]
    if kind == "task" and step_id in members:  # goes on at its parallel step's join
        flows.append((f"flow_{step_id}_join", step_id, members[step_id] + JOIN, None, ""))
    if kind == "task":
        element = ElementTree.SubElement(
            process, _q(BPMN, "userTask"), {"id": step_id, "name": step["title"]}
        )
        if step.get("instructions"):
            ElementTree.SubElement(element, _q(BPMN, "documentation")).text = step["instructions"]
        extension = ElementTree.SubElement(element, _q(BPMN, "extensionElements"))
        for decision in step["decisions"]:
            ElementTree.SubElement(
                extension,
                _q(SP, "decision"),
                {"value": decision["value"], "label": decision["label"]},
            )
        if step.get("days"):
            element.set(_q(SP, "days"), str(step["days"]))
        # Who does it (BPMN's own resource roles cannot name a directory lookup).
        for field, attribute in ASSIGNMENT:
            value = step.get(field) or ("office" if field == "assignee" else "")
            if value:  # who does it: the office's queue unless the step says otherwise
                element.set(_q(SP, attribute), str(value))
        _settings(element, step, TASK_SETTINGS)
    elif kind == "parallel":
        split = ElementTree.SubElement(
            process,
            _q(BPMN, "parallelGateway"),
            {"id": step_id, "name": step_id, "gatewayDirection": "Diverging"},
        )
        split.set(_q(SP, "mode"), step.get("mode") or "all")
        split.set(_q(SP, "join"), step_id + JOIN)
        ElementTree.SubElement(
            process,
            _q(BPMN, "parallelGateway"),
            {"id": step_id + JOIN, "name": step_id, "gatewayDirection": "Converging"},
        )
        for number, task in enumerate(step["tasks"], start=1):
            flows.append((f"flow_{step_id}_{number}", step_id, task, None, ""))
        flows.append((f"flow_{step_id}_next", step_id + JOIN, step["next"], None, ""))
        return
    elif kind == "branch":
        element = ElementTree.SubElement(
            process, _q(BPMN, "exclusiveGateway"), {"id": step_id, "name": step_id}
        )
        for number, condition in enumerate(step["conditions"], start=1):
            flows.append((f"flow_{step_id}_{number}", step_id, condition["next"], condition, ""))
        if step.get("default"):
            default = f"flow_{step_id}_default"
            element.set("default", default)
            flows.append((default, step_id, step["default"], None, ""))
        return
    elif kind in SERVICE_KINDS:
        label = step.get("subject") or step.get("title") or step.get("status") or step_id
        element = ElementTree.SubElement(
            process, _q(BPMN, "serviceTask"), {"id": step_id, "name": label}
        )
        element.set(_q(SP, "kind"), kind)
        settings = [k for k in step if k not in ("kind", "id", "next", *OTHER_EXITS)]
        _settings(element, step, settings)
        for other in OTHER_EXITS:
            if step.get(other):
                flows.append((f"flow_{step_id}_{other}", step_id, step[other], None, other))
    elif kind == "wait":
        element = ElementTree.SubElement(
            process, _q(BPMN, "intermediateCatchEvent"), {"id": step_id, "name": step_id}
        )
        timer = ElementTree.SubElement(element, _q(BPMN, "timerEventDefinition"))
        if step.get("days"):
            duration = ElementTree.SubElement(timer, _q(BPMN, "timeDuration"))
            duration.text = f"P{int(step['days'])}D"
        else:
            element.set(_q(SP, "untilInput"), step.get("until_input") or "")
    else:  # end
        element = ElementTree.SubElement(
            process, _q(BPMN, "endEvent"), {"id": step_id, "name": step["outcome"]}
        )
        element.set(_q(SP, "outcome"), step["outcome"])
        return
    if step.get("next"):
        flows.append((f"flow_{step_id}_next", step_id, step["next"], None, ""))


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]

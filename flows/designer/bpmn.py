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

from .bpmn_xml import (  # noqa: F401 - the names the import and the step kinds share
    ASSIGNMENT,
    BPMN,
    BPMNDI,
    DC,
    DI,
    JOIN,
    OTHER_EXITS,
    SP,
    TASK_SETTINGS,
    XSI,
    BpmnError,
    _local,
    _q,
    _read_settings,
    _settings,
)
from .kinds import kind_of


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


def _export_step(process, step: dict, flows: list, members: dict[str, str]) -> None:
    """The step as its kind maps it (:meth:`.kinds.StepKind.export`); a parallel step's
    task goes on at its step's join."""
    if step["id"] in members:
        flows.append((f"flow_{step['id']}_join", step["id"], members[step["id"]] + JOIN, None, ""))
    kind_of(step).export(process, step, flows)

"""BPMN 2.0 XML for a designed process: export to share it, import as a draft to complete.

The export uses only what the step model has: a start event, user tasks (tasks),
exclusive gateways (branches, with the default flow and each condition as a
formal expression), parallel gateways (a parallel step: a split to its tasks and
a join after them), service tasks (e-mails, documents, fees, reservations, status
changes), timer events (waits) and end events.
What BPMN cannot say about a step (a task's decision options, an e-mail's text)
travels in extension elements of this portal's namespace, so a file exported
here comes back whole. An import from another tool takes those elements and
makes a draft whose gaps the check on the publish page names; elements the step
model does not have (message events, sub-processes, …) are refused with a German
message naming them.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree
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

SUPPORTED = {
    "startEvent",
    "userTask",
    "serviceTask",
    "task",
    "exclusiveGateway",
    "parallelGateway",
    "endEvent",
    "sequenceFlow",
    "extensionElements",
    "documentation",
    "conditionExpression",
    "intermediateCatchEvent",
    "incoming",
    "outgoing",
}


ASSIGNMENT = (("assignee", "assignee"), ("person", "person"), ("earlier_task", "earlierTask"))
# A task's settings BPMN has no attribute for: extension settings (JSON values).
TASK_SETTINGS = (
    "office",
    "role",
    "fields",
    "escalate_after_days",
    "not_by_applicant",
    "not_by_steps",
)
SERVICE_KINDS = ("email", "status", "document", "fee", "reserve")
OTHER_EXITS = ("unpaid", "refused")  # a fee's exit after a Storno, a refused reservation
JOIN = "__join"


class BpmnError(ValueError):
    """The file is no BPMN this portal can take (the message is for people)."""


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def export_bpmn(*, key: str, name: str, definition: dict) -> bytes:
    root = ElementTree.Element(
        _q(BPMN, "definitions"),
        {"id": f"defs_{key}", "targetNamespace": "https://stadtportal.example/prozesse"},
    )
    process = ElementTree.SubElement(
        root, _q(BPMN, "process"), {"id": _xml_id(key), "name": name, "isExecutable": "false"}
    )
    steps = definition.get("steps") or []
    flows: list[tuple] = []  # id, source, target, condition (or None), exit (or "")
    if steps:
        ElementTree.SubElement(process, _q(BPMN, "startEvent"), {"id": "start", "name": _("Start")})
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
    _diagram_interchange(root, process, definition, flows)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


# BPMN shape sizes (px) by element; positions come from Graphviz's layout of the steps.
SIZES = {
    "userTask": (100, 80),
    "serviceTask": (100, 80),
    "exclusiveGateway": (50, 50),
    "parallelGateway": (50, 50),
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
}
POINTS = 72  # Graphviz lays out in inches


def _layout(definition: dict) -> dict[str, tuple[float, float]] | None:
    """The centre of each step (and of the start) in px, as Graphviz lays the diagram out;
    None without Graphviz (the export then has no drawing)."""
    import graphviz

    from .diagram import dot_source

    try:
        plain = dot_source(definition).pipe(format="plain").decode()
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError):
        return None
    centres, height = {}, 0.0
    for line in plain.splitlines():
        parts = line.split()
        if parts and parts[0] == "graph":
            height = float(parts[3])
        elif parts and parts[0] == "node":
            name = parts[1].strip('"')
            centres[name] = (
                float(parts[2]) * POINTS * 1.6,
                (height - float(parts[3])) * POINTS * 1.6,
            )
    return centres


def _diagram_interchange(root, process, definition: dict, flows: list) -> None:
    """BPMN DI: shapes and edges, so modelling tools (bpmn-js, Camunda Modeler) draw it."""
    centres = _layout(definition)
    if centres is None:
        return
    centres["start"] = centres.pop("__start", (0.0, 0.0))
    for step in definition.get("steps") or []:  # a join sits just above its next step
        if step["kind"] == "parallel" and step.get("next") in centres:
            x, y = centres[step["next"]]
            centres[step["id"] + JOIN] = (x, y - 70)
    diagram = ElementTree.SubElement(root, _q(BPMNDI, "BPMNDiagram"), {"id": "diagram"})
    plane = ElementTree.SubElement(
        diagram, _q(BPMNDI, "BPMNPlane"), {"id": "plane", "bpmnElement": process.get("id")}
    )
    bounds = {}
    for element in process:
        element_id, kind = element.get("id"), _local(element)
        if kind not in SIZES or element_id not in centres:
            continue
        width, height = SIZES[kind]
        x, y = centres[element_id]
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
                "width": str(width),
                "height": str(height),
            },
        )
    for flow_id, source, target, _condition, _exit in flows:
        if source not in bounds or target not in bounds:
            continue
        edge = ElementTree.SubElement(
            plane, _q(BPMNDI, "BPMNEdge"), {"id": f"{flow_id}_di", "bpmnElement": flow_id}
        )
        sx, sy, sw, sh = bounds[source]
        tx, ty, tw, th = bounds[target]
        for x, y in ((sx + sw / 2, sy + sh), (tx + tw / 2, ty)):
            ElementTree.SubElement(edge, _q(DI, "waypoint"), {"x": f"{x:.0f}", "y": f"{y:.0f}"})


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
            if step.get(field):
                element.set(_q(SP, attribute), str(step[field]))
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


def import_bpmn(content: bytes) -> dict:
    """Steps and name from a BPMN 2.0 file: ``{"key", "name", "steps"}``."""
    try:
        root = SafeTree.fromstring(content)
    except Exception as error:
        raise BpmnError(_("The file is not readable BPMN 2.0 XML.")) from error
    process = next((e for e in root if _local(e) == "process"), None)
    if process is None or root.tag != _q(BPMN, "definitions"):
        raise BpmnError(_("The file holds no BPMN 2.0 process."))
    unsupported = sorted({_local(e) for e in process if _local(e) not in SUPPORTED})
    if unsupported:
        raise BpmnError(
            _("The process uses elements the designer does not have yet: %(elements)s.")
            % {"elements": ", ".join(unsupported)}
        )
    flows = [e for e in process if _local(e) == "sequenceFlow"]
    outgoing: dict[str, list] = {}
    for flow_element in flows:
        outgoing.setdefault(flow_element.get("sourceRef"), []).append(flow_element)
    start = next((e for e in process if _local(e) == "startEvent"), None)
    first = outgoing.get(start.get("id"), [None])[0] if start is not None else None
    steps = []
    joins = _joins(process, flows, outgoing)
    for element in process:
        kind = _local(element)
        if kind in ("startEvent", "sequenceFlow") or element.get("id") in joins:
            continue
        try:
            steps.append(_import_step(element, outgoing.get(element.get("id"), []), joins))
        except (KeyError, TypeError, ValueError) as error:  # e.g. sp:days="five"
            raise BpmnError(
                _("The element “%(id)s” cannot be read.") % {"id": element.get("id", "")}
            ) from error
    if first is not None:  # the start event's target is the first step
        steps.sort(key=lambda s: s["id"] != first.get("targetRef"))
    members = {t for step in steps if step["kind"] == "parallel" for t in step["tasks"]}
    for step in steps:  # a parallel step's tasks go on at its join: no next step of their own
        if step["kind"] == "task" and step["id"] in members:
            step.pop("next", None)
    return {
        "key": process.get("id", "importiert").removeprefix("p_").replace("_", "-").lower(),
        "name": process.get("name") or process.get("id", ""),
        "steps": steps,
    }


def _joins(process, flows: list, outgoing: dict) -> dict[str, str]:
    """The converging parallel gateways, each with the step that follows it."""
    incoming: dict[str, int] = {}
    for flow_element in flows:
        target = flow_element.get("targetRef")
        incoming[target] = incoming.get(target, 0) + 1
    joins = {}
    for element in process:
        if _local(element) != "parallelGateway":
            continue
        element_id = element.get("id", "")
        converging = element.get("gatewayDirection") == "Converging" or (
            incoming.get(element_id, 0) > 1 and len(outgoing.get(element_id, [])) == 1
        )
        if converging:
            after = outgoing.get(element_id, [])
            joins[element_id] = _step_id(after[0].get("targetRef", "")) if after else ""
    return joins


def _import_step(element, outgoing: list, joins: dict[str, str]) -> dict:
    kind, step_id = _local(element), _step_id(element.get("id", ""))
    normal = [f for f in outgoing if not f.get(_q(SP, "exit"))]
    targets = [_step_id(f.get("targetRef", "")) for f in normal]
    exits = {
        f.get(_q(SP, "exit")): _step_id(f.get("targetRef", ""))
        for f in outgoing
        if f.get(_q(SP, "exit"))
    }
    if kind == "parallelGateway":
        join = element.get(_q(SP, "join")) or element.get("id", "") + JOIN
        return {
            "kind": "parallel",
            "id": step_id,
            "tasks": list(targets),
            "mode": element.get(_q(SP, "mode")) or "all",
            "next": joins.get(join, ""),
        }
    if kind in ("userTask", "task"):
        decisions = [
            {"value": d.get("value"), "label": d.get("label")}
            for d in element.iter(_q(SP, "decision"))
        ]
        documentation = next((e.text for e in element if _local(e) == "documentation"), "")
        step = {
            "kind": "task",
            "id": step_id,
            "title": element.get("name") or step_id,
            "instructions": documentation or "",
            "decisions": decisions or [{"value": "erledigt", "label": _("Done")}],
            "days": int(element.get(_q(SP, "days"))) if element.get(_q(SP, "days")) else None,
            "next": targets[0] if targets else "",
        }
        for field, attribute in ASSIGNMENT:
            if element.get(_q(SP, attribute)):  # left out when not given, as in JSON
                step[field] = element.get(_q(SP, attribute))
        step.update(_read_settings(element))
        step.setdefault("assignee", "office")
        return step
    if kind == "exclusiveGateway":
        default_flow = element.get("default")
        conditions, default = [], ""
        for flow_element in outgoing:
            target = _step_id(flow_element.get("targetRef", ""))
            if flow_element.get("id") == default_flow:
                default = target
                continue
            expression = next(
                (e.text for e in flow_element if _local(e) == "conditionExpression"), ""
            )
            condition = {
                "source": flow_element.get(_q(SP, "source")) or (expression or "").strip(),
                "operator": flow_element.get(_q(SP, "operator")) or "equals",
                "value": flow_element.get(_q(SP, "value")) or "",
                "next": target,
            }
            if flow_element.get(_q(SP, "also")):  # further conditions (and)
                condition["also"] = json.loads(flow_element.get(_q(SP, "also")))
            conditions.append(condition)
        return {"kind": "branch", "id": step_id, "conditions": conditions, "default": default}
    if kind == "intermediateCatchEvent":
        timer = next((e for e in element if _local(e) == "timerEventDefinition"), None)
        if timer is None:
            raise BpmnError(
                _("The event “%(id)s” is no timer; the designer only waits for dates.")
                % {"id": step_id}
            )
        duration = next((e.text or "" for e in timer if _local(e) == "timeDuration"), "")
        days = duration[1:-1] if duration.startswith("P") and duration.endswith("D") else ""
        return {
            "kind": "wait",
            "id": step_id,
            "days": int(days) if days.isdigit() else None,
            "until_input": element.get(_q(SP, "untilInput")) or "",
            "next": targets[0] if targets else "",
        }
    if kind == "serviceTask":
        settings = _read_settings(element)
        service = element.get(_q(SP, "kind")) or "email"
        if service not in SERVICE_KINDS:
            raise BpmnError(_("Unknown kind of step: %(kind)s") % {"kind": service})
        step = {
            "kind": service,
            "id": step_id,
            **settings,
            **exits,
            "next": targets[0] if targets else "",
        }
        if service == "email":
            step.setdefault("to", "applicant")
            step.setdefault("address", "")
            step.setdefault("subject", element.get("name") or step_id)
            step.setdefault("body", "")
        elif service == "status":
            step.setdefault("status", "in_progress")
        return step
    outcome = element.get(_q(SP, "outcome")) or "completed"
    return {"kind": "end", "id": step_id, "outcome": outcome}


def _step_id(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text.lower())
    return (cleaned if cleaned[:1].isalpha() else "s_" + cleaned)[:40]

"""BPMN 2.0 XML for a designed process: export to share it, import as a draft to complete.

The export uses only what the step model has: a start event, user tasks (tasks),
exclusive gateways (branches, with the default flow and each condition as a
formal expression), service tasks (e-mails, status changes) and end events.
What BPMN cannot say about a step (a task's decision options, an e-mail's text)
travels in extension elements of this portal's namespace, so a file exported
here comes back whole. An import from another tool takes those elements and
makes a draft whose gaps the check on the publish page names; elements the step
model does not have yet (parallel gateways, timer events, sub-processes) are
refused with a German message naming them.
"""

from __future__ import annotations

from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree
from django.utils.translation import gettext as _

from .definition import successors

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SP = "https://stadtportal.example/bpmn/1"
ElementTree.register_namespace("bpmn", BPMN)
ElementTree.register_namespace("xsi", XSI)
ElementTree.register_namespace("sp", SP)

SUPPORTED = {
    "startEvent",
    "userTask",
    "serviceTask",
    "task",
    "exclusiveGateway",
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
    flows: list[tuple[str, str, str, dict | None]] = []  # id, source, target, condition
    if steps:
        ElementTree.SubElement(process, _q(BPMN, "startEvent"), {"id": "start", "name": _("Start")})
        flows.append(("flow_start", "start", steps[0]["id"], None))
    for step in steps:
        _export_step(process, step, flows)
    for flow_id, source, target, condition in flows:
        element = ElementTree.SubElement(
            process,
            _q(BPMN, "sequenceFlow"),
            {"id": flow_id, "sourceRef": source, "targetRef": target},
        )
        if condition is not None:
            expression = ElementTree.SubElement(
                element,
                _q(BPMN, "conditionExpression"),
                {_q(XSI, "type"): "bpmn:tFormalExpression"},
            )
            expression.text = " ".join(
                [condition["source"], condition["operator"], condition.get("value") or ""]
            ).strip()
            element.set(_q(SP, "source"), condition["source"])
            element.set(_q(SP, "operator"), condition["operator"])
            element.set(_q(SP, "value"), condition.get("value") or "")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_id(text: str) -> str:
    return "p_" + "".join(c if c.isalnum() else "_" for c in text)


def _export_step(process, step: dict, flows: list) -> None:
    kind, step_id = step["kind"], step["id"]
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
    elif kind == "branch":
        element = ElementTree.SubElement(
            process, _q(BPMN, "exclusiveGateway"), {"id": step_id, "name": step_id}
        )
        for number, condition in enumerate(step["conditions"], start=1):
            flows.append((f"flow_{step_id}_{number}", step_id, condition["next"], condition))
        if step.get("default"):
            default = f"flow_{step_id}_default"
            element.set("default", default)
            flows.append((default, step_id, step["default"], None))
        return
    elif kind in ("email", "status"):
        label = step["subject"] if kind == "email" else step["status"]
        element = ElementTree.SubElement(
            process, _q(BPMN, "serviceTask"), {"id": step_id, "name": label}
        )
        element.set(_q(SP, "kind"), kind)
        extension = ElementTree.SubElement(element, _q(BPMN, "extensionElements"))
        settings = {k: v for k, v in step.items() if k not in ("kind", "id", "next")}
        for field, value in settings.items():
            ElementTree.SubElement(extension, _q(SP, "setting"), {"name": field}).text = str(value)
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
    for number, target in enumerate(successors(step), start=1):
        flows.append((f"flow_{step_id}_{number}", step_id, target, None))


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
    for element in process:
        kind = _local(element)
        if kind in ("startEvent", "sequenceFlow"):
            continue
        try:
            steps.append(_import_step(element, outgoing.get(element.get("id"), [])))
        except (KeyError, TypeError, ValueError) as error:  # e.g. sp:days="five"
            raise BpmnError(
                _("The element “%(id)s” cannot be read.") % {"id": element.get("id", "")}
            ) from error
    if first is not None:  # the start event's target is the first step
        steps.sort(key=lambda s: s["id"] != first.get("targetRef"))
    return {
        "key": process.get("id", "importiert").removeprefix("p_").replace("_", "-").lower(),
        "name": process.get("name") or process.get("id", ""),
        "steps": steps,
    }


def _import_step(element, outgoing: list) -> dict:
    kind, step_id = _local(element), _step_id(element.get("id", ""))
    targets = [_step_id(f.get("targetRef", "")) for f in outgoing]
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
            conditions.append(
                {
                    "source": flow_element.get(_q(SP, "source")) or (expression or "").strip(),
                    "operator": flow_element.get(_q(SP, "operator")) or "equals",
                    "value": flow_element.get(_q(SP, "value")) or "",
                    "next": target,
                }
            )
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
        settings = {s.get("name"): s.text or "" for s in element.iter(_q(SP, "setting"))}
        service = element.get(_q(SP, "kind")) or "email"
        step = {"kind": service, "id": step_id, **settings, "next": targets[0] if targets else ""}
        if service == "email":
            step.setdefault("to", "applicant")
            step.setdefault("address", "")
            step.setdefault("subject", element.get("name") or step_id)
            step.setdefault("body", "")
        else:
            step.setdefault("status", "in_progress")
        return step
    outcome = element.get(_q(SP, "outcome")) or "completed"
    return {"kind": "end", "id": step_id, "outcome": outcome}


def _step_id(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text.lower())
    return (cleaned if cleaned[:1].isalpha() else "s_" + cleaned)[:40]

"""What becomes of each element of a BPMN file's pool (:mod:`.bpmn_import` reads the
file and its pools): the arrows run through start, merge and link elements; tasks,
gateways, timers and ends become steps; anything else is refused or noted by name."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .bpmn_xml import ASSIGNMENT, BPMN, JOIN, SP, BpmnError, _q, _read_settings
from .kinds import get as get_kind

FOREIGN_TASKS = ("serviceTask", "sendTask", "receiveTask", "scriptTask", "businessRuleTask")
TASKS = ("userTask", "manualTask", "task", *FOREIGN_TASKS)
IGNORED = {  # BPMN elements that carry no step, with how a note names them
    "textAnnotation": pgettext_lazy("BPMN", "annotation"),
    "association": pgettext_lazy("BPMN", "association"),
    "group": pgettext_lazy("BPMN", "group"),
    "dataObject": pgettext_lazy("BPMN", "data object"),
    "dataObjectReference": pgettext_lazy("BPMN", "data object"),
    "dataStoreReference": pgettext_lazy("BPMN", "data store"),
    "property": pgettext_lazy("BPMN", "property"),
    "ioSpecification": pgettext_lazy("BPMN", "input/output specification"),
    "dataInputAssociation": pgettext_lazy("BPMN", "data association"),
    "dataOutputAssociation": pgettext_lazy("BPMN", "data association"),
    "auditing": pgettext_lazy("BPMN", "auditing"),
    "monitoring": pgettext_lazy("BPMN", "monitoring"),
    "category": pgettext_lazy("BPMN", "category"),
}
REFUSED = {  # flow elements the step model has no place for
    "subProcess": pgettext_lazy("BPMN", "sub-process"),
    "adHocSubProcess": pgettext_lazy("BPMN", "ad-hoc sub-process"),
    "transaction": pgettext_lazy("BPMN", "transaction"),
    "callActivity": pgettext_lazy("BPMN", "call activity"),
    "inclusiveGateway": pgettext_lazy("BPMN", "inclusive gateway"),
    "eventBasedGateway": pgettext_lazy("BPMN", "event-based gateway"),
    "complexGateway": pgettext_lazy("BPMN", "complex gateway"),
    "boundaryEvent": pgettext_lazy("BPMN", "boundary event"),
    "choreographyTask": pgettext_lazy("BPMN", "choreography task"),
    "subChoreography": pgettext_lazy("BPMN", "sub-choreography"),
    "callChoreography": pgettext_lazy("BPMN", "call choreography"),
}
EVENT_KINDS = {
    "messageEventDefinition": pgettext_lazy("BPMN", "message"),
    "timerEventDefinition": pgettext_lazy("BPMN", "timer"),
    "signalEventDefinition": pgettext_lazy("BPMN", "signal"),
    "errorEventDefinition": pgettext_lazy("BPMN", "error"),
    "escalationEventDefinition": pgettext_lazy("BPMN", "escalation"),
    "compensateEventDefinition": pgettext_lazy("BPMN", "compensation"),
    "conditionalEventDefinition": pgettext_lazy("BPMN", "condition"),
    "linkEventDefinition": pgettext_lazy("BPMN", "link"),
    "cancelEventDefinition": pgettext_lazy("BPMN", "cancel"),
    "terminateEventDefinition": pgettext_lazy("BPMN", "terminate"),
}
SKIPPED = ("laneSet", "sequenceFlow", "documentation", "extensionElements")
# Inside a flow element: what is read, and what is foreign detail that changes nothing.
READ_INSIDE = {"incoming", "outgoing", "documentation", "extensionElements", "conditionExpression"}


@dataclass
class _Reading:
    process: Any  # the <process> element
    lanes: dict[str, str]  # element id -> its lane's name
    who: Callable[[str], dict | None] | None
    ledger: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _label(element) -> str:
    name = " ".join((element.get("name") or "").split())
    return f"„{name}“ ({element.get('id', '')})" if name else f"„{element.get('id', '')}“"


def _events(element) -> list[str]:
    """The element's event definitions by kind: ``message``, ``timer``, ``link`` …"""
    return [_local(e).removesuffix("EventDefinition") for e in element if _local(e) in EVENT_KINDS]


def _named(events: list[str]) -> str:
    return ", ".join(str(EVENT_KINDS[f"{event}EventDefinition"]) for event in events) or "-"


def _pass_through(reading: _Reading, nodes, outgoing: dict, incoming: dict) -> dict:
    """Elements the arrows run through, each with the arrow that leaves it (None: none)."""
    passes: dict[str, object] = {}
    catches = {
        (e.get("name") or "").strip(): e
        for e in nodes
        if _local(e) == "intermediateCatchEvent" and _events(e) == ["link"]
    }
    for element in nodes:
        kind, element_id, events = _local(element), element.get("id"), _events(element)
        leaving = outgoing.get(element_id, [])
        passing = kind in ("startEvent", "intermediateThrowEvent", "intermediateCatchEvent")
        if passing and len(leaving) > 1 and (kind == "startEvent" or events in ([], ["link"])):
            reading.refused.append(
                _("%(name)s has several outgoing arrows; put a gateway after it")
                % {"name": _label(element)}
            )
            continue
        if kind == "startEvent":
            if events and events != ["message"]:
                reading.refused.append(
                    _("start event %(name)s (%(kind)s): cases start with an application")
                    % {"name": _label(element), "kind": _named(events)}
                )
            passes[element_id] = leaving[0] if leaving else None
            reading.ledger[element_id] = "start"
            if events == ["message"]:
                reading.notes.append(
                    _("Start event %(name)s waits for a message: here the application is it.")
                    % {"name": _label(element)}
                )
        elif kind in ("exclusiveGateway", "parallelGateway") and len(leaving) == 1:
            passes[element_id] = leaving[0]  # a merge or a join: one way on
            reading.ledger[element_id] = "joined"
        elif kind == "intermediateThrowEvent" and events == ["link"]:
            catch = catches.get((element.get("name") or "").strip())
            if catch is None:
                reading.refused.append(
                    _("link event %(name)s: no catching link of that name")
                    % {"name": _label(element)}
                )
                continue
            passes[element_id] = next(iter(outgoing.get(catch.get("id"), [])), None)
            reading.ledger[element_id] = "joined"
        elif kind == "intermediateCatchEvent" and events == ["link"]:
            passes[element_id] = leaving[0] if leaving else None
            reading.ledger[element_id] = "joined"
        elif kind == "intermediateThrowEvent" and not events:
            passes[element_id] = leaving[0] if leaving else None  # a milestone
            reading.ledger[element_id] = "joined"
            reading.notes.append(
                _("Intermediate event %(name)s is a milestone only; the flow runs through it.")
                % {"name": _label(element)}
            )
    return passes


def _check_inside(reading: _Reading, element) -> None:
    """Loops and foreign detail inside a flow element: refused, or named."""
    foreign = sorted(
        {name.split("}")[-1] for name in element.attrib if name.startswith("{") and SP not in name}
        | {
            _local(e)
            for extension in element
            if _local(extension) == "extensionElements"
            for e in extension
            if not e.tag.startswith(f"{{{SP}}}")
        }
    )
    if foreign:
        reading.notes.append(
            _("%(name)s: settings of the other tool are not taken over (%(settings)s).")
            % {"name": _label(element), "settings": ", ".join(foreign)}
        )
    for child in element:
        kind = _local(child)
        if kind in ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics"):
            reading.refused.append(
                _("%(name)s repeats (a loop); the designer runs each step once")
                % {"name": _label(element)}
            )
        elif kind in IGNORED or kind in READ_INSIDE or kind in EVENT_KINDS:
            continue
        elif kind in ("potentialOwner", "humanPerformer", "performer") and _owner(element):
            continue  # read as who does it
        elif kind not in ("timeDuration",):
            reading.notes.append(
                _("%(name)s: “%(detail)s” of the other tool is ignored.")
                % {"name": _label(element), "detail": kind}
            )


def _owner(element) -> str:
    """The group a task's ``potentialOwner``/``humanPerformer`` names (its expression)."""
    for child in element:
        if _local(child) in ("potentialOwner", "humanPerformer", "performer"):
            for expression in child.iter(_q(BPMN, "formalExpression")):
                text = " ".join((expression.text or "").split())
                if text:
                    return text
    return ""


def _who(reading: _Reading, element) -> dict:
    lane = _owner(element) or reading.lanes.get(element.get("id", ""))
    if not lane:
        return {"assignee": "office"}
    found = reading.who(lane) if reading.who else None
    if found:
        return found
    return {
        "assignee": "office",
        "to_complete": _("Lane “%(lane)s”: choose who does this task.") % {"lane": lane},
    }


def _step(reading: _Reading, element, leaving: list, target_of, ids: dict) -> dict | None:
    kind, name = _local(element), _label(element)
    step_id = ids[element.get("id")]
    normal = [f for f in leaving if not f.get(_q(SP, "exit"))]
    targets = [target_of(f) for f in normal]
    if kind in REFUSED:
        reading.refused.append(f"{REFUSED[kind]} {name}")
        return None
    one_way = kind in TASKS or kind in ("intermediateCatchEvent", "endEvent")
    if one_way and (len(normal) > 1 or any(_condition_of(f) for f in normal)):
        reading.refused.append(
            _("%(name)s has several outgoing arrows; put a gateway after it") % {"name": name}
        )
        return None
    nxt = targets[0] if targets else ""
    if kind in TASKS:
        service = element.get(_q(SP, "kind"))
        if kind == "serviceTask" and service:
            return _service(reading, element, step_id, service, leaving, nxt, target_of)
        return _task(reading, element, step_id, nxt)
    if kind == "exclusiveGateway":
        return _branch(element, step_id, leaving, target_of)
    if kind == "parallelGateway":
        join = element.get(_q(SP, "join")) or element.get("id", "") + JOIN
        return {
            "kind": "parallel",
            "id": step_id,
            "tasks": targets,
            "mode": element.get(_q(SP, "mode")) or "all",
            "next": "",
            "_join": join,
        }
    events = _events(element)
    if kind == "intermediateCatchEvent":
        if events != ["timer"]:
            reading.refused.append(
                _("event %(name)s (%(kind)s): the designer only waits for dates")
                % {"name": name, "kind": _named(events)}
            )
            return None
        return _wait(reading, element, step_id, nxt)
    if kind == "endEvent":
        if leaving:
            reading.refused.append(_("end event %(name)s has outgoing arrows") % {"name": name})
            return None
        if events and events != ["terminate"]:
            reading.refused.append(
                _("end event %(name)s (%(kind)s): an end closes the case, nothing more")
                % {"name": name, "kind": _named(events)}
            )
            return None
        outcome = element.get(_q(SP, "outcome")) or "completed"
        return {"kind": "end", "id": step_id, "outcome": outcome}
    if kind == "intermediateThrowEvent":
        reading.refused.append(
            _("event %(name)s (%(kind)s): the designer sends nothing but e-mails")
            % {"name": name, "kind": _named(events)}
        )
        return None
    reading.refused.append(f"{kind} {name}")
    return None


def _condition_of(flow) -> str:
    return next((e.text or "" for e in flow if _local(e) == "conditionExpression"), "").strip()


def _task(reading: _Reading, element, step_id: str, nxt: str) -> dict:
    decisions = [
        {"value": d.get("value"), "label": d.get("label")} for d in element.iter(_q(SP, "decision"))
    ]
    documentation = next((e.text for e in element if _local(e) == "documentation"), "")
    try:
        days = int(element.get(_q(SP, "days"))) if element.get(_q(SP, "days")) else None
    except ValueError as error:
        raise BpmnError(
            _("The element “%(id)s” cannot be read.") % {"id": element.get("id", "")}
        ) from error
    step = {
        "kind": "task",
        "id": step_id,
        "title": (element.get("name") or step_id)[:120],
        "instructions": documentation or "",
        "decisions": decisions or [{"value": "erledigt", "label": _("Done")}],
        "days": days,
        "next": nxt,
    }
    for setting, attribute in ASSIGNMENT:
        if element.get(_q(SP, attribute)):
            step[setting] = element.get(_q(SP, attribute))
    settings = _read_settings(element)
    step.update(settings)
    if "assignee" not in step:
        step.update(_who(reading, element))
    kind = _local(element)
    if kind in FOREIGN_TASKS and not step.get("to_complete"):
        step["to_complete"] = _(
            "A %(kind)s of another tool: decide what this step does (an e-mail, a "
            "document, a fee …) or what the clerk does."
        ) % {"kind": kind}
    return step


def _service(reading, element, step_id, service, leaving, nxt, target_of) -> dict:
    kind = get_kind(service)
    if kind is None or kind.bpmn_type != "bpmn:ServiceTask":
        raise BpmnError(_("Unknown kind of step: %(kind)s") % {"kind": service})
    exits = {f.get(_q(SP, "exit")): target_of(f) for f in leaving if f.get(_q(SP, "exit"))}
    step = {"kind": service, "id": step_id, **_read_settings(element), **exits, "next": nxt}
    return kind.imported(step, element)


def _branch(element, step_id: str, leaving: list, target_of) -> dict:
    default_flow = element.get("default")
    conditions, default = [], ""
    for flow in leaving:
        target = target_of(flow)
        if flow.get("id") == default_flow:
            default = target
            continue
        condition = {
            "source": flow.get(_q(SP, "source")) or _condition_of(flow) or flow.get("name") or "",
            "operator": flow.get(_q(SP, "operator")) or "equals",
            "value": flow.get(_q(SP, "value")) or "",
            "next": target,
        }
        if flow.get(_q(SP, "also")):  # further conditions (and)
            try:
                condition["also"] = json.loads(flow.get(_q(SP, "also")))
            except ValueError as error:
                raise BpmnError(
                    _("The element “%(id)s” cannot be read.") % {"id": flow.get("id", "")}
                ) from error
        conditions.append(condition)
    return {"kind": "branch", "id": step_id, "conditions": conditions, "default": default}


def _wait(reading: _Reading, element, step_id: str, nxt: str) -> dict:
    timer = next(e for e in element if _local(e) == "timerEventDefinition")
    duration = next((e.text or "" for e in timer if _local(e) == "timeDuration"), "").strip()
    days = _days(duration)
    until = element.get(_q(SP, "untilInput")) or ""
    if days is None and not until:
        reading.refused.append(
            _("timer %(name)s (“%(value)s”): the designer waits whole days or weeks")
            % {"name": _label(element), "value": duration or "-"}
        )
    return {"kind": "wait", "id": step_id, "days": days, "until_input": until, "next": nxt}


def _days(duration: str) -> int | None:
    """Whole days of an ISO 8601 duration in days or weeks (P3D, P2W); None otherwise."""
    text = duration.upper()
    if len(text) > 2 and text.startswith("P") and text[1:-1].isdigit() and text[-1] in "DW":
        return int(text[1:-1]) * (7 if text[-1] == "W" else 1)
    return None


def _parallel_shapes(reading, steps, joins, outgoing, target_of, element_of) -> None:
    """A parallel step runs one task per branch and meets at one join: its tasks' arrows
    must all lead to that join, whose next step becomes the parallel step's."""
    by_step = {s["id"]: s for s in steps}
    for step in steps:
        if step["kind"] != "parallel":
            continue
        join_id = step.pop("_join")
        element = element_of.get(step["id"])
        after = None
        for task_id in step["tasks"]:
            task = by_step.get(task_id)
            task_element = element_of.get(task_id)
            leaving = outgoing.get(task_element.get("id"), []) if task_element is not None else []
            ends_at = [f.get("targetRef") for f in leaving]
            join = ends_at[0] if len(ends_at) == 1 else None
            one_task = task is not None and task["kind"] == "task"
            meets = join in joins and not (join_id in joins and join != join_id)
            if task is None or not one_task or not meets:
                reading.refused.append(
                    _("parallel branch %(name)s: each branch is one task that meets the others")
                    % {"name": _label(element) if element is not None else step["id"]}
                )
                return
            after = after or join
            task.pop("next", None)
        if after is not None and outgoing.get(after):
            step["next"] = target_of(outgoing[after][0])

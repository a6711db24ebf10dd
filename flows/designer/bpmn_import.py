"""A BPMN 2.0 file from any modelling tool as a draft: every element is taken, or named.

:func:`import_bpmn` reads one pool (``<process>``) of the file; a file with several
pools names them (:class:`ChoosePool`) and the designer picks one, the others are
named in a note. Each element of the pool ends in one of three places, kept in the
result's ``ledger`` (element id → what became of it):

- **a step**: tasks (user, manual and plain tasks; service, send, receive, script and
  business-rule tasks of another tool become a task *to be completed*, which blocks
  publishing until someone decides what the step does), exclusive gateways (branches),
  parallel gateways (a parallel step), timer catch events (waits), end events (a
  terminate end too), and this portal's own service steps (``sp:kind``);
- **joined into the flow**: the start event, converging gateways, plain intermediate
  throw events and link events (the arrows run through them);
- **a note**: lanes (their name picks who does each task: an office or role of that
  name, otherwise the task is to be completed), annotations, associations, groups, data
  objects and stores, properties and input/output specifications (ignored, named).

Whatever the step model cannot express (sub-processes, call activities, inclusive and
event-based gateways, boundary events, message and signal events, loops, a task with
several outgoing arrows, a parallel branch of more than one task) refuses the file with
a German message naming each element, so nothing is ever left out silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from defusedxml import ElementTree as SafeTree
from django.utils.translation import gettext as _

from .bpmn_elements import (  # what becomes of each element
    IGNORED,
    SKIPPED,
    _check_inside,
    _label,
    _local,
    _parallel_shapes,
    _pass_through,
    _Reading,
    _step,
)
from .bpmn_xml import BPMN, BpmnError, _q


class ChoosePool(BpmnError):
    """The file has several pools: ``pools`` lists them, the designer picks one."""

    def __init__(self, pools: list[Pool]):
        self.pools = pools
        super().__init__(
            _("The file has %(count)s pools; choose the one to import.") % {"count": len(pools)}
        )


@dataclass(frozen=True)
class Pool:
    id: str
    name: str
    size: int  # its flow elements


def _parse(content: bytes):
    try:
        root = SafeTree.fromstring(content)
    except Exception as error:
        raise BpmnError(_("The file is not readable BPMN 2.0 XML.")) from error
    if root.tag != _q(BPMN, "definitions"):
        raise BpmnError(_("The file holds no BPMN 2.0 process."))
    return root


def pools(content: bytes) -> list[Pool]:
    """The file's processes that hold flow elements, named by their pool."""
    return _pools(_parse(content))


def _pools(root) -> list[Pool]:
    names = {
        p.get("processRef", "").rsplit(":", 1)[-1]: (p.get("name") or "").strip()
        for p in root.iter(_q(BPMN, "participant"))
    }
    found = []
    for process in root.iter(_q(BPMN, "process")):
        size = sum(1 for e in process if _local(e) not in IGNORED and _local(e) != "laneSet")
        if size:
            pid = process.get("id", "")
            name = names.get(pid) or (process.get("name") or "").strip() or pid
            found.append(Pool(pid, name, size))
    return found


def import_bpmn(
    content: bytes, *, pool: str = "", who: Callable[[str], dict | None] | None = None
) -> dict:
    """Steps and name from a BPMN 2.0 file: ``{"key", "name", "steps", "notes", "ledger"}``.

    ``pool`` is the id of the process to read when the file has several; ``who`` maps a
    lane's name to a task's assignment (``{"assignee": "other_office", "office": …}``)
    or None when nothing of that name exists."""
    root = _parse(content)
    found = _pools(root)  # the file is parsed once
    if not found:
        raise BpmnError(_("The file holds no BPMN 2.0 process."))
    if len(found) > 1 and not pool:
        raise ChoosePool(found)
    chosen = next((p for p in found if p.id == pool), None) if pool else found[0]
    if chosen is None:
        raise BpmnError(_("The file has no pool “%(pool)s”.") % {"pool": pool})
    process = next(p for p in root.iter(_q(BPMN, "process")) if p.get("id", "") == chosen.id)
    reading = _Reading(process, _lanes(process), who)
    for other in found:
        if other.id != chosen.id:
            reading.notes.append(
                _("Pool “%(pool)s” is not imported (import it separately).") % {"pool": other.name}
            )
    steps = _steps(reading)
    if reading.refused:
        raise BpmnError(
            _("The designer cannot take these elements: %(elements)s.")
            % {"elements": "; ".join(reading.refused)}
        )
    _note_ignored(reading)
    return {
        "key": process.get("id", "importiert").removeprefix("p_").replace("_", "-").lower(),
        "name": chosen.name if chosen.name != chosen.id else process.get("name") or chosen.id,
        "steps": steps,
        "notes": reading.notes,
        "ledger": reading.ledger,
    }


def _lanes(process) -> dict[str, str]:
    """Each flow element's lane (the innermost named lane that holds it)."""
    lanes: dict[str, str] = {}

    def walk(lane_set, outer: str) -> None:
        for lane in lane_set:
            if _local(lane) != "lane":
                continue
            name = (lane.get("name") or "").strip() or outer
            for ref in lane:
                if _local(ref) == "flowNodeRef" and ref.text:
                    lanes[ref.text.strip()] = name
            for child in lane:
                if _local(child) == "childLaneSet":
                    walk(child, name)

    for lane_set in process:
        if _local(lane_set) == "laneSet":
            walk(lane_set, "")
    return lanes


def _note_ignored(reading: _Reading) -> None:
    """Name what carries no step (annotations, data objects …) in one note per kind."""
    counted: dict[str, list[str]] = {}
    for element in reading.process.iter():
        kind = _local(element)
        if kind in IGNORED and element.get("id"):
            counted.setdefault(str(IGNORED[kind]), []).append(element.get("id"))
            reading.ledger.setdefault(element.get("id"), "note")
        elif kind in ("lane", "laneSet") and element.get("id"):
            reading.ledger.setdefault(element.get("id"), "lane")
    for what, ids in sorted(counted.items()):
        reading.notes.append(
            _("Ignored (the designer has no place for it): %(count)s × %(what)s.")
            % {"count": len(ids), "what": what}
        )


def _step_ids(elements) -> dict[str, str]:
    """A step id for each element id: readable, unique, at most 40 characters."""
    ids, taken = {}, set()
    for element in elements:
        text = element.get("id", "")
        cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text.lower())
        base = (cleaned if cleaned[:1].isalpha() else "s_" + cleaned)[:36]
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}_{number}"
        taken.add(candidate)
        ids[text] = candidate
    return ids


def _steps(reading: _Reading) -> list[dict]:
    process = reading.process
    nodes = [
        e for e in process if e.get("id") and _local(e) not in IGNORED and _local(e) not in SKIPPED
    ]
    flows = [e for e in process if _local(e) == "sequenceFlow"]
    outgoing: dict[str, list] = {}
    incoming: dict[str, int] = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
        incoming[flow.get("targetRef", "")] = incoming.get(flow.get("targetRef", ""), 0) + 1
        reading.ledger[flow.get("id", "")] = "arrow"
    passes = _pass_through(reading, nodes, outgoing, incoming)
    ids = _step_ids([e for e in nodes if e.get("id") not in passes])

    def target_of(flow, seen=()) -> str:
        """The step an arrow leads to, through start, merge and link elements."""
        target = flow.get("targetRef", "")
        if target in passes and target not in seen:
            after = passes[target]
            return target_of(after, (*seen, target)) if after is not None else ""
        return ids.get(target, "")

    starts = [e for e in nodes if _local(e) == "startEvent"]
    first = ""
    if starts and outgoing.get(starts[0].get("id")):
        first = target_of(outgoing[starts[0].get("id")][0])
    for extra in starts[1:]:
        reading.notes.append(
            _("Start event %(name)s: cases start only at the first start event.")
            % {"name": _label(extra)}
        )
    steps, element_of = [], {}
    joins = {
        e.get("id"): e for e in nodes if _local(e) == "parallelGateway" and e.get("id") in passes
    }
    for element in nodes:
        if element.get("id") in passes:
            continue
        step = _step(reading, element, outgoing.get(element.get("id"), []), target_of, ids)
        if step is not None:
            steps.append(step)
            element_of[step["id"]] = element
            reading.ledger[element.get("id")] = step["id"]
            _check_inside(reading, element)
    _parallel_shapes(reading, steps, joins, outgoing, target_of, element_of)
    steps.sort(key=lambda s: s["id"] != first)
    return steps

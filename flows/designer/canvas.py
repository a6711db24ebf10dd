"""The draft on a BPMN canvas (bpmn-js): what the canvas page loads, and its save.

The canvas edits one definition with the panels: it loads the draft's BPMN export
(:func:`.bpmn.export_bpmn`, with the saved layout) and each step's settings; it saves
the drawn diagram (steps and arrows) together with the settings the properties panel
edited. :func:`save_canvas` reads the diagram with the same import as any BPMN file
(:func:`.bpmn_import.import_bpmn`, so the same refusals apply), lays the settings over
the steps it finds, and stores the result as the draft's steps and the shapes'
positions as its ``layout``. The draft saves whatever its state: what keeps it from
being published is returned as problems (:meth:`.models.ProcessDesign.problems`), and
the shapes they concern are marked.

The properties panel is generated from the step blocks (:func:`panel_schema`), so it
offers exactly the settings of the panels, with their labels, choices and limits.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree
from django.utils.translation import gettext as _
from wagtail import blocks

from .blocks import InputBlock
from .bpmn import BPMN, JOIN, OTHER_EXITS, SP, BpmnError, _q, export_bpmn
from .bpmn_import import import_bpmn
from .diagram import failing_steps
from .kinds import StepsBlock, all_kinds, get
from .kinds.branch import ConditionBlock
from .models import ProcessDesign, stream

# What arrows say (drawn on the canvas), never a setting in the properties panel.
STRUCTURAL = frozenset(
    {"id", "kind", "next", "default", "unpaid", "refused", "tasks", "conditions"}
)
# Fields that pick from the draft itself (the panel fills these lists from the canvas).
PICKERS = {
    "person": "person",
    "earlier_task": "task",
    "until_input": "input",
    "resource_from": "input",
    "date_from": "input",
    "start_from": "input",
    "end_from": "input",
    "count_from": "input",
    "quantity_from": "input",
    "not_by_steps": "tasks",
    "attach_documents": "documents",
    "subject": "placeholders",
    "body": "placeholders",
}
CONDITION_PICKERS = {"source": "source", "value": "value"}


def _field(name: str, block, pickers: dict[str, str]) -> dict | None:
    """One panel field from one child block (None: an arrow, not a setting)."""
    described: dict[str, Any] = {
        "name": name,
        "label": str(block.label or name),
        "help": str(getattr(block.meta, "help_text", "") or getattr(block, "help_text", "") or ""),
        "required": bool(getattr(block, "required", False)),
        "default": _plain_default(block),
    }
    if name in pickers:
        described["picker"] = pickers[name]
    if isinstance(block, blocks.ListBlock):
        if not isinstance(block.child_block, blocks.StructBlock):
            return None  # a list of step ids: arrows
        described["type"] = "list"
        described["min"] = block.meta.min_num or 0
        described["item"] = [
            f for n, b in block.child_block.child_blocks.items() if (f := _field(n, b, pickers))
        ]
    elif isinstance(block, blocks.ChoiceBlock):
        described["type"] = "choice"
        described["choices"] = [
            [str(value), str(label)] for value, label in block.field.choices if value != ""
        ]
    elif isinstance(block, blocks.BooleanBlock):
        described["type"] = "bool"
    elif isinstance(block, blocks.IntegerBlock):
        described["type"] = "int"
        described["min"] = block.field.min_value
        described["max"] = block.field.max_value
    elif isinstance(block, blocks.TextBlock):
        described["type"] = "text"
    else:
        described["type"] = "char"
        described["max"] = getattr(block.field, "max_length", None)
    return described


def _plain_default(block):
    value = block.get_default()
    if isinstance(block, blocks.ListBlock):
        return []
    if isinstance(value, dict):
        return dict(value)
    return value if isinstance(value, str | int | bool | float) or value is None else None


def panel_schema() -> dict:
    """Each step kind's settings for the properties panel, and a condition's (on an arrow
    leaving a branch): ``{"kinds": {kind: {"label", "fields"}}, "condition": [...]}``.
    Built at request time: choices (offices, fees, roles) are read from the database."""
    kinds = {}
    for kind, block in StepsBlock().child_blocks.items():
        fields = [
            described
            for name, child in block.child_blocks.items()
            if name not in STRUCTURAL and (described := _field(name, child, PICKERS))
        ]
        meta = get(kind)
        kinds[kind] = {
            "label": str(block.meta.label or kind),
            "fields": fields,
            "bpmnType": meta.bpmn_type if meta else "bpmn:ServiceTask",
            "icon": meta.icon if meta else "",
            "labelField": meta.label_field if meta else "",
            "onContextPad": bool(meta and meta.on_context_pad),
            "exits": list(meta.exits) if meta else ["next"],
            "exitLabels": {k: str(v) for k, v in meta.exit_labels.items()} if meta else {},
            "conditional": bool(meta and meta.conditional),
        }
    condition = [
        described
        for name, child in ConditionBlock().child_blocks.items()
        if name != "next" and (described := _field(name, child, CONDITION_PICKERS))
    ]
    inputs = [
        described
        for name, child in InputBlock().child_blocks.items()
        if (described := _field(name, child, {}))
    ]
    return {"kinds": kinds, "condition": condition, "inputs": inputs, "new": new_step_settings()}


def new_step_settings() -> dict[str, dict]:
    """What a step drawn from the palette starts with (each kind says:
    :meth:`.kinds.StepKind.new_settings`): every required text filled, so a new step is
    complete but for its arrows."""
    return {kind.name: kind.new_settings() for kind in all_kinds()}


def settings_of(step: dict) -> dict:
    return {k: v for k, v in step.items() if k not in STRUCTURAL}


def canvas_state(design: ProcessDesign) -> dict:
    """What the canvas page loads: the diagram, each step's kind and settings (by element
    id), each condition (by its arrow's id), and the draft's problems."""
    definition = design.definition()
    xml = _canvas_labels(
        export_bpmn(key=design.key, name=design.name, definition=definition, layout=design.layout),
        definition,
    )
    steps = {s["id"]: {"kind": s["kind"], "settings": settings_of(s)} for s in definition["steps"]}
    conditions = {}
    for step in definition["steps"]:
        if step["kind"] == "branch":
            for number, condition in enumerate(step.get("conditions") or [], start=1):
                flow = f"flow_{step['id']}_{number}"  # as the export names it
                conditions[flow] = {k: v for k, v in condition.items() if k != "next"}
            if step.get("default"):
                conditions[f"flow_{step['id']}_default"] = {"default": True}
        for exit_name in OTHER_EXITS:
            if step.get(exit_name):
                conditions[f"flow_{step['id']}_{exit_name}"] = {"exit": exit_name}
    found = design.problems()
    return {
        "xml": xml,
        "steps": steps,
        "conditions": conditions,
        "problems": readable(found, definition),
        "failing": sorted(failing_steps(definition, found)),
        "inputs": definition["inputs"],
    }


def _canvas_labels(xml: bytes, definition: dict) -> str:
    """The export names gateways and waits by their step id and a status or an end by
    its value (for other tools); the canvas shows no ids or values: gateways stay
    unnamed, a wait is named by its days or input, a status or an end by its label."""
    from portal_site.cases.models import CaseStatus

    labels = {
        step["id"]: str(CaseStatus(step.get("status") or step.get("outcome")).label)
        for step in definition["steps"]
        if step["kind"] in ("status", "end")
        and (step.get("status") or step.get("outcome")) in CaseStatus.values
    }
    root = SafeTree.fromstring(xml)
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if element.get("id") in labels:
            element.set("name", labels[element.get("id")])
        elif local in ("exclusiveGateway", "parallelGateway"):
            element.set("name", "")
        elif local == "intermediateCatchEvent":
            duration = element.find(f".//{_q(BPMN, 'timeDuration')}")
            days = (duration.text or "")[1:-1] if duration is not None else ""
            element.set("name", f"{days} d" if days else element.get(_q(SP, "untilInput"), ""))
    return ElementTree.tostring(root, encoding="unicode")


def readable(found: list[str], definition: dict) -> list[str]:
    """Problems as people read them: a step by its title, never by its generated id."""
    names = {}
    for step in definition.get("steps") or []:
        label = step.get("title") or step.get("subject") or step.get("status") or ""
        names[step["id"]] = label or step.get("outcome") or step["kind"]
    result = []
    for problem in found:
        for step_id, label in names.items():
            problem = problem.replace(f"„{step_id}“", f"„{label}“")
        result.append(problem)
    return result


def _empty(field: dict):
    """A field left out: its default, or what the panels store for an empty field."""
    if field["default"] is not None:
        return field["default"]
    return {"list": [], "bool": False, "int": None}.get(field["type"], "")


def _coerce(settings: dict, fields: list[dict], *, complete: bool = False) -> dict:
    """The panel's values as the blocks hold them: unknown names dropped, each value of
    its field's type (a request may carry anything); ``complete`` fills the fields left
    out as the panels would."""
    result: dict[str, Any] = {}
    for field in fields:
        name = field["name"]
        if name not in settings:
            if complete:
                result[name] = _empty(field)
            continue
        value = settings[name]
        kind = field["type"]
        if value is None and kind != "list":
            result[name] = None  # left unset, as a loaded definition may have it
        elif kind == "list":
            items = value if isinstance(value, list) else []
            result[name] = [
                _coerce(i, field["item"], complete=True) for i in items if isinstance(i, dict)
            ][:200]
        elif kind == "bool":
            result[name] = bool(value)
        elif kind == "int":
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 7:
                number = int(value)
            result[name] = number
        else:
            text = "" if isinstance(value, dict | list) else str(value)
            result[name] = text[:10000]
    return result


def _patch(root, steps: dict, conditions: dict) -> None:
    """Write what the import reads from attributes into the drawn diagram: each step's
    kind does its own (:meth:`.kinds.StepKind.drawn`), here the conditions and exits."""
    for process in root.iter(_q(BPMN, "process")):
        for element in process:
            element_id = element.get("id", "")
            kind = (steps.get(element_id) or {}).get("kind")
            settings = (steps.get(element_id) or {}).get("settings") or {}
            local = element.tag.rsplit("}", 1)[-1]
            known = get(kind or "")
            if known is not None:  # the kind writes what the import reads of it
                known.drawn(element, settings)
            if local == "sequenceFlow" and element_id in conditions:
                exit_name = conditions[element_id].get("exit")
                if exit_name in OTHER_EXITS:  # a fee's way after a Storno, a refused booking
                    element.set(_q(SP, "exit"), exit_name)
                else:
                    _condition(process, element, conditions[element_id])


def _condition(process, flow, condition: dict) -> None:
    for old in [e for e in flow if e.tag == _q(BPMN, "conditionExpression")]:
        flow.remove(old)
    if condition.get("default"):
        source = next((e for e in process if e.get("id") == flow.get("sourceRef")), None)
        if source is not None:
            source.set("default", flow.get("id", ""))
        return
    flow.set(_q(SP, "source"), str(condition.get("source") or "?"))
    flow.set(_q(SP, "operator"), str(condition.get("operator") or "equals"))
    flow.set(_q(SP, "value"), str(condition.get("value") or ""))
    also = condition.get("also")
    if isinstance(also, list) and also:
        flow.set(_q(SP, "also"), json.dumps(also, ensure_ascii=False))


def _layout(root, ledger: dict, steps: list[dict], drawn: dict) -> dict:
    """The canvas's positions by the export's element ids (a step's id, ``start``, a
    parallel step's join); shapes the import joined away (merges) are left out."""
    flows = [
        (f.get("sourceRef", ""), f.get("targetRef", ""))
        for f in root.iter(_q(BPMN, "sequenceFlow"))
    ]
    member_of = {t: s["id"] for s in steps if s["kind"] == "parallel" for t in s["tasks"]}
    names: dict[str, str] = {}
    for element_id, became in ledger.items():
        if became == "start":
            names.setdefault(element_id, "start")
        elif became == "joined":
            for source, target in flows:
                if target == element_id and ledger.get(source) in member_of:
                    names[element_id] = member_of[ledger[source]] + JOIN
        elif became not in ("arrow", "note", "lane"):
            names[element_id] = became
    shapes = {
        names[element_id]: bounds
        for element_id, bounds in (drawn.get("shapes") or {}).items()
        if element_id in names
    }
    edges = {}
    for edge in drawn.get("edges") or []:
        if not isinstance(edge, dict):
            continue
        source, target = names.get(str(edge.get("source"))), names.get(str(edge.get("target")))
        if source and target:
            edges[f"{source}>{target}"] = edge.get("points")
    return {"shapes": shapes, "edges": edges}


def save_canvas(design: ProcessDesign, payload: dict) -> dict:
    """Store what the canvas drew and set as the draft; the new state (the ids of steps
    drawn since the last save are generated now) or :class:`BpmnError` for a diagram the
    step model cannot take (nothing is stored then)."""
    xml, steps = payload.get("xml"), payload.get("steps")
    conditions, drawn = payload.get("conditions") or {}, payload.get("layout") or {}
    if not isinstance(xml, str) or not isinstance(steps, dict):
        raise BpmnError(_("The diagram could not be read; reload the page."))
    if not isinstance(conditions, dict) or not isinstance(drawn, dict):
        raise BpmnError(_("The diagram could not be read; reload the page."))
    try:
        root = SafeTree.fromstring(xml.encode("utf-8"))
    except Exception as error:
        raise BpmnError(_("The file is not readable BPMN 2.0 XML.")) from error
    schema = panel_schema()
    kinds, condition_fields = schema["kinds"], schema["condition"]
    steps = {
        str(k): {
            "kind": v["kind"],
            "settings": _coerce(v.get("settings") or {}, kinds[v["kind"]]["fields"]),
        }
        for k, v in steps.items()
        if isinstance(v, dict) and v.get("kind") in kinds and isinstance(v.get("settings"), dict)
    }
    conditions = {
        str(k): {
            **_coerce(v, condition_fields),
            "default": bool(v.get("default")),
            "exit": v.get("exit") if v.get("exit") in OTHER_EXITS else "",
        }
        for k, v in conditions.items()
        if isinstance(v, dict)
    }
    inputs = payload.get("inputs")
    if isinstance(inputs, list):
        fields = schema["inputs"]
        design.inputs = stream(
            [_coerce(i, fields, complete=True) for i in inputs if isinstance(i, dict)], None
        )
    _patch(root, steps, conditions)
    data = import_bpmn(ElementTree.tostring(root, encoding="utf-8"))
    element_of = {became: element for element, became in data["ledger"].items()}
    result = []
    for step in data["steps"]:
        drawn_step = steps.get(element_of.get(step["id"], ""))
        if drawn_step and drawn_step["kind"] == step["kind"]:
            step.pop("to_complete", None)
            step.update(drawn_step["settings"])
            for field in kinds[step["kind"]]["fields"]:
                step.setdefault(field["name"], _empty(field))
            if step["kind"] == "wait":  # the import read a stand-in where neither is set
                step["until_input"] = drawn_step["settings"].get("until_input") or ""
        result.append(step)
    design.steps = stream(result, "kind")
    design.layout = _layout(root, data["ledger"], result, drawn)
    design.save()
    return canvas_state(design)


FORM_KINDS = {  # a form field's type -> the kind of input it provides
    "number": "number",
    "date": "date",
    "email": "email",
    "dropdown": "choice",
    "radio": "choice",
    "checkbox": "yes_no",
}


def form_inputs(limit: int = 200) -> list[dict]:
    """The online forms with the inputs their fields would provide (the canvas's start
    panel takes a form's fields as the process's inputs by picking the form)."""
    from serviceportal.form_pages import ServiceFormPage

    forms = []
    for page in ServiceFormPage.objects.live().order_by("title")[:limit]:
        inputs = [
            {
                "name": spec.name,
                "label": spec.label[:120],
                "kind": FORM_KINDS.get(spec.field_type, "text"),
                "required": bool(spec.required),
            }
            for spec in page.specific.all_fields()
            if spec.field_type != "file" and re.fullmatch(r"[a-z][a-z0-9_]{0,49}", spec.name)
        ]
        forms.append({"id": page.pk, "title": page.title, "inputs": inputs})
    return forms

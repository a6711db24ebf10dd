"""The diagram of a designed process: laid out by Graphviz (``dot``), shown as an SVG image.

Drawn from the definition itself, so the picture is what runs: a task is a
rounded box, a branch a diamond with its conditions on the arrows ("sonst" for
the default), an e-mail and a status change boxes of their own colour, an end a
double circle. On a case the step it stands at is marked. Without Graphviz on
the machine the page shows the steps as a list instead (no error).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Collection

import graphviz
from django.utils.translation import gettext as _

from portal_site.cases.models import CaseStatus

from .blocks import Operator
from .definition import DECISION, parallel_of, successors

logger = logging.getLogger(__name__)

SHAPES = {
    "task": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f1fb"},
    "branch": {"shape": "diamond", "style": "filled", "fillcolor": "#fff6d6"},
    "email": {"shape": "box", "style": "filled", "fillcolor": "#eef7ee"},
    "status": {"shape": "box", "style": "filled", "fillcolor": "#f2f2f2"},
    "wait": {"shape": "hexagon", "style": "filled", "fillcolor": "#f3ecfa"},
    "parallel": {"shape": "diamond", "style": "filled", "fillcolor": "#dfe9f7"},
    "document": {"shape": "note", "style": "filled", "fillcolor": "#fdf3e6"},
    "fee": {"shape": "box", "style": "filled", "fillcolor": "#fde8e8"},
    "reserve": {"shape": "box", "style": "filled", "fillcolor": "#e6f6f6"},
    "end": {"shape": "box", "style": "rounded,bold", "peripheries": "2"},
}
CURRENT = {"color": "#c4001a", "penwidth": "3"}
FAILING = {"color": "#b00020", "penwidth": "2", "style": "dashed,filled", "fillcolor": "#fde2e2"}


def failing_steps(definition: dict, found: list[str]) -> set[str]:
    """The steps the check's problems name (each problem names its step as „id“)."""
    named = " ".join(found)
    return {step["id"] for step in definition.get("steps") or [] if f"„{step['id']}“" in named}


# The placeholders every text may use (besides the inputs' and the task fields' names).
def built_in_values() -> dict[str, str]:
    return {
        "case_number": _("case number"),
        "title": _("title"),
        "applicant_name": _("applicant's name"),
        "office": _("office"),
        "invoice_reference": _("payment reference"),
        "invoice_total": _("amount"),
        "resource": _("resource"),
        "reservation": _("reservation"),
    }


PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Names:
    """What a definition's ids and value names are called for people: a task's title, an
    input's or a task field's label, a fee's name from the fee schedule."""

    def __init__(self, definition: dict | None) -> None:
        definition = definition or {}
        steps = definition.get("steps") or []
        self.tasks = {s["id"]: s.get("title") or s["id"] for s in steps if s["kind"] == "task"}
        self.values = {**built_in_values()}
        for item in definition.get("inputs") or []:
            self.values[item["name"]] = item.get("label") or item["name"]
        for step in steps:
            for field in step.get("fields") or []:
                self.values[field["name"]] = field.get("label") or field["name"]
        self._fees: dict[str, str] | None = None

    def value(self, name: str) -> str:
        return self.values.get(name, name)

    def text(self, template: str) -> str:
        """A text with its placeholders shown as what they stand for: ‹Familienname›."""
        return PLACEHOLDER.sub(lambda m: f"‹{self.value(m.group(1))}›", template or "")

    def fee(self, key: str) -> str:
        if self._fees is None:
            from shop.models import Fee

            self._fees = dict(Fee.objects.values_list("booking_key", "name"))
        name = self._fees.get(key)
        return f"{name} ({key})" if name else key

    def source(self, source: str) -> str:
        if source.startswith(DECISION):
            task = source[len(DECISION) :]
            return _("decision on “%(task)s”") % {"task": self.tasks.get(task, task)}
        return self.value(source)


def step_label(step: dict, names: Names | None = None) -> str:
    """The step as people read it: titles, labels and names, never ids or placeholders."""
    names = names or Names(None)
    kind = step["kind"]
    if kind == "task":
        return _("Task: %(title)s") % {"title": step["title"]}
    if kind == "branch":
        sources = []
        for condition in step.get("conditions") or []:
            label = names.source(condition["source"])
            if label not in sources:
                sources.append(label)
        return _("Branch by %(sources)s") % {"sources": ", ".join(sources) or step["id"]}
    if kind == "email":
        return _("E-mail: %(subject)s") % {"subject": names.text(step["subject"])}
    if kind == "wait":
        if step.get("days"):
            return _("Wait %(days)s days") % {"days": step["days"]}
        return _("Wait until %(input)s") % {"input": names.value(step.get("until_input") or "")}
    if kind == "status":
        return _("Status: %(status)s") % {"status": _status_label(step["status"])}
    if kind == "parallel":
        titles = [names.tasks.get(task, task) for task in step.get("tasks") or []]
        return _("At the same time: %(tasks)s") % {"tasks": ", ".join(titles)}
    if kind == "document":
        return _("Document: %(title)s") % {"title": names.text(step["title"])}
    if kind == "fee":
        return _("Fee: %(keys)s") % {
            "keys": ", ".join(names.fee(line["booking_key"]) for line in step["lines"])
        }
    if kind == "reserve":
        return _("Reservation: %(value)s") % {"value": names.value(step["resource_from"])}
    return _("End (%(outcome)s)") % {"outcome": _status_label(step["outcome"])}


def _status_label(value: str) -> str:
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return value


def _condition(condition: dict, names: Names) -> str:
    parts = (condition, *(condition.get("also") or []))
    return _(" and ").join(_part(part, names) for part in parts)


def _part(condition: dict, names: Names) -> str:
    source = names.source(condition["source"])
    operator = dict(Operator.CHOICES).get(condition["operator"], condition["operator"])
    return f"{source} {operator} {condition.get('value') or ''}".strip()


def dot_source(
    definition: dict, *, current: str | None = None, failing: Collection[str] = frozenset()
) -> graphviz.Digraph:
    graph = graphviz.Digraph(
        graph_attr={"rankdir": "TB", "fontname": "DejaVu Sans", "nodesep": "0.4"},
        node_attr={"fontname": "DejaVu Sans", "fontsize": "11"},
        edge_attr={"fontname": "DejaVu Sans", "fontsize": "9"},
    )
    steps = definition.get("steps") or []
    ids = {step["id"] for step in steps}
    members = parallel_of(definition) if steps else {}
    names = Names(definition)
    if steps:
        graph.node("__start", _("Start"), shape="circle", width="0.4")
        graph.edge("__start", steps[0]["id"])
    for step in steps:
        attributes = dict(SHAPES.get(step["kind"], {}))
        label = step_label(step, names)
        if step["id"] in failing:  # the draft's problems are marked on their shapes
            attributes.update(FAILING)
            label = f"⚠ {label}"
        if step["id"] == current:
            attributes.update(CURRENT)
        graph.node(step["id"], label, **attributes)
        if step["kind"] == "branch":
            for condition in step["conditions"]:
                if condition["next"] in ids:
                    graph.edge(step["id"], condition["next"], label=_condition(condition, names))
            if step.get("default") in ids:
                graph.edge(step["id"], step["default"], label=_("otherwise"), style="dashed")
            continue
        if step["id"] in members:  # a parallel task: on to its step's next, when all decided
            target = members[step["id"]].get("next")
            if target in ids:
                graph.edge(step["id"], target, style="bold")
            continue
        exits = {step.get("unpaid"): _("not paid"), step.get("refused"): _("not available")}
        for target in successors(step):
            if target not in ids:
                continue
            if step["kind"] == "parallel" and target != step.get("next"):
                graph.edge(step["id"], target, style="bold")
            elif step["kind"] == "parallel":
                continue  # the parallel tasks' arrows lead there
            elif target in exits and target != step.get("next"):
                graph.edge(step["id"], target, label=exits[target], style="dashed")
            else:
                graph.edge(step["id"], target)
    return graph


def svg_data_url(
    definition: dict, *, current: str | None = None, failing: Collection[str] = frozenset()
) -> str:
    """The diagram as a ``data:`` URL for an ``<img>`` (scripts in an image never run);
    "" when Graphviz cannot draw it. ``failing`` steps are drawn dashed red with ⚠."""
    try:
        svg = dot_source(definition, current=current, failing=failing).pipe(format="svg")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError):
        logger.warning("Graphviz could not draw a process diagram", exc_info=True)
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

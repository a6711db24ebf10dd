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
from collections.abc import Collection

import graphviz
from django.utils.translation import gettext as _

from .definition import parallel_of
from .kinds import kind_of
from .names import Names, built_in_values  # noqa: F401 - built_in_values: the pages' insert menu

logger = logging.getLogger(__name__)

CURRENT = {"color": "#c4001a", "penwidth": "3"}
FAILING = {"color": "#b00020", "penwidth": "2", "style": "dashed,filled", "fillcolor": "#fde2e2"}


def failing_steps(definition: dict, found: list[str]) -> set[str]:
    """The steps the check's problems name (each problem names its step as „id“)."""
    named = " ".join(found)
    return {step["id"] for step in definition.get("steps") or [] if f"„{step['id']}“" in named}


def step_label(step: dict, names: Names | None = None) -> str:
    """The step as people read it: titles, labels and names, never ids or placeholders."""
    return kind_of(step).label(step, names or Names(None))


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
        kind = kind_of(step)
        attributes = dict(kind.shape)
        label = kind.label(step, names)
        if step["id"] in failing:  # the draft's problems are marked on their shapes
            attributes.update(FAILING)
            label = f"⚠ {label}"
        if step["id"] == current:
            attributes.update(CURRENT)
        graph.node(step["id"], label, **attributes)
        if step["id"] in members:  # a parallel task: on to its step's next, when all decided
            target = members[step["id"]].get("next")
            if target in ids:
                graph.edge(step["id"], target, style="bold")
            continue
        for target, edge in kind.edges(step, names):
            if target in ids:
                graph.edge(step["id"], target, **edge)
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

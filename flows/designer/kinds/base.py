"""What a step kind is (:class:`StepKind`) and the registry of the kinds.

A kind is one module of this package with one subclass of :class:`StepKind` marked
``@register``: its block (the settings, which the form's panel and the canvas's
properties panel show), what is new on the canvas, its arrows, its checks, its label
and drawing, its BPMN mapping and how the interpreter runs it. Adding a kind is adding
a module here; the draft's blocks (:data:`flows.designer.kinds.StepsBlock`), the check,
the diagram, the export and import, the canvas and the interpreter read the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from wagtail import blocks

from ..bpmn_xml import BPMN, SP, _q, _settings
from ..definition import DefinitionError

if TYPE_CHECKING:
    from ..names import Names

_KINDS: dict[str, StepKind] = {}


def register(cls: type[StepKind]) -> type[StepKind]:
    """Class decorator: the kind's one instance joins the registry under its name."""
    _KINDS[cls.name] = cls()
    return cls


def all_kinds() -> list[StepKind]:
    """Every kind, in the order the form offers them."""
    from . import load

    load()
    return sorted(_KINDS.values(), key=lambda kind: kind.order)


def get(name: str) -> StepKind | None:
    from . import load

    load()
    return _KINDS.get(name)


def kind_of(step: dict) -> StepKind:
    """The kind of a step of a definition (an unknown kind is a definition error)."""
    kind = get(step.get("kind") or "")
    if kind is None:
        raise DefinitionError(_("Unknown kind of step: %(kind)s") % {"kind": step.get("kind")})
    return kind


def successors(step: dict) -> list[str]:
    """The steps a step can lead to (a parallel step: its tasks, then its next step)."""
    return kind_of(step).successors(step)


@dataclass
class Check:
    """What a step's check looks at besides the step: the whole draft."""

    by_id: dict[str, dict]
    tasks: dict[str, dict]  # the task steps by id
    inputs: set[str]  # the names steps can read: inputs and the fields clerks fill in
    members: dict[str, dict]  # a parallel step's task -> the parallel step


@dataclass
class Run:
    """One pass of the interpreter over a case's automatic steps."""

    process: Any  # the case's DesignedProcess
    case: Any
    steps: dict[str, dict]  # the version's steps by id
    flow: Any = None  # the DesignedFlow, for what a kind needs of it
    notes: list[str] = field(default_factory=list)

    def known(self, step: dict, target: str) -> str:
        """``target`` if it is a step of the version; a definition error otherwise."""
        if target not in self.steps:
            raise DefinitionError(
                _("The step “%(id)s” continues with “%(next)s”, which does not exist.")
                % {"id": step["id"], "next": target}
            )
        return target


class StepKind:
    """One kind of step. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    order: ClassVar[int]  # its place in the form's "add a step" menu
    exits: ClassVar[tuple[str, ...]] = ("next",)  # the settings that are arrows
    # The interpreter's node a case waits in at this step ("" : it runs at once).
    waits_in: ClassVar[str] = ""
    # The canvas: the BPMN element drawn, its palette icon, the setting that names it.
    bpmn_type: ClassVar[str] = "bpmn:ServiceTask"
    icon: ClassVar[str] = "bpmn-icon-service-task"
    label_field: ClassVar[str] = ""
    on_context_pad: ClassVar[bool] = True  # offered to append after a selected step
    # The ways out besides "next", as the arrow's panel names them; a branch's arrows
    # carry conditions instead.
    exit_labels: ClassVar[dict[str, Any]] = {}
    exit_edges: ClassVar[dict[str, Any]] = {}  # the drawing's label of such an arrow
    # The placeholders the steps after it may use (the invoice's reference after a fee).
    provides: ClassVar[tuple[str, ...]] = ()
    conditional: ClassVar[bool] = False
    # The drawing (Graphviz attributes of its shape).
    shape: ClassVar[dict[str, str]] = {"shape": "box", "style": "filled", "fillcolor": "#f2f2f2"}

    def block(self) -> blocks.StructBlock:
        raise NotImplementedError

    def new_settings(self) -> dict:
        """What a step drawn from the canvas's palette starts with."""
        return {}

    # -- the flow of steps
    def successors(self, step: dict) -> list[str]:
        return [step[exit_name] for exit_name in self.exits if step.get(exit_name)]

    def problems(self, step: dict, check: Check) -> list[str]:
        """What keeps this step from running, in German, naming the step."""
        if "next" in self.exits and not step.get("next"):
            return [_("Step “%(id)s” does not say which step follows.") % {"id": step["id"]}]
        return []

    # -- how people see it
    def label(self, step: dict, names: Names) -> str:
        raise NotImplementedError

    def edges(self, step: dict, names: Names) -> list[tuple[str, dict[str, str]]]:
        """The drawing's arrows from this step: (target, Graphviz attributes); a way out
        besides "next" is dashed, with its label."""
        edges: list[tuple[str, dict[str, str]]] = []
        for exit_name in self.exits:
            target = step.get(exit_name)
            if not target or (exit_name != "next" and target == step.get("next")):
                continue
            if exit_name == "next":
                edges.append((target, {}))
            else:
                label = str(self.exit_edges.get(exit_name, ""))
                edges.append((target, {"label": label, "style": "dashed"}))
        return edges

    # -- BPMN
    def export(self, process, step: dict, flows: list) -> ElementTree.Element | None:
        """The step as a BPMN element of ``process``; its arrows go into ``flows`` as
        (id, source, target, condition or None, exit name). The default: a service task
        of this portal's kind with its settings as extension elements."""
        label = step.get("subject") or step.get("title") or step.get("status") or step["id"]
        element = ElementTree.SubElement(
            process, _q(BPMN, "serviceTask"), {"id": step["id"], "name": label}
        )
        element.set(_q(SP, "kind"), self.name)
        settings = [k for k in step if k not in ("kind", "id", *self.exits)]
        _settings(element, step, settings)
        for other in self.exits:
            if other != "next" and step.get(other):
                flows.append((f"flow_{step['id']}_{other}", step["id"], step[other], None, other))
        if step.get("next"):
            flows.append((f"flow_{step['id']}_next", step["id"], step["next"], None, ""))
        return element

    def drawn(self, element, settings: dict) -> None:
        """A step of this kind drawn on the canvas (bpmn-js wrote ``element``, the settings
        are the properties panel's): write what the BPMN import reads from the element."""
        if element.tag == _q(BPMN, "serviceTask"):
            element.set(_q(SP, "kind"), self.name)

    def imported(self, step: dict, element) -> dict:
        """A service task of this kind read from a BPMN file: fill what it lacks."""
        return step

    # -- running
    def proceed(self, step: dict, run: Run) -> str | None:
        """Run the step; the id of the step that follows, or None: the case stops here
        (it waits in the node ``waits_in``, or has ended). The next step is looked up
        before the step acts, so a definition error stops in front of the step."""
        from ..acting import acting

        target = run.known(step, self.target(step, run))
        with acting(step):
            self.act(step, run)
        return target

    def target(self, step: dict, run: Run) -> str:
        return step["next"]

    def act(self, step: dict, run: Run) -> None:
        """What the step does to the case (an e-mail, a letter, a status)."""

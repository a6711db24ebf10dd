"""*Verzweigung*: the first condition that holds (with all its "and also") decides,
otherwise the default; conditions come from a fixed menu, nothing is run as code."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import effects
from ..blocks import Operator, next_step, step_id
from ..bpmn_xml import BPMN, _q
from ..definition import arm_holds, condition_problems
from ..names import condition_text
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


def condition_source() -> blocks.CharBlock:
    return blocks.CharBlock(
        label=_("Value"),
        max_length=80,
        help_text=_("“decision:<task id>” for a task's decision, or the name of an input."),
    )


class AlsoBlock(blocks.StructBlock):
    """A further condition that must hold too (and)."""

    source = condition_source()
    operator = blocks.ChoiceBlock(choices=Operator.CHOICES, label=_("Condition"))
    value = blocks.CharBlock(label=_("Compared with"), required=False, max_length=200)


class ConditionBlock(blocks.StructBlock):
    source = condition_source()
    operator = blocks.ChoiceBlock(choices=Operator.CHOICES, label=_("Condition"))
    value = blocks.CharBlock(label=_("Compared with"), required=False, max_length=200)
    also = blocks.ListBlock(
        AlsoBlock(),
        label=_("and also (all must hold)"),
        min_num=0,
        default=[],
        help_text=_("For “or”, add another condition with the same next step."),
    )
    next = next_step()


class BranchBlock(blocks.StructBlock):
    """Verzweigung: the first condition that holds (with all its "and also") decides;
    otherwise the default. Several conditions leading to one step say "or"."""

    id = step_id()
    conditions = blocks.ListBlock(ConditionBlock(), label=_("Conditions"), min_num=1)
    default = next_step(required=False)

    class Meta:
        icon = "fork"
        label = _("Branch")


@register
class Branch(StepKind):
    name = "branch"
    order = 20
    exits = ()
    conditional = True
    bpmn_type = "bpmn:ExclusiveGateway"
    icon = "bpmn-icon-gateway-xor"
    shape = {"shape": "diamond", "style": "filled", "fillcolor": "#fff6d6"}

    def block(self):
        return BranchBlock()

    def successors(self, step: dict) -> list[str]:
        targets = [condition["next"] for condition in step["conditions"]]
        return targets + ([step["default"]] if step.get("default") else [])

    def problems(self, step: dict, check: Check) -> list[str]:
        found = []
        if not step.get("default"):
            found.append(gettext("Branch “%(id)s” has no default step.") % {"id": step["id"]})
        for condition in step["conditions"]:
            for part in (condition, *(condition.get("also") or [])):
                found += condition_problems(step["id"], part, check.tasks, check.inputs)
        return found

    def label(self, step: dict, names: Names) -> str:
        sources = []
        for condition in step.get("conditions") or []:
            label = names.source(condition["source"])
            if label not in sources:
                sources.append(label)
        return gettext("Branch by %(sources)s") % {"sources": ", ".join(sources) or step["id"]}

    def edges(self, step: dict, names: Names) -> list[tuple[str, dict[str, str]]]:
        edges = [(c["next"], {"label": condition_text(c, names)}) for c in step["conditions"]]
        if step.get("default"):
            edges.append((step["default"], {"label": gettext("otherwise"), "style": "dashed"}))
        return edges

    def export(self, process, step: dict, flows: list):
        element = ElementTree.SubElement(
            process, _q(BPMN, "exclusiveGateway"), {"id": step["id"], "name": step["id"]}
        )
        for number, condition in enumerate(step["conditions"], start=1):
            flows.append(
                (f"flow_{step['id']}_{number}", step["id"], condition["next"], condition, "")
            )
        if step.get("default"):
            default = f"flow_{step['id']}_default"
            element.set("default", default)
            flows.append((default, step["id"], step["default"], None, ""))
        return element

    def target(self, step: dict, run: Run) -> str:
        values = effects.values_of(run.process, run.case)
        for condition in step["conditions"]:
            if arm_holds(condition, decisions=run.process.decisions or {}, inputs=values):
                return condition["next"]
        return step["default"]

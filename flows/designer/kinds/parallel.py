"""*Parallel*: several tasks at once, each in its own queue; goes on when all (or the
first) are decided (viewflow's split and join, the interpreter's node ``parallel``)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..blocks import ParallelMode, next_step, step_id
from ..bpmn_xml import BPMN, JOIN, SP, _q
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class ParallelBlock(blocks.StructBlock):
    """Parallel: several tasks at once; goes on when all (or the first) are decided."""

    id = step_id()
    tasks = blocks.ListBlock(
        blocks.CharBlock(label=_("Task (its id)"), max_length=40),
        label=_("Tasks at the same time"),
        min_num=2,
    )
    mode = blocks.ChoiceBlock(
        choices=ParallelMode.CHOICES, label=_("Go on"), default=ParallelMode.ALL
    )
    next = next_step()

    class Meta:
        icon = "list-ul"
        label = _("Parallel")


@register
class Parallel(StepKind):
    name = "parallel"
    order = 30
    waits_in = "parallel"
    bpmn_type = "bpmn:ParallelGateway"
    icon = "bpmn-icon-gateway-parallel"
    on_context_pad = False  # drawn from the palette: a split and, after its tasks, a join
    shape = {"shape": "diamond", "style": "filled", "fillcolor": "#dfe9f7"}

    def block(self):
        return ParallelBlock()

    def new_settings(self) -> dict:
        return {"mode": "all"}

    def successors(self, step: dict) -> list[str]:
        return list(step.get("tasks") or []) + ([step["next"]] if step.get("next") else [])

    def problems(self, step: dict, check: Check) -> list[str]:
        found = super().problems(step, check)
        for task_id in step.get("tasks") or []:
            if task_id not in check.tasks:
                found.append(
                    gettext("Parallel step “%(id)s” names “%(task)s”, which is no task.")
                    % {"id": step["id"], "task": task_id}
                )
        return found

    def label(self, step: dict, names: Names) -> str:
        titles = [names.tasks.get(task, task) for task in step.get("tasks") or []]
        return gettext("At the same time: %(tasks)s") % {"tasks": ", ".join(titles)}

    def edges(self, step: dict, names: Names) -> list[tuple[str, dict[str, str]]]:
        # to each task, bold; the tasks' arrows lead on to the next step
        return [(task, {"style": "bold"}) for task in step.get("tasks") or []]

    def export(self, process, step: dict, flows: list):
        step_id_ = step["id"]
        split = ElementTree.SubElement(
            process,
            _q(BPMN, "parallelGateway"),
            {"id": step_id_, "name": step_id_, "gatewayDirection": "Diverging"},
        )
        split.set(_q(SP, "mode"), step.get("mode") or "all")
        split.set(_q(SP, "join"), step_id_ + JOIN)
        ElementTree.SubElement(
            process,
            _q(BPMN, "parallelGateway"),
            {"id": step_id_ + JOIN, "name": step_id_, "gatewayDirection": "Converging"},
        )
        for number, task in enumerate(step["tasks"], start=1):
            flows.append((f"flow_{step_id_}_{number}", step_id_, task, None, ""))
        flows.append((f"flow_{step_id_}_next", step_id_ + JOIN, step["next"], None, ""))
        return split

    def drawn(self, element, settings: dict) -> None:
        element.set(_q(SP, "mode"), str(settings.get("mode") or "all"))

    def proceed(self, step: dict, run: Run) -> str | None:
        return None  # the interpreter's split starts the tasks

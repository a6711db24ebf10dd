"""*Ende*: how the case ends (completed, rejected, cancelled), the status the applicant
sees; rejected and cancelled release the case's reservations."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.cases.services import change_status

from .. import effects
from ..blocks import Outcome, step_id
from ..bpmn_xml import BPMN, SP, _q
from ..names import status_label
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class EndBlock(blocks.StructBlock):
    """Ende: how the case ends, with the status the applicant sees."""

    id = step_id()
    outcome = blocks.ChoiceBlock(choices=Outcome.CHOICES, label=_("Outcome"))

    class Meta:
        icon = "success"
        label = _("End")


@register
class End(StepKind):
    name = "end"
    order = 100
    exits = ()
    bpmn_type = "bpmn:EndEvent"
    icon = "bpmn-icon-end-event-none"
    label_field = "outcome"
    on_context_pad = True
    shape = {"shape": "box", "style": "rounded,bold", "peripheries": "2"}

    def block(self):
        return EndBlock()

    def new_settings(self) -> dict:
        return {"outcome": "completed"}

    def problems(self, step: dict, check: Check) -> list[str]:
        return []

    def label(self, step: dict, names: Names) -> str:
        return gettext("End (%(outcome)s)") % {"outcome": status_label(step["outcome"])}

    def export(self, process, step: dict, flows: list):
        element = ElementTree.SubElement(
            process, _q(BPMN, "endEvent"), {"id": step["id"], "name": step["outcome"]}
        )
        element.set(_q(SP, "outcome"), step["outcome"])
        return element

    def drawn(self, element, settings: dict) -> None:
        element.set(_q(SP, "outcome"), str(settings.get("outcome") or "completed"))

    def proceed(self, step: dict, run: Run) -> str | None:
        if step["outcome"] != "completed":
            effects.release_reservations(run.case)
        if run.case.status != step["outcome"]:
            change_status(case=run.case, status=step["outcome"])
        return None

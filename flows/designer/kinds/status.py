"""*Status setzen*: what the applicant sees on the status page (in progress, paused)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.cases.models import CaseStatus
from portal_site.cases.services import change_status

from ..blocks import next_step, step_id
from ..names import status_label
from .base import Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class StatusBlock(blocks.StructBlock):
    """Status setzen: what the applicant sees on the status page."""

    id = step_id()
    status = blocks.ChoiceBlock(
        choices=[
            (status, CaseStatus(status).label)
            for status in (CaseStatus.IN_PROGRESS, CaseStatus.PAUSED)
        ],
        label=_("Status"),
    )
    next = next_step()

    class Meta:
        icon = "tick"
        label = _("Set status")


@register
class Status(StepKind):
    name = "status"
    order = 80
    icon = "bpmn-icon-manual-task"
    label_field = "status"
    shape = {"shape": "box", "style": "filled", "fillcolor": "#f2f2f2"}

    def block(self):
        return StatusBlock()

    def new_settings(self) -> dict:
        return {"status": "in_progress"}

    def label(self, step: dict, names: Names) -> str:
        return gettext("Status: %(status)s") % {"status": status_label(step["status"])}

    def imported(self, step: dict, element) -> dict:
        step.setdefault("status", "in_progress")
        return step

    def act(self, step: dict, run: Run) -> None:
        change_status(case=run.case, status=step["status"])

"""*Reservierung*: a resource of the catalogue for a span, under a row lock on the
resource; taken or too small: the step the designer chose for "not available"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.cases import events
from portal_site.cases.services import record

from .. import effects
from ..acting import acting
from ..blocks import next_step, step_id
from ..definition import reserve_problems
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class ReserveBlock(blocks.StructBlock):
    """Reservierung: a bookable resource for a time span, refused when taken or too small."""

    id = step_id()
    resource_from = blocks.CharBlock(
        label=_("Resource from the value"),
        max_length=50,
        help_text=_("Its name in the catalogue."),
    )
    date_from = blocks.CharBlock(label=_("Date from the value"), max_length=50)
    start_from = blocks.CharBlock(label=_("Start time from the value"), max_length=50)
    end_from = blocks.CharBlock(label=_("End time from the value"), max_length=50)
    count_from = blocks.CharBlock(
        label=_("Number of people from the value"), required=False, max_length=50
    )
    next = next_step()
    refused = blocks.CharBlock(label=_("Step when the resource is not available"), max_length=40)

    class Meta:
        icon = "date"
        label = _("Reservation")


@register
class Reserve(StepKind):
    name = "reserve"
    order = 70
    exits = ("next", "refused")
    exit_labels = {"refused": _("The way when the resource is not available")}
    exit_edges = {"refused": _("not available")}
    provides = ("resource", "reservation")
    icon = "bpmn-icon-business-rule-task"
    shape = {"shape": "box", "style": "filled", "fillcolor": "#e6f6f6"}

    def block(self):
        return ReserveBlock()

    def problems(self, step: dict, check: Check) -> list[str]:
        return super().problems(step, check) + reserve_problems(step, check.inputs)

    def label(self, step: dict, names: Names) -> str:
        return gettext("Reservation: %(value)s") % {"value": names.value(step["resource_from"])}

    def proceed(self, step: dict, run: Run) -> str | None:
        with acting(step):
            try:
                done, message = effects.reserve(step, process=run.process, case=run.case)
            except effects.StepFailed as error:  # e.g. "9 Uhr": not available, the reason
                done, message = False, events.RESERVATION_REFUSED(reason=str(error))
            record(case=run.case, message=message)
            target = step["next"] if done else step["refused"]
        return target

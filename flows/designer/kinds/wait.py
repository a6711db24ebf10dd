"""*Warten*: the case waits some days, or until the date an input gives, on viewflow's
own database timer (the interpreter's node ``waiting``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.cases import events
from portal_site.cases.services import record
from portal_site.processes import inputs_of

from ..blocks import next_step, step_id
from ..bpmn_xml import BPMN, SP, _q
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class WaitBlock(blocks.StructBlock):
    """Warten: for a number of days, or until the date an input gives."""

    id = step_id()
    days = blocks.IntegerBlock(label=_("Days"), required=False, min_value=1, max_value=730)
    until_input = blocks.CharBlock(
        label=_("Until the date of the input"),
        required=False,
        max_length=50,
        help_text=_("The name of a date input; instead of days."),
    )
    next = next_step()

    class Meta:
        icon = "time"
        label = _("Wait")


@register
class Wait(StepKind):
    name = "wait"
    order = 90
    waits_in = "waiting"
    bpmn_type = "bpmn:IntermediateCatchEvent"
    icon = "bpmn-icon-intermediate-event-catch-timer"
    label_field = "days"
    shape = {"shape": "hexagon", "style": "filled", "fillcolor": "#f3ecfa"}

    def block(self):
        return WaitBlock()

    def new_settings(self) -> dict:
        return {"days": 14}

    def problems(self, step: dict, check: Check) -> list[str]:
        found = super().problems(step, check)
        name, until = step["id"], (step.get("until_input") or "").strip()
        if bool(step.get("days")) == bool(until):
            found.append(
                gettext("Wait “%(id)s” needs either a number of days or a date input.")
                % {"id": name}
            )
        elif until and until not in check.inputs:
            found.append(
                gettext("Wait “%(id)s” waits for the input “%(input)s”, which does not exist.")
                % {"id": name, "input": until}
            )
        return found

    def label(self, step: dict, names: Names) -> str:
        if step.get("days"):
            return gettext("Wait %(days)s days") % {"days": step["days"]}
        return gettext("Wait until %(input)s") % {
            "input": names.value(step.get("until_input") or "")
        }

    def export(self, process, step: dict, flows: list):
        element = ElementTree.SubElement(
            process, _q(BPMN, "intermediateCatchEvent"), {"id": step["id"], "name": step["id"]}
        )
        timer = ElementTree.SubElement(element, _q(BPMN, "timerEventDefinition"))
        if step.get("days"):
            duration = ElementTree.SubElement(timer, _q(BPMN, "timeDuration"))
            duration.text = f"P{int(step['days'])}D"
        else:
            element.set(_q(SP, "untilInput"), step.get("until_input") or "")
        if step.get("next"):
            flows.append((f"flow_{step['id']}_next", step["id"], step["next"], None, ""))
        return element

    def drawn(self, element, settings: dict) -> None:
        timer = element.find(_q(BPMN, "timerEventDefinition"))
        if timer is None:
            timer = ElementTree.SubElement(element, _q(BPMN, "timerEventDefinition"))
        for old in list(timer):
            timer.remove(old)
        days = settings.get("days")
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            ElementTree.SubElement(timer, _q(BPMN, "timeDuration")).text = f"P{days}D"
        else:
            # Neither set yet: a stand-in lets the import take the wait (the settings
            # overwrite it; the check then asks for days or a date).
            element.set(_q(SP, "untilInput"), str(settings.get("until_input") or "-"))

    def proceed(self, step: dict, run: Run) -> str | None:
        """Due: on to the next step; otherwise the case waits on the timer (the first
        time, the day is fixed and noted on the timeline)."""
        process, case = run.process, run.case
        if not process.wait_until:
            if step.get("days"):
                until = timezone.localdate() + timedelta(days=int(step["days"]))
            else:
                value = inputs_of(case).get(step.get("until_input") or "")
                until = parse_date(str(value or "")) or timezone.localdate()
            process.wait_until = until.isoformat()
            record(case=case, message=events.WAITING_UNTIL(date=until))
        due = parse_date(process.wait_until) or timezone.localdate()
        if due > timezone.localdate():
            return None
        process.wait_until = ""
        return run.known(step, step["next"])

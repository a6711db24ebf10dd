"""*Gebühr*: fee lines from the fee schedule, the invoice with its Kassenzeichen, and the
wait for the money (the money chain's node); not paid in time: the Storno and the step
the designer chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.cases import events
from portal_site.cases.models import CaseStatus
from portal_site.cases.services import change_status, record

from .. import effects
from ..acting import acting
from ..blocks import fee_choices, next_step, step_id
from ..definition import fee_problems
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class FeeLineBlock(blocks.StructBlock):
    booking_key = blocks.ChoiceBlock(
        choices=fee_choices,
        label=_("Fee (fee schedule)"),
        help_text=_("A fee that is not listed yet: create it under Finance → Fee schedule."),
    )
    quantity_from = blocks.CharBlock(
        label=_("Quantity from the value"),
        required=False,
        max_length=50,
        help_text=_("The name of a number input or field; empty: 1."),
    )


class FeeBlock(blocks.StructBlock):
    """Gebühr: fee lines from the fee schedule, the invoice, and the wait for payment."""

    id = step_id()
    subject = blocks.CharBlock(label=_("Subject of the invoice"), max_length=200)
    lines = blocks.ListBlock(FeeLineBlock(), label=_("Fee lines"), min_num=1)
    next = next_step()
    unpaid = blocks.CharBlock(label=_("Step after a Storno (not paid in time)"), max_length=40)

    class Meta:
        icon = "form"
        label = _("Fee")


@register
class Fee(StepKind):
    name = "fee"
    order = 60
    exits = ("next", "unpaid")
    waits_in = "await_payment"
    exit_labels = {"unpaid": _("The way after a Storno (not paid in time)")}
    exit_edges = {"unpaid": _("not paid")}
    provides = ("invoice_reference", "invoice_total")
    icon = "bpmn-icon-service-task"
    label_field = "subject"
    shape = {"shape": "box", "style": "filled", "fillcolor": "#fde8e8"}

    def block(self):
        return FeeBlock()

    def new_settings(self) -> dict:
        return {"subject": gettext("Fee"), "lines": []}

    def problems(self, step: dict, check: Check) -> list[str]:
        return super().problems(step, check) + fee_problems(step, check.inputs)

    def label(self, step: dict, names: Names) -> str:
        return gettext("Fee: %(keys)s") % {
            "keys": ", ".join(names.fee(line["booking_key"]) for line in step["lines"])
        }

    def proceed(self, step: dict, run: Run) -> str | None:
        if (run.case.data or {}).get("test_run"):
            # A test run charges nothing: no Kassenzeichen, no booking.
            from ..names import Names

            fees = Names(None)
            record(
                case=run.case,
                message=events.TEST_RUN_FEE_SKIPPED(
                    fee=", ".join(fees.fee(line["booking_key"]) for line in step["lines"])
                ),
            )
            return run.known(step, step["next"])
        with acting(step):
            effects.issue_fee(step, process=run.process, case=run.case)
            change_status(case=run.case, status=CaseStatus.WAITING_FOR_PAYMENT)
        return None  # the money chain's node waits for the payment

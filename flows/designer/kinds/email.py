"""*E-Mail*: to the applicant, the office, another office, a role or an address, with
placeholders filled as people read them and earlier documents (and the reservation's
calendar entry) attached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.notifications.letters import placeholders_in

from .. import effects
from ..blocks import PLACEHOLDER_HELP, Recipient, next_step, office_field, role_choices, step_id
from ..definition import (
    FEE_PLACEHOLDERS,
    PLACEHOLDERS,
    RESERVATION_PLACEHOLDERS,
    recipient_problems,
)
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class EmailBlock(blocks.StructBlock):
    """E-Mail from an editable text with placeholders."""

    id = step_id()
    to = blocks.ChoiceBlock(choices=Recipient.CHOICES, label=_("To"))
    office = office_field(_("For “another office”."))
    role = blocks.ChoiceBlock(
        choices=role_choices,
        label=_("Role"),
        required=False,
        help_text=_("For “a role”."),
    )
    address = blocks.EmailBlock(label=_("Address"), required=False)
    subject = blocks.CharBlock(label=_("Subject"), max_length=200)
    body = blocks.TextBlock(label=_("Text"), help_text=PLACEHOLDER_HELP)
    attach_documents = blocks.CharBlock(
        label=_("Attach documents (ids of document steps, separated by commas)"),
        required=False,
        max_length=200,
    )
    attach_calendar = blocks.BooleanBlock(
        label=_("Attach the reservation as calendar entry (.ics)"), required=False
    )
    next = next_step()

    class Meta:
        icon = "mail"
        label = _("E-mail")


def placeholder_problems(step: dict, check: Check) -> list[str]:
    """A subject or text naming a value that does not exist."""
    known = set(PLACEHOLDERS) | set(FEE_PLACEHOLDERS) | set(RESERVATION_PLACEHOLDERS)
    known |= check.inputs
    return [
        gettext("Step “%(id)s” uses the placeholder {%(name)s}, which does not exist.")
        % {"id": step["id"], "name": placeholder}
        for placeholder in placeholders_in(step["subject"] + step["body"])
        if placeholder not in known
    ]


@register
class Email(StepKind):
    name = "email"
    order = 40
    icon = "bpmn-icon-send-task"
    label_field = "subject"
    shape = {"shape": "box", "style": "filled", "fillcolor": "#eef7ee"}

    def block(self):
        return EmailBlock()

    def new_settings(self) -> dict:
        return {
            "to": "applicant",
            "subject": gettext("Your application {case_number}"),
            "body": gettext("Dear Sir or Madam,\n\n…\n\nKind regards"),
        }

    def problems(self, step: dict, check: Check) -> list[str]:
        found = super().problems(step, check)
        found += recipient_problems(step, check.by_id)
        return found + placeholder_problems(step, check)

    def label(self, step: dict, names: Names) -> str:
        return gettext("E-mail: %(subject)s") % {"subject": names.text(step["subject"])}

    def imported(self, step: dict, element) -> dict:
        step.setdefault("to", "applicant")
        step.setdefault("address", "")
        step.setdefault("subject", element.get("name") or step["id"])
        step.setdefault("body", "")
        return step

    def act(self, step: dict, run: Run) -> None:
        effects.send_email(step, process=run.process, case=run.case)

"""*Dokument*: a letter from a text with placeholders on the office's letterhead, filed
with the case as PDF (once per case)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import effects
from ..blocks import PLACEHOLDER_HELP, next_step, step_id
from .base import Check, Run, StepKind, register
from .email import placeholder_problems

if TYPE_CHECKING:
    from ..names import Names


class DocumentBlock(blocks.StructBlock):
    """Dokument: a letter from a text with placeholders, filed with the case as PDF."""

    id = step_id()
    title = blocks.CharBlock(label=_("Name of the document"), max_length=120)
    subject = blocks.CharBlock(label=_("Heading of the letter"), max_length=200)
    body = blocks.TextBlock(label=_("Text of the letter"), help_text=PLACEHOLDER_HELP)
    next = next_step()

    class Meta:
        icon = "doc-full"
        label = _("Document")


@register
class Document(StepKind):
    name = "document"
    order = 50
    icon = "bpmn-icon-script-task"
    label_field = "title"
    shape = {"shape": "note", "style": "filled", "fillcolor": "#fdf3e6"}

    def block(self):
        return DocumentBlock()

    def new_settings(self) -> dict:
        letter = gettext("Dear Sir or Madam,\n\n…\n\nKind regards")
        return {"title": gettext("Letter"), "subject": gettext("Notice"), "body": letter}

    def problems(self, step: dict, check: Check) -> list[str]:
        return super().problems(step, check) + placeholder_problems(step, check)

    def label(self, step: dict, names: Names) -> str:
        return gettext("Document: %(title)s") % {"title": names.text(step["title"])}

    def act(self, step: dict, run: Run) -> None:
        effects.file_document(step, process=run.process, case=run.case)

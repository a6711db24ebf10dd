"""The step kinds of a designed process, each a block with its German editing panel.

Every step has an id (``kennung``) that other steps name as their next step. The
conditions of a branch come from a fixed menu of operators; nothing an editor
types is ever evaluated as code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.cases.models import CaseStatus


class Operator:
    EQUALS = "equals"
    ONE_OF = "one_of"
    LESS = "less"
    GREATER = "greater"
    EMPTY = "empty"
    CONTAINS = "contains"
    CHOICES = [
        (EQUALS, _("equals")),
        (ONE_OF, _("is one of (separated by commas)")),
        (LESS, _("is less than")),
        (GREATER, _("is greater than")),
        (EMPTY, _("is empty")),
        (CONTAINS, _("contains")),
    ]


class Recipient:
    APPLICANT = "applicant"
    OFFICE = "office"
    ADDRESS = "address"
    CHOICES = [
        (APPLICANT, _("the applicant")),
        (OFFICE, _("the responsible office")),
        (ADDRESS, _("an address")),
    ]


class Outcome:
    COMPLETED = CaseStatus.COMPLETED
    REJECTED = CaseStatus.REJECTED
    CANCELLED = CaseStatus.CANCELLED
    CHOICES = [(status, CaseStatus(status).label) for status in (COMPLETED, REJECTED, CANCELLED)]


def step_id() -> blocks.CharBlock:
    return blocks.RegexBlock(
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        label=_("Step id"),
        help_text=_("Lower-case letters, digits and _; other steps name it as next step."),
        error_messages={"invalid": _("Use lower-case letters, digits and _ only.")},
    )


def next_step(required: bool = True) -> blocks.CharBlock:
    return blocks.CharBlock(label=_("Next step (its id)"), required=required, max_length=40)


class DecisionBlock(blocks.StructBlock):
    value = blocks.RegexBlock(regex=r"^[a-z0-9_]{1,30}$", label=_("Value"))
    label = blocks.CharBlock(label=_("Label shown to the clerk"), max_length=100)


class Assignee:
    OFFICE = "office"
    PERSON = "person"
    TEAM_LEAD = "team_lead"
    DEPARTMENT_HEAD = "department_head"
    EARLIER_CLERK = "earlier_clerk"
    CHOICES = [
        (OFFICE, _("the responsible office's queue")),
        (PERSON, _("a named person")),
        (TEAM_LEAD, _("the applicant's team lead (directory)")),
        (DEPARTMENT_HEAD, _("the applicant's department head (directory)")),
        (EARLIER_CLERK, _("the clerk who did an earlier task")),
    ]


class TaskBlock(blocks.StructBlock):
    """Aufgabe: who does it, what they decide, by when."""

    id = step_id()
    title = blocks.CharBlock(label=_("Title of the task"), max_length=120)
    assignee = blocks.ChoiceBlock(
        choices=Assignee.CHOICES, label=_("Who does it"), default=Assignee.OFFICE
    )
    person = blocks.CharBlock(
        label=_("Login of the person"),
        required=False,
        max_length=150,
        help_text=_("For “a named person”."),
    )
    earlier_task = blocks.CharBlock(
        label=_("Id of the earlier task"),
        required=False,
        max_length=40,
        help_text=_("For “the clerk who did an earlier task”."),
    )
    instructions = blocks.TextBlock(label=_("Instructions for the clerk"), required=False)
    decisions = blocks.ListBlock(DecisionBlock(), label=_("Decision options"), min_num=1)
    days = blocks.IntegerBlock(
        label=_("Days to decide"), required=False, min_value=1, max_value=365
    )
    next = next_step()

    class Meta:
        icon = "user"
        label = _("Task")


class ConditionBlock(blocks.StructBlock):
    source = blocks.CharBlock(
        label=_("Value"),
        max_length=80,
        help_text=_("“decision:<task id>” for a task's decision, or the name of an input."),
    )
    operator = blocks.ChoiceBlock(choices=Operator.CHOICES, label=_("Condition"))
    value = blocks.CharBlock(label=_("Compared with"), required=False, max_length=200)
    next = next_step()


class BranchBlock(blocks.StructBlock):
    """Verzweigung: the first condition that holds decides; otherwise the default."""

    id = step_id()
    conditions = blocks.ListBlock(ConditionBlock(), label=_("Conditions"), min_num=1)
    default = next_step(required=False)

    class Meta:
        icon = "fork"
        label = _("Branch")


class EmailBlock(blocks.StructBlock):
    """E-Mail from an editable text with placeholders."""

    id = step_id()
    to = blocks.ChoiceBlock(choices=Recipient.CHOICES, label=_("To"))
    address = blocks.EmailBlock(label=_("Address"), required=False)
    subject = blocks.CharBlock(label=_("Subject"), max_length=200)
    body = blocks.TextBlock(
        label=_("Text"),
        help_text=_(
            "Placeholders: {case_number}, {title}, {applicant_name}, {office}, and the "
            "inputs' names."
        ),
    )
    next = next_step()

    class Meta:
        icon = "mail"
        label = _("E-mail")


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


class EndBlock(blocks.StructBlock):
    """Ende: how the case ends, with the status the applicant sees."""

    id = step_id()
    outcome = blocks.ChoiceBlock(choices=Outcome.CHOICES, label=_("Outcome"))

    class Meta:
        icon = "success"
        label = _("End")


class StepsBlock(blocks.StreamBlock):
    task = TaskBlock()
    branch = BranchBlock()
    email = EmailBlock()
    status = StatusBlock()
    wait = WaitBlock()
    end = EndBlock()


class InputBlock(blocks.StructBlock):
    name = blocks.RegexBlock(regex=r"^[a-z][a-z0-9_]{0,49}$", label=_("Name"))
    label = blocks.CharBlock(label=_("Meaning"), max_length=120)
    kind = blocks.ChoiceBlock(
        choices=[
            ("text", _("Text")),
            ("number", _("Number")),
            ("date", _("Date")),
            ("choice", _("Choice")),
            ("yes_no", _("Yes/no")),
            ("email", _("E-mail")),
        ],
        label=_("Kind"),
    )
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)


class InputsBlock(blocks.StreamBlock):
    input = InputBlock()

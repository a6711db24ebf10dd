"""The step kinds of a designed process, each a block with its German editing panel.

Every step has an id (``kennung``) that other steps name as their next step. The
conditions of a branch come from a fixed menu of operators; nothing an editor
types is ever evaluated as code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal_site.accounts import roles
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
    OTHER_OFFICE = "other_office"
    ROLE = "role"
    ADDRESS = "address"
    CHOICES = [
        (APPLICANT, _("the applicant")),
        (OFFICE, _("the responsible office")),
        (OTHER_OFFICE, _("another office (its address)")),
        (ROLE, _("everyone with a role")),
        (ADDRESS, _("an address")),
    ]


class ParallelMode:
    ALL = "all"
    ANY = "any"
    CHOICES = [
        (ALL, _("when all tasks are decided")),
        (ANY, _("as soon as one task is decided (the others are withdrawn)")),
    ]


def role_choices() -> list[tuple[str, str]]:
    return [(key, role.group_name) for key, role in roles.ROLES.items()]


def office_choices() -> list[tuple[str, str]]:
    """Every office, picked by name (the value stays its short name)."""
    from portal_site.accounts.models import OrgUnit

    return [
        (short, f"{name} ({short})" if name != short else name)
        for short, name in OrgUnit.objects.order_by("name").values_list("short_name", "name")
    ]


def fee_choices() -> list[tuple[str, str]]:
    """The fee schedule's fees, picked by name (the value stays the booking key)."""
    from shop.models import Fee

    return [
        (key, f"{key} · {description or name} ({amount} €)")
        for key, name, description, amount in Fee.objects.order_by("booking_key").values_list(
            "booking_key", "name", "description", "amount"
        )
    ]


def office_field(help_text) -> blocks.ChoiceBlock:
    return blocks.ChoiceBlock(
        choices=office_choices, label=_("Office"), required=False, help_text=help_text
    )


class Outcome:
    COMPLETED = CaseStatus.COMPLETED
    REJECTED = CaseStatus.REJECTED
    CANCELLED = CaseStatus.CANCELLED
    CHOICES = [(status, CaseStatus(status).label) for status in (COMPLETED, REJECTED, CANCELLED)]


PLACEHOLDER_HELP = _(
    "Placeholders: {case_number}, {title}, {applicant_name}, {office}, the inputs' and "
    "the task fields' names; after a fee {invoice_reference} and {invoice_total}; after "
    "a reservation {resource}, {reservation}."
)


def step_id() -> blocks.CharBlock:
    return blocks.RegexBlock(
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        label=_("Step id"),
        help_text=_("Lower-case letters, digits and _; other steps name it as next step."),
        error_messages={"invalid": _("Use lower-case letters, digits and _ only.")},
    )


def next_step(required: bool = True) -> blocks.CharBlock:
    return blocks.CharBlock(label=_("Next step"), required=required, max_length=40)


class Assignee:
    OFFICE = "office"
    PERSON = "person"
    TEAM_LEAD = "team_lead"
    DEPARTMENT_HEAD = "department_head"
    EARLIER_CLERK = "earlier_clerk"
    OTHER_OFFICE = "other_office"
    ROLE = "role"
    CHOICES = [
        (OFFICE, _("the responsible office's queue")),
        (OTHER_OFFICE, _("another office's queue")),
        (ROLE, _("the queue of everyone with a role")),
        (PERSON, _("a named person")),
        (TEAM_LEAD, _("the applicant's team lead (directory)")),
        (DEPARTMENT_HEAD, _("the applicant's department head (directory)")),
        (EARLIER_CLERK, _("the clerk who did an earlier task")),
    ]


class FieldKind:
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    YES_NO = "yes_no"
    CHOICE = "choice"
    RESOURCE = "resource"
    CHOICES = [
        (TEXT, _("Text")),
        (LONG_TEXT, _("Long text")),
        (NUMBER, _("Number")),
        (DATE, _("Date")),
        (TIME, _("Time of day")),
        (YES_NO, _("Yes/no")),
        (CHOICE, _("Choice")),
        (RESOURCE, _("Bookable resource")),
    ]


class InputBlock(blocks.StructBlock):
    name = blocks.RegexBlock(regex=r"^[a-z][a-z0-9_]{0,49}$", label=_("Name"))
    label = blocks.CharBlock(label=_("Meaning"), max_length=120)
    kind = blocks.ChoiceBlock(
        choices=[
            ("text", _("Text")),
            ("number", _("Number")),
            ("date", _("Date")),
            ("time", _("Time of day")),
            ("choice", _("Choice")),
            ("yes_no", _("Yes/no")),
            ("email", _("E-mail")),
        ],
        label=_("Kind"),
    )
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)


class InputsBlock(blocks.StreamBlock):
    input = InputBlock()

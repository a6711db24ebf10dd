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


class DecisionBlock(blocks.StructBlock):
    value = blocks.RegexBlock(regex=r"^[a-z0-9_]{1,30}$", label=_("Value"))
    label = blocks.CharBlock(label=_("Label shown to the clerk"), max_length=100)


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


class TaskFieldBlock(blocks.StructBlock):
    """A value the clerk fills in; later steps read it by its name like an input."""

    name = blocks.RegexBlock(
        regex=r"^[a-z][a-z0-9_]{0,49}$",
        label=_("Name"),
        error_messages={"invalid": _("Use lower-case letters, digits and _ only.")},
    )
    label = blocks.CharBlock(label=_("Label shown to the clerk"), max_length=120)
    kind = blocks.ChoiceBlock(choices=FieldKind.CHOICES, label=_("Kind"), default=FieldKind.TEXT)
    choices = blocks.TextBlock(
        label=_("Choices (one per line)"), required=False, help_text=_("For “Choice”.")
    )
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)


class TaskBlock(blocks.StructBlock):
    """Aufgabe: who does it, what they fill in and decide, by when."""

    id = step_id()
    title = blocks.CharBlock(label=_("Title of the task"), max_length=120)
    assignee = blocks.ChoiceBlock(
        choices=Assignee.CHOICES, label=_("Who does it"), default=Assignee.OFFICE
    )
    office = office_field(_("For “another office's queue”."))
    role = blocks.ChoiceBlock(
        choices=role_choices, label=_("Role"), required=False, help_text=_("For “a role”.")
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
    fields = blocks.ListBlock(
        TaskFieldBlock(), label=_("Fields the clerk fills in"), min_num=0, default=[]
    )
    decisions = blocks.ListBlock(DecisionBlock(), label=_("Decision options"), min_num=1)
    days = blocks.IntegerBlock(
        label=_("Days to decide"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Empty: the case's due date. After it the clerk (or queue) is reminded."),
    )
    escalate_after_days = blocks.IntegerBlock(
        label=_("Escalate to the lead after (days overdue)"),
        required=False,
        min_value=0,
        max_value=365,
    )
    # Segregation of duties (flows/segregation.py): who may not decide this task.
    not_by_applicant = blocks.BooleanBlock(
        label=_("Not by the applicant"),
        required=False,
        default=True,
        help_text=_(
            "Nobody decides a task of a case they applied for or that concerns them "
            "(four-eyes principle)."
        ),
    )
    not_by_steps = blocks.CharBlock(
        label=_("Not by whoever decided these tasks (their ids, separated by commas)"),
        required=False,
        max_length=200,
        help_text=_(
            "Separate approval levels: e.g. the final decision not by whoever did the checks."
        ),
    )
    next = next_step(required=False)
    to_complete = blocks.CharBlock(
        label=_("To be completed"),
        required=False,
        max_length=500,
        help_text=_(
            "Left by an import from another modelling tool: what is still to decide about "
            "this step. Empty it once the step is complete; until then it cannot be published."
        ),
    )

    class Meta:
        icon = "user"
        label = _("Task")
        help_text = _("A task of a parallel step needs no next step.")


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


class ReserveBlock(blocks.StructBlock):
    """Reservierung: a bookable resource for a time span, refused when taken or too small."""

    id = step_id()
    resource_from = blocks.CharBlock(
        label=_("Resource from the value"), max_length=50, help_text=_("Its name in the catalogue.")
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


def condition_source() -> blocks.CharBlock:
    return blocks.CharBlock(
        label=_("Value"),
        max_length=80,
        help_text=_("“decision:<task id>” for a task's decision, or the name of an input."),
    )


class AlsoBlock(blocks.StructBlock):
    """A further condition that must hold too (and)."""

    source = condition_source()
    operator = blocks.ChoiceBlock(choices=Operator.CHOICES, label=_("Condition"))
    value = blocks.CharBlock(label=_("Compared with"), required=False, max_length=200)


class ConditionBlock(blocks.StructBlock):
    source = condition_source()
    operator = blocks.ChoiceBlock(choices=Operator.CHOICES, label=_("Condition"))
    value = blocks.CharBlock(label=_("Compared with"), required=False, max_length=200)
    also = blocks.ListBlock(
        AlsoBlock(),
        label=_("and also (all must hold)"),
        min_num=0,
        default=[],
        help_text=_("For “or”, add another condition with the same next step."),
    )
    next = next_step()


class BranchBlock(blocks.StructBlock):
    """Verzweigung: the first condition that holds (with all its "and also") decides;
    otherwise the default. Several conditions leading to one step say "or"."""

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
    office = office_field(_("For “another office”."))
    role = blocks.ChoiceBlock(
        choices=role_choices, label=_("Role"), required=False, help_text=_("For “a role”.")
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
    parallel = ParallelBlock()
    email = EmailBlock()
    document = DocumentBlock()
    fee = FeeBlock()
    reserve = ReserveBlock()
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

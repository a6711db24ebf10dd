"""*Aufgabe*: a human step in a queue (the office's, another office's, a role's) or for a
person, with the fields the clerk fills in and the decision options; the interpreter's
node ``task`` (who gets it: :mod:`..routing`, its form: :mod:`..task_forms`)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..blocks import Assignee, FieldKind, next_step, office_field, role_choices, step_id
from ..bpmn_xml import ASSIGNMENT, BPMN, SP, TASK_SETTINGS, _q, _settings
from ..definition import assignee_problems, field_problems
from .base import Check, Run, StepKind, register

if TYPE_CHECKING:
    from ..names import Names


class DecisionBlock(blocks.StructBlock):
    value = blocks.RegexBlock(regex=r"^[a-z0-9_]{1,30}$", label=_("Value"))
    label = blocks.CharBlock(label=_("Label shown to the clerk"), max_length=100)


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
        label=_("Choices (one per line)"),
        required=False,
        help_text=_("For “Choice”."),
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
        choices=role_choices,
        label=_("Role"),
        required=False,
        help_text=_("For “a role”."),
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


@register
class Task(StepKind):
    name = "task"
    order = 10
    waits_in = "task"
    bpmn_type = "bpmn:UserTask"
    icon = "bpmn-icon-user-task"
    label_field = "title"
    shape = {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f1fb"}

    def block(self):
        return TaskBlock()

    def new_settings(self) -> dict:
        return {
            "title": gettext("New task"),
            "assignee": "office",
            "decisions": [{"value": "erledigt", "label": gettext("Done")}],
        }

    def problems(self, step: dict, check: Check) -> list[str]:
        name, found = step["id"], []
        if (step.get("to_complete") or "").strip():  # left by a BPMN import
            found.append(
                gettext("Task “%(id)s” is to be completed: %(what)s")
                % {"id": name, "what": step["to_complete"].strip()}
            )
        found += assignee_problems(step, check.tasks)
        found += field_problems(step)
        values = [d["value"] for d in step.get("decisions") or []]
        if not values:
            found.append(gettext("Task “%(id)s” has no decision options.") % {"id": name})
        for value in sorted({v for v in values if values.count(v) > 1}):
            found.append(
                gettext("Task “%(id)s”: the decision “%(value)s” is offered twice.")
                % {"id": name, "value": value}
            )
        if name in check.members:  # a parallel step's task: its step says what follows
            if step.get("next"):
                found.append(
                    gettext(
                        "Task “%(id)s” is part of the parallel step “%(parallel)s”: leave its "
                        "next step empty (the parallel step says what follows)."
                    )
                    % {"id": name, "parallel": check.members[name]["id"]}
                )
        elif not step.get("next"):
            found.append(gettext("Step “%(id)s” does not say which step follows.") % {"id": name})
        return found

    def label(self, step: dict, names: Names) -> str:
        return gettext("Task: %(title)s") % {"title": step["title"]}

    def export(self, process, step: dict, flows: list):
        element = ElementTree.SubElement(
            process, _q(BPMN, "userTask"), {"id": step["id"], "name": step["title"]}
        )
        if step.get("instructions"):
            ElementTree.SubElement(element, _q(BPMN, "documentation")).text = step["instructions"]
        extension = ElementTree.SubElement(element, _q(BPMN, "extensionElements"))
        for decision in step["decisions"]:
            ElementTree.SubElement(
                extension,
                _q(SP, "decision"),
                {"value": decision["value"], "label": decision["label"]},
            )
        if step.get("days"):
            element.set(_q(SP, "days"), str(step["days"]))
        # Who does it (BPMN's own resource roles cannot name a directory lookup).
        for setting, attribute in ASSIGNMENT:
            value = step.get(setting) or ("office" if setting == "assignee" else "")
            if value:  # who does it: the office's queue unless the step says otherwise
                element.set(_q(SP, attribute), str(value))
        _settings(element, step, TASK_SETTINGS)
        if step.get("next"):
            flows.append((f"flow_{step['id']}_next", step["id"], step["next"], None, ""))
        return element

    def proceed(self, step: dict, run: Run) -> str | None:
        return None  # a clerk decides it in the interpreter's node "task"

"""A designed process's definition as data, the checks the step kinds share, and how
its values are read.

A definition is what a version freezes: ``{"inputs": [...], "steps": [...]}``, each
step a dict with its ``kind`` (:mod:`.kinds`), its ``id`` and its settings. The check
of a whole definition is :func:`.check.problems`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .blocks import Assignee, FieldKind, Operator, Recipient

PLACEHOLDERS = ("case_number", "title", "applicant_name", "office")
FEE_PLACEHOLDERS = ("invoice_reference", "invoice_total")
RESERVATION_PLACEHOLDERS = ("resource", "reservation")
RESERVE_VALUES = ("resource_from", "date_from", "start_from", "end_from", "count_from")
DECISION = "decision:"


class DefinitionError(Exception):
    """The frozen definition cannot go on (a step missing, a loop of automatic steps)."""


NUMERIC = (Operator.LESS, Operator.GREATER)


def steps_by_id(definition: dict) -> dict[str, dict]:
    return {step["id"]: step for step in definition["steps"]}


def parallel_of(definition: dict) -> dict[str, dict]:
    """For each task of a parallel step: that step."""
    return {
        task_id: step
        for step in definition["steps"]
        if step["kind"] == "parallel"
        for task_id in step.get("tasks") or []
    }


def value_names(definition: dict) -> set[str]:
    """What steps can read by name: the inputs and the fields clerks fill in."""
    names = {item["name"] for item in definition.get("inputs") or []}
    for step in definition.get("steps") or []:
        names |= {field["name"] for field in step.get("fields") or []}
    return names


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return None


def _RESERVE_LABELS() -> dict[str, str]:  # noqa: N802 - read at call time (translated)
    return {
        "resource_from": _("resource"),
        "date_from": _("date"),
        "start_from": _("start time"),
        "end_from": _("end time"),
    }


def reserve_problems(step: dict, inputs: set[str]) -> list[str]:
    name, found = step["id"], []
    if not step.get("refused"):
        found.append(
            _("Reservation “%(id)s” does not say what follows when it is refused.") % {"id": name}
        )
    for setting in RESERVE_VALUES:
        value = (step.get(setting) or "").strip()
        if value and value not in inputs:
            found.append(
                _("Step “%(id)s” reads the value “%(value)s”, which does not exist.")
                % {"id": name, "value": value}
            )
        elif not value and setting != "count_from":
            found.append(
                _("Reservation “%(id)s” does not say where its %(what)s comes from.")
                % {"id": name, "what": _RESERVE_LABELS()[setting]}
            )
    return found


def field_problems(step: dict) -> list[str]:
    found = []
    names = [field["name"] for field in step.get("fields") or []]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        found.append(
            _("Task “%(id)s” has two fields named “%(name)s”.")
            % {"id": step["id"], "name": duplicate}
        )
    for field in step.get("fields") or []:
        if field["kind"] == FieldKind.CHOICE and not (field.get("choices") or "").strip():
            found.append(
                _("Task “%(id)s”: the choice field “%(name)s” has no choices.")
                % {"id": step["id"], "name": field["name"]}
            )
    return found


def recipient_problems(step: dict, by_id: dict) -> list[str]:
    from portal_site.accounts.models import OrgUnit

    name, to = step["id"], step["to"]
    found = []
    if to == Recipient.ADDRESS and not step.get("address"):
        found.append(_("E-mail “%(id)s” goes to an address, but none is given.") % {"id": name})
    if to == Recipient.OTHER_OFFICE:
        office = (step.get("office") or "").strip()
        if not office or not OrgUnit.objects.filter(short_name=office).exists():
            found.append(
                _("Step “%(id)s” names the office “%(office)s”, which does not exist here.")
                % {"id": name, "office": office}
            )
    if to == Recipient.ROLE and not step.get("role"):
        found.append(_("Step “%(id)s” goes to a role, but none is chosen.") % {"id": name})
    for document in [d.strip() for d in (step.get("attach_documents") or "").split(",")]:
        if document and (by_id.get(document) or {}).get("kind") != "document":
            found.append(
                _("E-mail “%(id)s” attaches “%(document)s”, which is no document step.")
                % {"id": name, "document": document}
            )
    return found


def fee_problems(step: dict, inputs: set[str]) -> list[str]:
    from shop.models import Fee

    name = step["id"]
    found = []
    if not step.get("unpaid"):
        found.append(
            _("Fee “%(id)s” does not say what follows a Storno (not paid in time).") % {"id": name}
        )
    keys = [line["booking_key"].strip() for line in step.get("lines") or []]
    known = set(Fee.objects.filter(booking_key__in=keys).values_list("booking_key", flat=True))
    for key in keys:
        if key not in known:
            found.append(
                _("Fee “%(id)s” uses the booking key “%(key)s”, which is not in the fee schedule.")
                % {"id": name, "key": key}
            )
    for line in step.get("lines") or []:
        source = (line.get("quantity_from") or "").strip()
        if source and source not in inputs:
            found.append(
                _("Step “%(id)s” reads the value “%(value)s”, which does not exist.")
                % {"id": name, "value": source}
            )
    return found


def not_by_steps(step: dict) -> tuple[str, ...]:
    """The tasks whose deciders may not decide this one (segregation of duties)."""
    return tuple(
        part.strip() for part in str(step.get("not_by_steps") or "").split(",") if part.strip()
    )


def assignee_problems(step: dict, tasks: dict) -> list[str]:
    from portal_site.accounts.models import User

    name, assignee = step["id"], step.get("assignee") or Assignee.OFFICE
    if assignee == Assignee.PERSON:
        login = (step.get("person") or "").strip()
        if not login or not User.objects.filter(username=login, is_active=True).exists():
            return [
                _("Task “%(id)s” goes to “%(person)s”, who has no active login here.")
                % {"id": name, "person": login}
            ]
    if assignee == Assignee.OTHER_OFFICE:
        from portal_site.accounts.models import OrgUnit

        office = (step.get("office") or "").strip()
        if not office or not OrgUnit.objects.filter(short_name=office).exists():
            return [
                _("Step “%(id)s” names the office “%(office)s”, which does not exist here.")
                % {"id": name, "office": office}
            ]
    if assignee == Assignee.ROLE and not step.get("role"):
        return [_("Task “%(id)s” goes to a role, but none is chosen.") % {"id": name}]
    for separate in not_by_steps(step):
        if separate not in tasks or separate == name:
            return [
                _(
                    "Task “%(id)s” is not to be decided by whoever decided “%(task)s”, "
                    "which is no other task."
                )
                % {"id": name, "task": separate}
            ]
    if assignee == Assignee.EARLIER_CLERK:
        earlier = (step.get("earlier_task") or "").strip()
        if earlier not in tasks or earlier == name:
            return [
                _("Task “%(id)s” goes to the clerk of “%(task)s”, which is no earlier task.")
                % {"id": name, "task": earlier}
            ]
    return []


def condition_problems(name: str, condition: dict, tasks: dict, inputs: set[str]) -> list[str]:
    source = condition["source"].strip()
    if source.startswith(DECISION):
        task = tasks.get(source[len(DECISION) :])
        if task is None:
            return [
                _("Branch “%(id)s” reads “%(source)s”, which is no task's decision.")
                % {"id": name, "source": source}
            ]
        offered = {d["value"] for d in task.get("decisions") or []}
        compared = [v.strip() for v in (condition.get("value") or "").split(",")]
        unknown = [v for v in compared if v and v not in offered]
        if condition["operator"] in (Operator.EQUALS, Operator.ONE_OF) and unknown:
            return [
                _("Branch “%(id)s” compares with “%(value)s”, which the task does not offer.")
                % {"id": name, "value": ", ".join(unknown)}
            ]
    elif source not in inputs:
        return [
            _("Branch “%(id)s” reads “%(source)s”, which is neither an input nor a decision.")
            % {"id": name, "source": source}
        ]
    if condition["operator"] in NUMERIC and _number(condition.get("value") or "") is None:
        return [
            _("Branch “%(id)s” compares with “%(value)s”, which is not a number.")
            % {"id": name, "value": condition.get("value") or ""}
        ]
    return []


def arm_holds(condition: dict, *, decisions: dict[str, str], inputs: dict[str, Any]) -> bool:
    """A branch's condition with all its "and also" conditions."""
    return all(
        holds(part, decisions=decisions, inputs=inputs)
        for part in (condition, *(condition.get("also") or []))
    )


def holds(condition: dict, *, decisions: dict[str, str], inputs: dict[str, Any]) -> bool:
    """Whether a branch's condition holds, by the fixed menu of operators (never code)."""
    source = condition["source"].strip()
    if source.startswith(DECISION):
        actual: Any = decisions.get(source[len(DECISION) :], "")
    else:
        actual = inputs.get(source, "")
    expected = (condition.get("value") or "").strip()
    operator = condition["operator"]
    text = "" if actual is None else str(actual).strip()
    if operator == Operator.EMPTY:
        return text == "" or actual in (False, [], {})
    if operator == Operator.EQUALS:
        return text.casefold() == expected.casefold()
    if operator == Operator.ONE_OF:
        return text.casefold() in {v.strip().casefold() for v in expected.split(",")}
    if operator == Operator.CONTAINS:
        if isinstance(actual, list):
            return expected.casefold() in {str(v).casefold() for v in actual}
        return expected.casefold() in text.casefold()
    left, right = _number(text), _number(expected)
    if left is None or right is None:
        return False
    return left < right if operator == Operator.LESS else left > right

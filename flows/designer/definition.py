"""A designed process's definition as data, its check, and how its values are read.

A definition is what a version freezes: ``{"inputs": [...], "steps": [...]}``,
each step a dict with its ``kind`` (task, branch, email, status, end), its ``id``
and its settings. :func:`problems` lists what keeps a definition from running, in
German, naming the step; saving a draft with a problem is refused.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from portal_site.notifications.letters import placeholders_in

from .blocks import Assignee, Operator, Recipient

PLACEHOLDERS = ("case_number", "title", "applicant_name", "office")
DECISION = "decision:"
NUMERIC = (Operator.LESS, Operator.GREATER)


def steps_by_id(definition: dict) -> dict[str, dict]:
    return {step["id"]: step for step in definition["steps"]}


def successors(step: dict) -> list[str]:
    kind = step["kind"]
    if kind == "end":
        return []
    if kind == "branch":
        targets = [condition["next"] for condition in step["conditions"]]
        return targets + ([step["default"]] if step.get("default") else [])
    return [step["next"]] if step.get("next") else []


def _reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current in seen or current not in graph:
            continue
        seen.add(current)
        todo.extend(graph[current])
    return seen


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return None


def problems(definition: dict) -> list[str]:
    """What keeps the definition from running, one German sentence each (empty: none)."""
    steps = definition.get("steps") or []
    inputs = {item["name"] for item in definition.get("inputs") or []}
    if not steps:
        return [_("The process has no steps.")]
    found: list[str] = []
    ids = [step["id"] for step in steps]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        found.append(_("Two steps have the id “%(id)s”.") % {"id": duplicate})
    by_id = {step["id"]: step for step in steps}
    tasks = {step["id"]: step for step in steps if step["kind"] == "task"}
    for step in steps:
        found += _step_problems(step, by_id, tasks, inputs)
    if not any(step["kind"] == "end" for step in steps):
        found.append(_("The process has no end."))
    graph = {step["id"]: [t for t in successors(step) if t in by_id] for step in steps}
    reachable = _reachable(graph, steps[0]["id"])
    ends = {step["id"] for step in steps if step["kind"] == "end"}
    for step in steps:
        if step["id"] not in reachable:
            found.append(
                _("Step “%(id)s” cannot be reached from the first step.") % {"id": step["id"]}
            )
        elif ends and not _reachable(graph, step["id"]) & ends:
            found.append(
                _("Step “%(id)s” never reaches an end (a loop without exit).") % {"id": step["id"]}
            )
    return found


def _step_problems(step: dict, by_id: dict, tasks: dict, inputs: set[str]) -> list[str]:
    found = []
    name = step["id"]
    for target in successors(step):
        if target not in by_id:
            found.append(
                _("Step “%(id)s” continues with “%(next)s”, which does not exist.")
                % {"id": name, "next": target}
            )
    if step["kind"] in ("task", "email", "status", "wait") and not step.get("next"):
        found.append(_("Step “%(id)s” does not say which step follows.") % {"id": name})
    if step["kind"] == "task":
        found += _assignee_problems(step, tasks)
        values = [d["value"] for d in step.get("decisions") or []]
        if not values:
            found.append(_("Task “%(id)s” has no decision options.") % {"id": name})
        for value in sorted({v for v in values if values.count(v) > 1}):
            found.append(
                _("Task “%(id)s”: the decision “%(value)s” is offered twice.")
                % {"id": name, "value": value}
            )
    if step["kind"] == "branch":
        if not step.get("default"):
            found.append(_("Branch “%(id)s” has no default step.") % {"id": name})
        for condition in step["conditions"]:
            found += _condition_problems(name, condition, tasks, inputs)
    if step["kind"] == "wait":
        until = (step.get("until_input") or "").strip()
        if bool(step.get("days")) == bool(until):
            found.append(
                _("Wait “%(id)s” needs either a number of days or a date input.") % {"id": name}
            )
        elif until and until not in inputs:
            found.append(
                _("Wait “%(id)s” waits for the input “%(input)s”, which does not exist.")
                % {"id": name, "input": until}
            )
    if step["kind"] == "email":
        if step["to"] == Recipient.ADDRESS and not step.get("address"):
            found.append(_("E-mail “%(id)s” goes to an address, but none is given.") % {"id": name})
        known = set(PLACEHOLDERS) | inputs
        for placeholder in placeholders_in(step["subject"] + step["body"]):
            if placeholder not in known:
                found.append(
                    _("E-mail “%(id)s” uses the placeholder {%(name)s}, which does not exist.")
                    % {"id": name, "name": placeholder}
                )
    return found


def _assignee_problems(step: dict, tasks: dict) -> list[str]:
    from portal_site.accounts.models import User

    name, assignee = step["id"], step.get("assignee") or Assignee.OFFICE
    if assignee == Assignee.PERSON:
        login = (step.get("person") or "").strip()
        if not login or not User.objects.filter(username=login, is_active=True).exists():
            return [
                _("Task “%(id)s” goes to “%(person)s”, who has no active login here.")
                % {"id": name, "person": login}
            ]
    if assignee == Assignee.EARLIER_CLERK:
        earlier = (step.get("earlier_task") or "").strip()
        if earlier not in tasks or earlier == name:
            return [
                _("Task “%(id)s” goes to the clerk of “%(task)s”, which is no earlier task.")
                % {"id": name, "task": earlier}
            ]
    return []


def _condition_problems(name: str, condition: dict, tasks: dict, inputs: set[str]) -> list[str]:
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

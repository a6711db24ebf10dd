"""A designed process's definition as data, its check, and how its values are read.

A definition is what a version freezes: ``{"inputs": [...], "steps": [...]}``,
each step a dict with its ``kind`` (task, branch, email, status, end), its ``id``
and its settings. :func:`problems` lists what keeps a definition from running, in
German, naming the step; a draft saves with problems, only publishing needs none.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from portal_site.notifications.letters import placeholders_in

from .blocks import Assignee, FieldKind, Operator, Recipient

PLACEHOLDERS = ("case_number", "title", "applicant_name", "office")
FEE_PLACEHOLDERS = ("invoice_reference", "invoice_total")
RESERVATION_PLACEHOLDERS = ("resource", "reservation")
RESERVE_VALUES = ("resource_from", "date_from", "start_from", "end_from", "count_from")
DECISION = "decision:"
NUMERIC = (Operator.LESS, Operator.GREATER)


def steps_by_id(definition: dict) -> dict[str, dict]:
    return {step["id"]: step for step in definition["steps"]}


def successors(step: dict) -> list[str]:
    """The steps a step can lead to (a parallel step: its tasks, then its next step)."""
    kind = step["kind"]
    if kind == "end":
        return []
    if kind == "branch":
        targets = [condition["next"] for condition in step["conditions"]]
        return targets + ([step["default"]] if step.get("default") else [])
    targets = list(step.get("tasks") or []) if kind == "parallel" else []
    targets += [step["next"]] if step.get("next") else []
    for other in ("unpaid", "refused"):
        if step.get(other):
            targets.append(step[other])
    return targets


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
        if step["kind"] == "task":
            names |= {field["name"] for field in step.get("fields") or []}
    return names


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
    if not steps:
        return [_("The process has no steps.")]
    inputs = value_names(definition)
    members = parallel_of(definition)
    found: list[str] = []
    ids = [step["id"] for step in steps]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        found.append(_("Two steps have the id “%(id)s”.") % {"id": duplicate})
    by_id = {step["id"]: step for step in steps}
    tasks = {step["id"]: step for step in steps if step["kind"] == "task"}
    for step in steps:
        found += _step_problems(step, by_id, tasks, inputs)
        found += _member_problems(step, members, by_id)
    if not any(step["kind"] == "end" for step in steps):
        found.append(_("The process has no end."))
    graph = {step["id"]: [t for t in successors(step) if t in by_id] for step in steps}
    for task_id, parallel in members.items():  # a parallel task goes on with its step's next
        if task_id in graph:
            after = parallel.get("next") or ""
            graph[task_id] = [after] if after in by_id else []
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
    needs_next = ("email", "status", "wait", "parallel", "document", "fee", "reserve")
    if step["kind"] in needs_next and not step.get("next"):
        found.append(_("Step “%(id)s” does not say which step follows.") % {"id": name})
    if step["kind"] == "task":
        if (step.get("to_complete") or "").strip():  # left by a BPMN import
            found.append(
                _("Task “%(id)s” is to be completed: %(what)s")
                % {"id": name, "what": step["to_complete"].strip()}
            )
        found += _assignee_problems(step, tasks)
        found += _field_problems(step)
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
            for part in (condition, *(condition.get("also") or [])):
                found += _condition_problems(name, part, tasks, inputs)
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
        found += _recipient_problems(step, by_id)
    if step["kind"] in ("email", "document"):
        known = set(PLACEHOLDERS) | set(FEE_PLACEHOLDERS) | set(RESERVATION_PLACEHOLDERS) | inputs
        for placeholder in placeholders_in(step["subject"] + step["body"]):
            if placeholder not in known:
                found.append(
                    _("Step “%(id)s” uses the placeholder {%(name)s}, which does not exist.")
                    % {"id": name, "name": placeholder}
                )
    if step["kind"] == "parallel":
        for task_id in step.get("tasks") or []:
            if task_id not in tasks:
                found.append(
                    _("Parallel step “%(id)s” names “%(task)s”, which is no task.")
                    % {"id": name, "task": task_id}
                )
    if step["kind"] == "fee":
        found += _fee_problems(step, inputs)
    if step["kind"] == "reserve":
        if not step.get("refused"):
            found.append(
                _("Reservation “%(id)s” does not say what follows when it is refused.")
                % {"id": name}
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


def _RESERVE_LABELS() -> dict[str, str]:  # noqa: N802 - read at call time (translated)
    return {
        "resource_from": _("resource"),
        "date_from": _("date"),
        "start_from": _("start time"),
        "end_from": _("end time"),
    }


def _member_problems(step: dict, members: dict[str, dict], by_id: dict) -> list[str]:
    name = step["id"]
    if step["kind"] != "task":
        return []
    if name in members:
        if step.get("next"):
            return [
                _(
                    "Task “%(id)s” is part of the parallel step “%(parallel)s”: leave its next "
                    "step empty (the parallel step says what follows)."
                )
                % {"id": name, "parallel": members[name]["id"]}
            ]
        return []
    if not step.get("next"):
        return [_("Step “%(id)s” does not say which step follows.") % {"id": name}]
    return []


def _field_problems(step: dict) -> list[str]:
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


def _recipient_problems(step: dict, by_id: dict) -> list[str]:
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


def _fee_problems(step: dict, inputs: set[str]) -> list[str]:
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

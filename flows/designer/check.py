"""The check of a whole definition (:func:`problems`): what keeps it from running, one
German sentence each, naming the step. Each step is checked by its kind
(:meth:`.kinds.StepKind.problems`); here the draft as a whole: ids, arrows, an end,
every step reachable and reaching an end."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .definition import DefinitionError, parallel_of, value_names
from .kinds import Check, kind_of, successors


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


def problems(definition: dict) -> list[str]:
    """What keeps the definition from running, one German sentence each (empty: none)."""
    steps = definition.get("steps") or []
    if not steps:
        return [_("The process has no steps.")]
    found: list[str] = []
    ids = [step["id"] for step in steps]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        found.append(_("Two steps have the id “%(id)s”.") % {"id": duplicate})
    by_id = {step["id"]: step for step in steps}
    check = Check(
        by_id=by_id,
        tasks={step["id"]: step for step in steps if step["kind"] == "task"},
        inputs=value_names(definition),
        members=parallel_of(definition),
    )
    for step in steps:
        try:
            kind = kind_of(step)
        except DefinitionError as error:
            found.append(str(error))
            continue
        for target in kind.successors(step):
            if target not in by_id:
                found.append(
                    _("Step “%(id)s” continues with “%(next)s”, which does not exist.")
                    % {"id": step["id"], "next": target}
                )
        found += kind.problems(step, check)
    if not any(step["kind"] == "end" for step in steps):
        found.append(_("The process has no end."))
    graph = {step["id"]: [t for t in _successors(step) if t in by_id] for step in steps}
    for task_id, parallel in check.members.items():  # a parallel task: its step's next
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


def _successors(step: dict) -> list[str]:
    try:
        return successors(step)
    except DefinitionError:
        return []

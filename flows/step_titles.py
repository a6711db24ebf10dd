"""What a task is called: its step's title, the same in every place people read it.

A coded step's title is its node's annotation (``HumanTask(...).Annotation(title=…)``),
translated for each reader. Every task of a designed process runs on one of two
generic nodes, so its title is the designed step's own (``"Stellenplan prüfen
(Personalamt)"``), read from the frozen version the case runs on; the generic
node's "Aufgabe eines gestalteten Prozesses" is only the last resort. The inbox,
the task page, the case page, the dashboard's notices, the timeline, the notice
and deadline e-mails and the segregation messages all ask :func:`step_title`
(or :func:`titles_for_rows` for a page of inbox rows).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.utils.functional import Promise
from viewflow.workflow.fields import import_task_by_ref


def _designed_titles(version_ids: Iterable[object]) -> dict[int, dict[str, str]]:
    """The task titles of the given frozen versions: version id → step id → title."""
    ids = {int(str(i)) for i in version_ids if i}
    found: dict[int, dict[str, str]] = {}
    if not ids:
        return found
    # through the app registry: the designer imports the steps, which read titles here
    versions = apps.get_model("flows", "ProcessDesignVersion")
    for pk, definition in versions.objects.filter(pk__in=ids).values_list("pk", "definition"):
        found[pk] = {
            str(step.get("id")): str(step.get("title") or step.get("id"))
            for step in (definition or {}).get("steps", [])
            if step.get("kind") == "task"
        }
    return found


def step_title(task) -> str | Promise:
    """The title of the task's step (a lazy translation for a coded step)."""
    step_id = (task.data or {}).get("designed_step")
    if step_id:
        version_id = (task.process.data or {}).get("version_id")
        title = _designed_titles([version_id]).get(int(version_id or 0), {}).get(step_id)
        if title:
            return title
    return task.flow_task.task_title


def titles_for_rows(rows: list[dict]) -> dict[int, str]:
    """Titles of a page of inbox rows (``pk``, ``node``, ``designed_step``, ``version_id``),
    by task id: each kind of coded node resolved once, each designed version read once."""
    versions = _designed_titles(row.get("version_id") for row in rows if row.get("designed_step"))
    nodes: dict[str, str] = {}
    titles: dict[int, str] = {}
    for row in rows:
        designed = versions.get(int(row.get("version_id") or 0), {}).get(
            row.get("designed_step") or ""
        )
        if designed:
            titles[row["pk"]] = designed
            continue
        if row["node"] not in nodes:
            nodes[row["node"]] = str(import_task_by_ref(row["node"]).task_title)
        titles[row["pk"]] = nodes[row["node"]]
    return titles

"""Publishing a design as a frozen version, and starting a case on its latest version."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.cases.models import Case
from portal_site.processes import ProcessDefinition, ProcessInput

from ..steps import start_case_process
from .check import problems
from .flow import DesignedFlow
from .models import ProcessDesign, ProcessDesignVersion, draft_from


@transaction.atomic
def publish(*, design: ProcessDesign, actor: User | None = None) -> ProcessDesignVersion:
    """Freeze the draft as the next version; running cases keep theirs."""
    design = ProcessDesign.objects.select_for_update().get(pk=design.pk)
    definition = design.definition()
    found = design.field_problems() + problems(definition)
    if found:
        raise ValidationError(found)
    last = design.published_versions().aggregate(last=Max("number"))["last"] or 0
    latest = design.latest_version()
    if latest is not None and latest.definition == definition:
        return latest  # nothing changed: no new number
    return ProcessDesignVersion.objects.create(
        design=design, number=last + 1, definition=definition, published_by=actor
    )


def start_designed(*, case: Case, actor: User | None = None, design_id: int) -> object:
    design = ProcessDesign.objects.select_related("office").get(pk=design_id)
    version = design.latest_version()
    if version is None:
        raise LookupError(f"{design.process_key} has no published version")
    if case.office_id is None:
        case.office = design.office
        case.save(update_fields=["office", "updated_at"])
    return start_case_process(DesignedFlow, case=case, actor=actor, version=version)


def published_processes() -> list[ProcessDefinition]:
    """The kernel's process source: every design with a published version."""
    designs: dict[int, ProcessDesignVersion] = {}
    try:
        with transaction.atomic():  # a savepoint: before migrate the table does not exist
            versions = list(
                ProcessDesignVersion.objects.filter(is_test=False)
                .select_related("design")
                .order_by("number")
            )
    except DatabaseError:
        return []
    for version in versions:
        designs[version.design_id] = version  # the latest wins
    return [
        ProcessDefinition(
            key=version.design.process_key,
            label=version.design.name,
            start=functools.partial(start_designed, design_id=version.design_id),
            description=version.design.description,
            starter_roles=tuple(version.definition.get("starter_roles") or ()),
            inputs=tuple(
                ProcessInput(
                    name=item["name"],
                    label=item["label"],
                    kind=item["kind"],
                    required=bool(item.get("required")),
                )
                for item in version.definition.get("inputs", [])
            ),
        )
        for version in designs.values()
    ]


def changes(before: dict | None, after: dict) -> list[str]:
    """What changed from one definition to the next, one German line each (by step id)."""
    if before is None:
        return [_("First version.")]
    found = []
    if before.get("name") != after.get("name"):
        found.append(_("Name changed to “%(name)s”.") % {"name": after.get("name", "")})
    if before.get("inputs") != after.get("inputs"):
        found.append(_("Inputs changed."))
    old = {step["id"]: step for step in before.get("steps") or []}
    new = {step["id"]: step for step in after.get("steps") or []}
    for step_id in new:
        if step_id not in old:
            found.append(_("Step “%(id)s” added.") % {"id": step_id})
        elif old[step_id] != new[step_id]:
            settings = sorted(
                key
                for key in set(old[step_id]) | set(new[step_id])
                if old[step_id].get(key) != new[step_id].get(key)
            )
            found.append(
                _("Step “%(id)s” changed: %(settings)s.")
                % {"id": step_id, "settings": ", ".join(settings)}
            )
    for step_id in old:
        if step_id not in new:
            found.append(_("Step “%(id)s” removed.") % {"id": step_id})
    if not found and [s["id"] for s in before.get("steps") or []] != list(new):
        found.append(_("Order of the steps changed."))
    return found


def history(design: ProcessDesign) -> list[dict]:
    """The versions, newest first, each with what it changed from the one before."""
    versions = list(design.published_versions().select_related("published_by").order_by("number"))
    rows, before = [], None
    for version in versions:
        rows.append({"version": version, "changes": changes(before, version.definition)})
        before = version.definition
    return rows[::-1]


@transaction.atomic
def restore(*, design: ProcessDesign, number: int) -> ProcessDesign:
    """An old version's steps and inputs become the draft again (published versions and the
    cases on them stay as they are); publishing it makes a new version."""
    design = ProcessDesign.objects.select_for_update().get(pk=design.pk)
    version = design.published_versions().get(number=number)
    draft_from(design, version.definition)
    design.save()
    return design

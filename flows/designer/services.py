"""Publishing a design as a frozen version, and starting a case on its latest version."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max

from portal_site.accounts.models import User
from portal_site.cases.models import Case
from portal_site.processes import ProcessDefinition, ProcessInput

from ..steps import start_case_process
from .definition import problems
from .flow import DesignedFlow
from .models import ProcessDesign, ProcessDesignVersion


@transaction.atomic
def publish(*, design: ProcessDesign, actor: User | None = None) -> ProcessDesignVersion:
    """Freeze the draft as the next version; running cases keep theirs."""
    design = ProcessDesign.objects.select_for_update().get(pk=design.pk)
    definition = design.definition()
    found = problems(definition)
    if found:
        raise ValidationError(found)
    last = design.versions.aggregate(last=Max("number"))["last"] or 0
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
                ProcessDesignVersion.objects.select_related("design").order_by("number")
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

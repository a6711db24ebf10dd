"""Sharing designs between installations (civento's Prozessbibliothek) as JSON.

The export holds everything a definition needs: name, key, description, the
responsible office by its short name, inputs and steps with their texts. An
import creates (or updates) the draft; the importing city checks and publishes
it. The designs this installation ships (``library/``) come in the same way.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal_site.accounts.models import OrgUnit, User
from serviceportal.slugs import german_slug

from .check import problems
from .models import ProcessDesign, draft_from, stream
from .services import publish

logger = logging.getLogger(__name__)

FORMAT = "stadtportal-process/1"
LIBRARY = Path(__file__).resolve().parent / "library"


def export_design(design: ProcessDesign) -> dict:
    definition = design.definition()
    return {
        "format": FORMAT,
        "key": design.key,
        "name": design.name,
        "description": design.description,
        "office": design.office.short_name,
        "starter_roles": definition["starter_roles"],
        "inputs": definition["inputs"],
        "steps": definition["steps"],
    }


def _incomplete() -> ValidationError:
    return ValidationError(_("The file holds an incomplete or damaged process definition."))


def _items(value) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _incomplete()
    return value


@transaction.atomic
def import_design(data: dict, *, office_ids: set[int] | None = None) -> ProcessDesign:
    """A shared definition as this installation's draft (refused with German reasons).

    ``office_ids`` are the offices the importing designer composes processes for (None:
    every office, for administrators and the shipped library): a file for another office,
    or one whose key is another office's design, is refused before anything is written.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(_("This file is not a process definition of this portal."))
    office = OrgUnit.objects.filter(short_name=str(data.get("office", ""))).first()
    if office is None:
        raise ValidationError(
            _("The responsible office “%(office)s” does not exist here; create it first.")
            % {"office": data.get("office", "")}
        )
    if office_ids is not None:
        if office.pk not in office_ids:
            raise ValidationError(_("You may only import processes of your own office."))
        taken = ProcessDesign.objects.filter(key=str(data.get("key") or "")).first()
        if taken is not None and taken.office_id not in office_ids:
            raise ValidationError(
                _(
                    "A process with the key “%(key)s” belongs to another office; import it "
                    "under a key of its own."
                )
                % {"key": taken.key}
            )
    inputs, steps = _items(data.get("inputs") or []), _items(data.get("steps"))
    try:
        found = problems({"inputs": inputs, "steps": steps})
        if found:
            raise ValidationError(found)
        key = str(data.get("key") or "")
        design = ProcessDesign.objects.filter(key=key).first() or ProcessDesign(key=key)
        design.name = str(data.get("name") or "")
        design.description = str(data.get("description") or "")
        design.office = office
        starters = data.get("starter_roles") or [""]
        design.starter_role = str(starters[0]) if isinstance(starters, list) else ""
        draft_from(design, {"inputs": inputs, "steps": steps})
        design.full_clean()  # key, lengths, the blocks' own checks, and the check again
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _incomplete() from error
    design.save()
    return design


def free_key(wanted: str, *, fallback: str) -> str:
    """A design key not taken yet: ``wanted`` as a slug, else with -2, -3 … after it."""
    base = german_slug(wanted)[:45] or fallback  # "Sperrmüll" -> "sperrmuell"
    key, number = base, 1
    while ProcessDesign.objects.filter(key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return key


def lane_assignment(lane: str, office: OrgUnit) -> dict | None:
    """Who does a task of a BPMN lane: the office or role of the lane's name (its name,
    short name or English name; a role's key or name), None when nothing here has it."""
    from django.db.models import Q

    from portal_site.accounts import roles

    name = " ".join(lane.split())
    if not name:
        return None
    unit = OrgUnit.objects.filter(
        Q(name__iexact=name) | Q(short_name__iexact=name) | Q(english_name__iexact=name)
    ).first()
    if unit is not None:
        if unit.pk == office.pk:
            return {"assignee": "office"}
        return {"assignee": "other_office", "office": unit.short_name}
    for key, role in roles.ROLES.items():
        if name.lower() in (key.lower(), str(role.group_name).lower()):
            return {"assignee": "role", "role": key}
    return None


@transaction.atomic
def import_bpmn_draft(data: dict, *, office: OrgUnit) -> ProcessDesign:
    """A BPMN file's steps as a new draft (under a free key); its gaps are listed by the
    check on the publish page, and it is published only once they are filled."""
    key = free_key(data["key"], fallback="bpmn")
    design = ProcessDesign(key=key, name=data["name"][:200] or key, office=office)
    try:
        design.steps = stream(_items(data["steps"]), "kind")
        # The draft may have gaps (the publish page lists them), not broken fields.
        design.clean_fields(exclude=["inputs"])
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _incomplete() from error
    design.save()
    return design


def install_library(*, actor: User | None = None) -> list[str]:
    """Import and publish the shipped designs whose office exists; a design the city has
    already (and maybe changed) is left alone, so running it again changes nothing."""
    installed = []
    for path in sorted(LIBRARY.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if ProcessDesign.objects.filter(key=data["key"]).exists():
            continue
        if not OrgUnit.objects.filter(short_name=data["office"]).exists():
            continue
        try:
            with transaction.atomic():
                design = import_design(data)
                publish(design=design, actor=actor)
        except ValidationError as error:  # e.g. an office a task goes to is missing here
            logger.warning("Library process %s not installed: %s", data["key"], error)
            continue
        installed.append(design.key)
    return installed

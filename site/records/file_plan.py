"""Importing the city's file plan (Aktenplan) from an xdomea ``Aktenplan.Aktenplan.0301``.

The message is validated against the official schema, then every unit (``Einheit``,
nested to any depth) is created or updated by its number (``Kennzeichen``) with its
title (``Inhaltsangabe``, else ``BetreffKurz``), its parent, what becomes of its
records (``Aussonderungsart``), its retention (``Aufbewahrungsdauer``) and whether it
is retired (``Stillgelegt``). Units the message does not name are kept (cases may
refer to them). All or nothing: one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils.translation import gettext as _

from . import xdomea
from .models import FilePlanUnit

NS = {"x": xdomea.NS}


class FilePlanError(ValueError):
    """The file is no valid xdomea file plan (said in the administrator's language)."""


@dataclass
class FilePlanReport:
    name: str = ""
    version: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None and found.text else ""


@transaction.atomic
def import_file_plan(content: bytes) -> FilePlanReport:
    try:
        xml, _files = xdomea.unpack(content)
        xdomea.validate(xml)
        root = SafeET.fromstring(xml)
    except (xdomea.InvalidMessage, SafeET.ParseError, ValueError) as exc:
        raise FilePlanError(
            _("The file is no valid xdomea 3.0.0 message: %(reason)s") % {"reason": exc}
        ) from exc
    if not root.tag.endswith("Aktenplan.Aktenplan.0301"):
        raise FilePlanError(_("The file is an xdomea message, but no file plan (0301)."))
    plan = root.find("x:Aktenplan", NS)
    report = FilePlanReport(name=_text(plan, "x:Bezeichnung"), version=_text(plan, "x:Version"))

    def walk(element, parent: FilePlanUnit | None) -> None:
        for unit in element.findall("x:Einheit", NS):
            code = _text(unit, "x:Kennzeichen")
            title = _text(unit, "x:Inhaltsangabe") or _text(unit, "x:BetreffKurz")
            if not code:
                report.skipped.append(title or "?")
                walk(unit, parent)
                continue
            disposal = _text(unit, "x:Aussonderungsart/x:Aussonderungsart/code")
            years = _text(unit, "x:Aufbewahrungsdauer/x:AnzahlJahre")
            unlimited = _text(unit, "x:Aufbewahrungsdauer/x:Unbefristet") in ("true", "1")
            values = {
                "title": (title or code)[:255],
                "parent": parent,
                "disposal": disposal
                if disposal in FilePlanUnit.Disposal.values
                else FilePlanUnit.Disposal.APPRAISE,
                "retention_years": None if unlimited or not years.isdigit() else int(years),
                "retired": _text(unit, "x:Stillgelegt") in ("true", "1"),
            }
            row, created = FilePlanUnit.objects.update_or_create(code=code[:64], defaults=values)
            (report.created if created else report.updated).append(row.code)
            walk(unit, row)

    walk(plan, None)
    return report

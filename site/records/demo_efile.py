"""A stand-in e-file for the quick start and the tests: it imports what the demo (or a
drop-folder) connection put in its outbox and answers as a DMS would.

It is no e-file: it checks each container the way a receiving DMS does (the message
valid against the xdomea 3.0.0 schema, every primary document it names present in the
container), moves the container into ``efile/`` beside the outbox (the "e-file's"
store) and writes an import confirmation (0630) into the reply folder: success with
the record's id, or a refusal naming what was wrong. ``manage.py demo_efile`` runs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeET
from django.utils import timezone

from . import xdomea

SCHEMA_INVALID = "0000008"  # AllgemeineRueckmeldung: the XML does not satisfy the schema


@dataclass(frozen=True)
class Imported:
    container: str
    success: bool
    object_id: str
    reason: str = ""


def _object_id(xml: bytes) -> str:
    root = SafeET.fromstring(xml)
    ns = {"x": xdomea.NS}
    for path in (".//x:Vorgang/x:Identifikation/x:ID", ".//x:IDSGO", ".//x:IDContainer"):
        found = root.find(path, ns)
        if found is not None and found.text:
            return found.text.strip()
    return ""


def _missing_files(xml: bytes, files: dict[str, bytes]) -> list[str]:
    root = SafeET.fromstring(xml)
    names = [e.text or "" for e in root.iter(f"{{{xdomea.NS}}}Dateiname")]
    return [name for name in names if name not in files]


def import_container(content: bytes) -> tuple[str, Imported, bytes]:
    """Check one container; returns its ProzessID, the outcome and the 0630 answer."""
    xml, files = xdomea.unpack(content)
    root = SafeET.fromstring(xml)
    process_id = (root.findtext(f"{{{xdomea.NS}}}Kopf/{{{xdomea.NS}}}ProzessID") or "").strip()
    to = xdomea.Correspondents(institution="", office="", receiver="Demo-E-Akte")
    try:
        xdomea.validate(xml)
        missing = _missing_files(xml, files)
        if missing:
            raise xdomea.InvalidMessage(f"missing in the container: {', '.join(missing)}")
    except xdomea.InvalidMessage as exc:
        answer = xdomea.import_confirmation(
            process_id=process_id,
            to=to,
            success=False,
            feedback=SCHEMA_INVALID,
            now=timezone.now(),
        )
        return process_id, Imported("", False, "", str(exc)), answer
    object_id = _object_id(xml)
    answer = xdomea.import_confirmation(
        process_id=process_id,
        to=to,
        success=True,
        object_id=object_id if xdomea.is_uuid(object_id) else "",
        location=f"Demo-E-Akte/{object_id}",
        now=timezone.now(),
    )
    return process_id, Imported("", True, object_id), answer


def run(outbox: Path, inbox: Path) -> list[Imported]:
    """Import every container waiting in ``outbox`` (and its sub-folders)."""
    store = outbox.parent / "efile"
    done: list[Imported] = []
    for path in sorted(outbox.rglob("*.zip")):
        if path.name.startswith(".") or "_FVDaten." not in path.name:
            continue  # the archive's messages are the demo archive's (demo_archive.py)
        process_id, outcome, answer = import_container(path.read_bytes())
        inbox.mkdir(parents=True, exist_ok=True)
        partial = inbox / f".{process_id}.part"
        partial.write_bytes(answer)
        os.replace(partial, inbox / f"{process_id}_FVDaten.ImportBestaetigen.xml")
        target = store / path.relative_to(outbox)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        done.append(Imported(str(target), outcome.success, outcome.object_id, outcome.reason))
    return done

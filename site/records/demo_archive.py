"""A stand-in archive for the quick start and the tests: it answers the portal's
hand-over messages as an archive's system would.

It is no archive: an offer list (0501) is confirmed (0504) and appraised (0502), each
record by the proposal the portal sent (*A* archive and *B* appraise become *A*, *V*
becomes *V*) unless ``decide`` says otherwise; a hand-over (0503) is checked (valid
against the schema, every document it names in the container), confirmed (0507) and
imported (0506) with a reference ``Demo-Archiv/<n>``. Containers are moved into
``archive/`` beside the outbox. ``manage.py demo_archive`` runs it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from defusedxml import ElementTree as SafeET
from django.utils import timezone

from . import xdomea

NS = {"x": xdomea.NS}
TO = xdomea.Correspondents(institution="", office="", receiver="Demo-Archiv")


def _write(inbox: Path, name: str, content: bytes) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    partial = inbox / f".{name}.part"
    partial.write_bytes(content)
    os.replace(partial, inbox / name)


def _proposals(root) -> dict[str, str]:
    proposals = {}
    for vorgang in root.iterfind("x:Schriftgutobjekt/x:Vorgang", NS):
        record_id = vorgang.findtext("x:Identifikation/x:ID", "", NS).strip()
        proposal = vorgang.findtext(
            "x:ArchivspezifischeMetadaten/x:Aussonderungsart/x:Aussonderungsart/code", "", NS
        ).strip()
        proposals[record_id] = "V" if proposal == "V" else "A"
    return proposals


def answer(
    content: bytes, decide: Callable[[str, str], str] | None = None
) -> list[tuple[str, bytes]]:
    """The archive's answers to one container: (file name, XML) pairs."""
    xml, files = xdomea.unpack(content)
    xdomea.validate(xml)
    root = SafeET.fromstring(xml)
    code = root.tag.rsplit(".", 1)[-1]
    process_id = root.findtext("x:Kopf/x:ProzessID", "", NS).strip()
    now = timezone.now()

    def named(answer_code: str, body: bytes) -> tuple[str, bytes]:
        return f"{xdomea.base_name(process_id, answer_code)}.xml", body

    if code == "0501":
        proposals = _proposals(root)
        decisions = {
            record_id: (decide(record_id, proposal) if decide else proposal)
            for record_id, proposal in proposals.items()
        }
        return [
            named(
                "0504",
                xdomea.confirmation(
                    code="0504", process_id=process_id, to=TO, now=now, answer=True
                ),
            ),
            named(
                "0502", xdomea.appraisal(process_id=process_id, to=TO, decisions=decisions, now=now)
            ),
        ]
    if code == "0503":
        results: dict[str, tuple[bool, str]] = {}
        for number, vorgang in enumerate(root.iterfind("x:Schriftgutobjekt/x:Vorgang", NS), 1):
            record_id = vorgang.findtext("x:Identifikation/x:ID", "", NS).strip()
            names = [e.text or "" for e in vorgang.iter(f"{{{xdomea.NS}}}Dateiname")]
            missing = [name for name in names if name not in files]
            results[record_id] = (
                (False, f"missing: {', '.join(missing)}")
                if missing
                else (True, f"Demo-Archiv/{number}")
            )
        return [
            named(
                "0507",
                xdomea.confirmation(
                    code="0507", process_id=process_id, to=TO, now=now, answer=True
                ),
            ),
            named(
                "0506", xdomea.import_result(process_id=process_id, to=TO, results=results, now=now)
            ),
        ]
    return []  # 0505: the portal's receipt of the appraisal needs no answer


def run(outbox: Path, inbox: Path, decide: Callable[[str, str], str] | None = None) -> list[str]:
    """Answer every hand-over container waiting in ``outbox``; returns the answers written."""
    store = outbox.parent / "archive"
    written = []
    for path in sorted(outbox.rglob("*.zip")):
        if path.name.startswith(".") or "_Aussonderung." not in path.name:
            continue
        for name, body in answer(path.read_bytes(), decide):
            _write(inbox, name, body)
            written.append(name)
        target = store / path.relative_to(outbox)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    return written

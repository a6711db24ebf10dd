"""The other side's answers: read from every connection in use, applied by kind.

The periodic job :func:`collect_answers` asks each records connection with messages
waiting for an answer (:mod:`portal_site.records.connectors`), and :func:`handle_answer`
applies each one: the e-file's receipts (0629, 0630) by
:func:`portal_site.records.filing.apply_receipt`, the archive's (0502, 0504, 0506, 0507)
by :func:`portal_site.records.archive.handle_archive_answer`. An answer that is not
valid against the schema, or names no message of ours, changes nothing and is logged;
an answer is taken away once read, and one read twice changes nothing.
"""

from __future__ import annotations

import logging

from . import xdomea
from .archive import handle_archive_answer
from .connectors import records_connectors
from .filing import apply_receipt
from .models import ArchiveTransfer, Filing

logger = logging.getLogger(__name__)

ARCHIVE_ANSWERS = ("0502", "0504", "0506", "0507")


def collect_answers() -> int:
    """Periodic job: read the answers of every connection in use; returns how many were
    applied."""
    in_use = set(
        Filing.objects.filter(
            status__in=[Filing.Status.SENDING, Filing.Status.SENT, Filing.Status.RECEIVED]
        )
        .values_list("connector", flat=True)
        .distinct()
    ) | set(
        ArchiveTransfer.objects.filter(
            state__in=[ArchiveTransfer.State.OFFERED, ArchiveTransfer.State.HANDED_OVER]
        )
        .values_list("connector", flat=True)
        .distinct()
    )
    handled = 0
    for connector in records_connectors():
        if connector.key not in in_use or not connector.is_enabled():
            continue
        try:
            answers = connector.answers()
        except Exception:  # noqa: BLE001 - one unreachable e-file must not stop the others
            logger.exception(
                "Answers of the records connection %s could not be read", connector.key
            )
            continue
        for answer in answers:
            if handle_answer(answer.content, name=answer.name):
                handled += 1
            connector.done(answer.name)
    return handled


def handle_answer(content: bytes, *, name: str = "") -> bool:
    """Apply one answer; False (and a log line) for one that is not ours or not valid."""
    try:
        xml, _files = xdomea.unpack(content)
        if xdomea.message_code(xml) in ARCHIVE_ANSWERS:
            return handle_archive_answer(xdomea.read_archive_answer(xml))
        receipt = xdomea.read_receipt(xml)
    except xdomea.InvalidMessage as exc:
        logger.warning("Answer %s is not a valid xdomea answer: %s", name, exc)
        return False
    return apply_receipt(receipt, name=name)

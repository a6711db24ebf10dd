"""Queue e-mails. Sending happens in :mod:`.delivery`, after commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from .attachments import pending_attachments
from .delivery import deliver_message
from .models import OutboxMessage

if TYPE_CHECKING:
    from portal_site.cases.models import Case


def queue_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html_body: str = "",
    case: Case | None = None,
    attachments: Sequence[dict] = (),
) -> OutboxMessage:
    """Store an e-mail and send it by a background task once the transaction commits.

    If the transaction rolls back, the message is gone with it; if the mail
    server is down, the message stays in the outbox and is retried.
    """
    attachments = list(attachments)
    waiting = bool(pending_attachments(attachments))
    message = OutboxMessage.objects.create(
        to=list(to),
        subject=subject[:255],
        body=body,
        html_body=html_body,
        case=case,
        attachments=attachments,
        status=OutboxMessage.Status.WAITING if waiting else OutboxMessage.Status.QUEUED,
    )
    if not waiting:  # otherwise the document's rendering task releases it
        message_id = str(message.pk)
        transaction.on_commit(lambda: deliver_message.enqueue(message_id))
    return message


def release_if_ready(message: OutboxMessage) -> bool:
    """Queue a message waiting for documents once they all exist; whether it was released."""
    if pending_attachments(message.attachments):
        return False
    released = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.WAITING
    ).update(status=OutboxMessage.Status.QUEUED)
    if released:
        message_id = str(message.pk)
        transaction.on_commit(lambda: deliver_message.enqueue(message_id))
    return bool(released)

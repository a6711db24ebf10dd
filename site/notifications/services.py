"""Queue e-mails. Sending happens in :mod:`.delivery`, after commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

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
    from .delivery import deliver_message  # the task module imports models

    message = OutboxMessage.objects.create(
        to=list(to),
        subject=subject[:255],
        body=body,
        html_body=html_body,
        case=case,
        attachments=list(attachments),
    )
    message_id = str(message.pk)
    transaction.on_commit(lambda: deliver_message.enqueue(message_id))
    return message

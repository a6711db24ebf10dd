"""Sending outbox messages: background tasks, one SMTP connection per batch, retries.

A task started for one message also sends the other messages waiting in the
outbox (up to :data:`BATCH_SIZE`) over the same SMTP connection; each message
is locked on its own (``skip_locked``), so parallel workers never send one
twice. Every message carries ``Auto-Submitted: auto-generated`` (RFC 3834: no
out-of-office replies), a ``Date`` in the city's local time with its offset and
a ``Message-ID`` on the portal's own domain.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import format_datetime, parseaddr

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .attachments import case_file_name, pending_attachments
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64, 256 minutes: mail servers get time to come back."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


BATCH_SIZE = 50


def send_now(*, message_id: str, connection=None) -> OutboxMessage.Status:
    """Send one message unless it was sent already or is being sent elsewhere."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        )
        if message is None:
            return OutboxMessage.Status.SENDING
        if message.status in (
            OutboxMessage.Status.SENT,
            OutboxMessage.Status.FAILED,
            OutboxMessage.Status.WAITING,
        ):
            return OutboxMessage.Status(message.status)
        if pending_attachments(message.attachments):  # sent by an administrator's retry
            message.status = OutboxMessage.Status.WAITING
            message.save(update_fields=["status", "updated_at"])
            return OutboxMessage.Status.WAITING
        message.attempts += 1
        try:
            _build(message, connection=connection).send()
        except Exception as exc:  # noqa: BLE001 - any transport error means "retry later"
            logger.warning("E-mail %s failed (attempt %s): %s", message.pk, message.attempts, exc)
            message.last_error = f"{type(exc).__name__}: {exc}"
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                message.next_attempt_at = None
            else:
                message.status = OutboxMessage.Status.RETRYING
                message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
        if message.erase_after_sending and message.status in FINAL:
            wipe_message(message)
        message.save()
        return OutboxMessage.Status(message.status)


FINAL = (OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED)


def wipe_message(message: OutboxMessage) -> None:
    """Delete the recipient and text of a message whose case's personal data are gone."""
    from django.utils.translation import gettext

    message.to = []
    message.subject = gettext("(deleted)")
    message.body = ""
    message.html_body = ""
    message.attachments = []
    message.last_error = ""
    message.erase_after_sending = False


def mail_domain() -> str:
    """The portal's own domain for Message-IDs: ``PORTAL_MAIL_DOMAIN``, else the sender's."""
    configured = getattr(settings, "PORTAL_MAIL_DOMAIN", "")
    if configured:
        return configured
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return address.rpartition("@")[2] or "localhost"


def _build(message: OutboxMessage, *, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        connection=connection,
        headers={
            "Auto-Submitted": "auto-generated",
            "Date": format_datetime(timezone.localtime()),
            # Stable per outbox message: a retried sending keeps its id.
            "Message-ID": f"<{message.pk}@{mail_domain()}>",
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        storage = storages[attachment.get("storage", "private")]
        name = attachment.get("name") or case_file_name(attachment.get("case_file"))
        with storage.open(name, "rb") as handle:
            email.attach(attachment["filename"], handle.read(), attachment["mimetype"])
    return email


def send_batch(message_ids: list[str]) -> dict[str, str]:
    """Send the messages over one SMTP connection; each is locked and sent at most once."""
    results: dict[str, str] = {}
    connection = get_connection()
    try:
        connection.open()  # kept open for the batch; a failure shows on each message below
    except Exception:  # noqa: BLE001 - each send below records the error and retries
        logger.warning("Opening the SMTP connection failed", exc_info=True)
    try:
        for message_id in message_ids:
            results[message_id] = str(send_now(message_id=message_id, connection=connection))
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a connection that died is closed already
            logger.warning("Closing the SMTP connection failed", exc_info=True)
    return results


def waiting_message_ids(*, first: str, limit: int = BATCH_SIZE) -> list[str]:
    """``first`` and the other messages that wait to be sent now, oldest first."""
    others = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
        .exclude(pk=first)
        .order_by("created_at")
        .values_list("pk", flat=True)[: limit - 1]
    )
    return [first, *(str(pk) for pk in others)]


@task()
def deliver_message(message_id: str) -> str:
    """Send this message and whatever else waits, in one SMTP session."""
    return send_batch(waiting_message_ids(first=message_id))[message_id]


@task()
def deliver_batch(message_ids: list[str]) -> int:
    return len(send_batch(message_ids))


def enqueue_due_messages() -> int:
    """Periodic sweep: enqueue messages whose retry time has come (and lost ones)."""
    now = timezone.now()
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.RETRYING, next_attempt_at__lte=now
    ) | OutboxMessage.objects.filter(
        # queued for more than 10 minutes: the enqueue after commit was lost
        status=OutboxMessage.Status.QUEUED,
        created_at__lte=now - timedelta(minutes=10),
    )
    ids = [str(pk) for pk in due.values_list("pk", flat=True)]
    for start in range(0, len(ids), BATCH_SIZE):
        deliver_batch.enqueue(ids[start : start + BATCH_SIZE])
    return len(ids)


def retry_failed(*, message: OutboxMessage) -> None:
    """An administrator's "send again": reset the counter and enqueue."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=None
    )
    message_id = str(message.pk)
    transaction.on_commit(lambda: deliver_message.enqueue(message_id))

"""Sending outbox messages: a background task per message, retried with back-off."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64, 256 minutes: mail servers get time to come back."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


def send_now(*, message_id: str) -> OutboxMessage.Status:
    """Send one message unless it was sent already or is being sent elsewhere."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        )
        if message is None:
            return OutboxMessage.Status.SENDING
        if message.status in (OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED):
            return OutboxMessage.Status(message.status)
        message.attempts += 1
        try:
            _build(message).send()
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


def _build(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        storage = storages[attachment.get("storage", "private")]
        with storage.open(attachment["name"], "rb") as handle:
            email.attach(attachment["filename"], handle.read(), attachment["mimetype"])
    return email


@task()
def deliver_message(message_id: str) -> str:
    return str(send_now(message_id=message_id))


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
    count = 0
    for message_id in due.values_list("pk", flat=True):
        deliver_message.enqueue(str(message_id))
        count += 1
    return count


def retry_failed(*, message: OutboxMessage) -> None:
    """An administrator's "send again": reset the counter and enqueue."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=None
    )
    message_id = str(message.pk)
    transaction.on_commit(lambda: deliver_message.enqueue(message_id))

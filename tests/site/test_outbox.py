from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from portal_site.notifications.delivery import MAX_ATTEMPTS, retry_failed, send_now
from portal_site.notifications.models import OutboxMessage
from portal_site.notifications.services import queue_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_message_is_sent_after_commit_not_before():
    with transaction.atomic():
        message = queue_email(to=["a@example.org"], subject="Eingangsbestätigung", body="Hallo")
        assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Eingangsbestätigung"]


def test_rolled_back_transaction_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(to=["a@example.org"], subject="x", body="y")
        raise RuntimeError
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=9,
    EMAIL_TIMEOUT=2,
)
def test_mail_server_down_keeps_the_message_for_retry_then_fails_visibly():
    message = queue_email(to=["a@example.org"], subject="x", body="y")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.RETRYING
    assert message.next_attempt_at is not None
    assert "Error" in message.last_error or "refused" in message.last_error.lower()
    for _ in range(MAX_ATTEMPTS):
        send_now(message_id=str(message.pk))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_a_sent_message_is_not_sent_twice():
    message = queue_email(to=["a@example.org"], subject="x", body="y")
    send_now(message_id=str(message.pk))
    assert len(mail.outbox) == 1


def test_admin_retry_sends_a_failed_message():
    message = OutboxMessage.objects.create(
        to=["a@example.org"], subject="x", body="y", status=OutboxMessage.Status.FAILED
    )
    with transaction.atomic():
        retry_failed(message=message)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_smtp_outage_loses_no_message_and_the_retry_delivers_it(settings):
    from datetime import timedelta

    from django.utils import timezone

    from portal_site.notifications.delivery import enqueue_due_messages
    from tests.mail_server import SMTPServer, free_port

    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    message = queue_email(
        to=["frank.mustermann@kassel.de"],
        subject="Eingangsbestätigung 26.0001",
        body="Ihr Antrag ist eingegangen.",
    )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.RETRYING  # server down: kept, not lost

    server = SMTPServer(port=port).start()
    try:
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        assert enqueue_due_messages() == 1  # the periodic job picks it up
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.SENT
        [received] = server.messages
        assert received["Subject"] == "Eingangsbestätigung 26.0001"
        assert "Ihr Antrag ist eingegangen." in server.bodies_to("frank.mustermann@kassel.de")[0]
    finally:
        server.stop()


def test_messages_of_a_batch_share_one_smtp_session_and_carry_proper_headers(settings):
    from email.utils import parsedate_to_datetime

    from django.utils import timezone

    from tests.mail_server import SMTPServer

    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.DEFAULT_FROM_EMAIL = "Serviceportal <serviceportal@kassel.de>"
    try:
        with transaction.atomic():
            for number in range(3):
                queue_email(to=[f"p{number}@example.org"], subject=f"Nr. {number}", body="x")
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 3
        assert len(server.messages) == 3
        assert server.sessions == 1  # one SMTP connection for the three
        for received in server.messages:
            assert received["Auto-Submitted"] == "auto-generated"
            assert received["Message-ID"].endswith("@kassel.de>")
            sent_at = parsedate_to_datetime(received["Date"])
            # Local time with its offset (Europe/Berlin: +01:00 or +02:00), not "-0000".
            assert sent_at.utcoffset() == timezone.localtime().utcoffset()
            assert "-0000" not in received["Date"]
        ids = {m["Message-ID"] for m in server.messages}
        assert len(ids) == 3
    finally:
        server.stop()

"""Documents are rendered after commit by a task; a failed one is missing until retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal_site.accounts.models import User
from portal_site.cases.models import CaseFile
from portal_site.documents import rendering, services
from portal_site.notifications.models import OutboxMessage
from shop.models import Invoice
from tests.shop.helpers import approve_up_to_invoice, certificate_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_invoice_is_rendered_after_commit_and_its_mail_waits_for_it(staff, monkeypatch):
    real_render = rendering.render_pdf
    calls = []

    def broken(**kwargs):
        calls.append(kwargs["template_name"])
        raise OSError("font cache not writable")

    monkeypatch.setattr(services, "render_pdf", broken)
    case = certificate_case()
    approve_up_to_invoice(case)  # the clerk's step commits although the PDF fails
    invoice = Invoice.objects.get(case=case)
    document = invoice.document
    document.refresh_from_db()
    assert calls == ["shop/invoice.html"]
    assert document.status == CaseFile.Status.PENDING and document.is_missing
    assert "font cache" in document.last_error and document.next_attempt_at > timezone.now()
    [message] = OutboxMessage.objects.filter(case=case)
    assert message.status == OutboxMessage.Status.WAITING and not mail.outbox

    # staff see it as missing on the case, and its download explains that
    client = Client()
    client.force_login(User.objects.get(username="standesamt"))
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    assert "fehlt" in page and "Jetzt erneut versuchen" in page
    response = client.get(f"/admin/cases/files/{document.pk}/")
    assert response.status_code == 409 and "fehlt" in response.content.decode()

    # the periodic job retries once the pause is over; then the mail goes, once
    monkeypatch.setattr(services, "render_pdf", real_render)
    assert services.render_due_documents() == 0  # not due yet
    CaseFile.objects.filter(pk=document.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.render_due_documents() == 1
    document.refresh_from_db()
    assert document.is_ready and document.size > 1000 and len(document.sha256) == 64
    assert document.render_spec is None
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    [sent] = mail.outbox
    assert [name for name, _content, _type in sent.attachments] == [document.filename]
    assert sent.attachments[0][1][:5] == b"%PDF-"
    assert (
        case.timeline.filter(
            message__startswith="Datei abgelegt", data__case_file=document.pk
        ).count()
        == 1
    )
    assert client.get(f"/admin/cases/files/{document.pk}/").status_code == 200


def test_staff_can_retry_a_missing_document_at_once(staff, monkeypatch):
    real_render = rendering.render_pdf
    monkeypatch.setattr(services, "render_pdf", lambda **kwargs: 1 / 0)
    case = certificate_case()
    approve_up_to_invoice(case)
    document = Invoice.objects.get(case=case).document
    monkeypatch.setattr(services, "render_pdf", real_render)
    client = Client()
    client.force_login(User.objects.get(username="stadtarchiv"))  # another office: refused
    response = client.post(f"/admin/cases/files/{document.pk}/erneut/")
    assert response.status_code in (302, 403) and response.get("Location") != "/"
    document.refresh_from_db()
    assert not document.is_ready and document.attempts == 1
    client.force_login(User.objects.get(username="standesamt"))
    response = client.post(f"/admin/cases/files/{document.pk}/erneut/")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_ready
    assert len(mail.outbox) == 1


def test_a_document_shows_what_was_committed_not_what_was_in_memory(staff):
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    with invoice.document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    spec_context = services.encode({"invoice": invoice, "rows": [(invoice, "1,00 €")]})
    assert services.decode(spec_context) == {"invoice": invoice, "rows": [(invoice, "1,00 €")]}


def test_a_render_that_loses_its_database_connection_is_retried_on_a_fresh_one(
    staff, monkeypatch, postgres_only
):
    """The worker's connection drops while the PDF is rendered (database restart, network):
    the failure is written on a fresh connection and retried after the usual pause, not
    after the ten-minute safety net for lost enqueues."""
    from django.db import connection

    real_render = rendering.render_pdf
    monkeypatch.setattr(services, "render_pdf", lambda **kwargs: 1 / 0)
    case = certificate_case()
    approve_up_to_invoice(case)
    document = Invoice.objects.get(case=case).document
    document.refresh_from_db()
    attempts = document.attempts

    def dropped(**kwargs):
        with connection.cursor() as cursor:  # the server ends this very session
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_render(**kwargs)

    monkeypatch.setattr(services, "render_pdf", dropped)
    assert services.render_document.call(document.pk) == "failed"
    document.refresh_from_db()  # on the fresh connection
    assert document.attempts == attempts + 1 and document.next_attempt_at is not None
    assert document.next_attempt_at < timezone.now() + timedelta(minutes=10)
    assert "Error" in document.last_error

    monkeypatch.setattr(services, "render_pdf", real_render)
    CaseFile.objects.filter(pk=document.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.render_due_documents() == 1
    document.refresh_from_db()
    assert document.is_ready

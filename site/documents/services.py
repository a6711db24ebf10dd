"""Generate a document from a template and file it with its case, off the request.

:func:`file_pdf_document` is called inside the transaction that decides a case
(a clerk's click, a payment webhook, a periodic job). It only files a placeholder
(status *being created*) with what the document is rendered from, and enqueues
:func:`render_document` for when that transaction commits. The task renders the
PDF outside any business lock, stores it with its checksum, notes it on the
timeline and releases the e-mails that wait for it as an attachment. A rendering
that fails is retried with growing pauses (periodic job ``documents.render_due``);
meanwhile the case shows the document as missing.

The rendering context is stored as JSON: model instances by their key (read again
when rendering, so the document shows what was committed), dates, decimals and
lists as themselves.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models.query import QuerySet
from django.utils import timezone
from django_tasks import task

from portal_site.accounts.models import User
from portal_site.cases.models import Case, CaseFile
from portal_site.cases.services import note_filed

from .rendering import render_pdf

logger = logging.getLogger(__name__)

MODEL, DATETIME, DATE, DECIMAL, TUPLE = (
    "__model__",
    "__datetime__",
    "__date__",
    "__decimal__",
    "__tuple__",
)
LOST_AFTER = datetime.timedelta(minutes=10)  # enqueued but never started: enqueue again


def retry_delay(attempts: int) -> datetime.timedelta:
    """2, 4, 8 … minutes, at most 4 hours: a broken template or font gets fixed meanwhile."""
    return datetime.timedelta(minutes=min(2**attempts, 240))


# -- the stored context -------------------------------------------------------


def encode(value: Any) -> Any:
    """A rendering context value as JSON; model instances by label and key."""
    if isinstance(value, models.Model):
        return {MODEL: value._meta.label, "pk": value.pk}
    if isinstance(value, QuerySet):
        return [encode(item) for item in value]
    if isinstance(value, datetime.datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, datetime.date):
        return {DATE: value.isoformat()}
    if isinstance(value, Decimal):
        return {DECIMAL: str(value)}
    if isinstance(value, tuple):
        return {TUPLE: [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # lazy translations and the like


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if MODEL in value:
        return apps.get_model(value[MODEL])._default_manager.filter(pk=value["pk"]).first()
    if DATETIME in value:
        return datetime.datetime.fromisoformat(value[DATETIME])
    if DATE in value:
        return datetime.date.fromisoformat(value[DATE])
    if DECIMAL in value:
        return Decimal(value[DECIMAL])
    if TUPLE in value:
        return tuple(decode(item) for item in value[TUPLE])
    return {key: decode(item) for key, item in value.items()}


# -- filing and rendering -----------------------------------------------------


def file_pdf_document(
    *,
    case: Case,
    template_name: str,
    title: str,
    filename: str,
    context: dict[str, Any] | None = None,
    actor: User | None = None,
) -> CaseFile:
    """File a PDF/A document with the case; it is rendered once the transaction commits."""
    case_file = CaseFile.objects.create(
        case=case,
        kind=CaseFile.Kind.GENERATED,
        status=CaseFile.Status.PENDING,
        title=title,
        filename=filename,
        content_type="application/pdf",
        source=template_name,
        created_by=actor,
        render_spec={
            "template_name": template_name,
            "now": timezone.localtime().isoformat(),
            "context": encode(context or {}),
        },
    )
    case_file_id = case_file.pk
    transaction.on_commit(lambda: render_document.enqueue(case_file_id))
    return case_file


@task()
def render_document(case_file_id: int) -> str:
    try:
        return render_now(case_file_id=case_file_id)
    except (OperationalError, InterfaceError) as exc:
        # The database connection dropped mid-render: the failure could not be written on
        # it. Write it on a fresh connection, so the document is retried after the usual
        # pause instead of waiting for the lost-enqueue safety net (LOST_AFTER).
        if connection.in_atomic_block:
            raise
        logger.warning("Document %s: database connection lost (%s)", case_file_id, exc)
        connection.close()
        note_failure(case_file_id=case_file_id, error=exc)
        return "failed"


def note_failure(*, case_file_id: int, error: Exception) -> None:
    """A pending document's failed attempt, with the pause before the next one."""
    with transaction.atomic():
        case_file = (
            CaseFile.objects.select_for_update(of=("self",))
            .filter(pk=case_file_id, status=CaseFile.Status.PENDING)
            .first()
        )
        if case_file is None:
            return
        case_file.attempts += 1
        case_file.last_error = f"{type(error).__name__}: {error}"[:2000]
        case_file.next_attempt_at = timezone.now() + retry_delay(case_file.attempts)
        case_file.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def render_now(*, case_file_id: int) -> str:
    """Render one pending document unless it exists already or is being rendered elsewhere."""
    with transaction.atomic():
        case_file = (
            CaseFile.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case__office", "created_by")
            .filter(pk=case_file_id)
            .first()
        )
        if case_file is None:
            return "busy or gone"
        if case_file.is_ready:
            return "ready"
        try:
            with transaction.atomic():  # a failed query inside the template rolls back alone
                pdf = _render(case_file)
        except Exception as exc:  # noqa: BLE001 - any failure: keep it pending and retry later
            logger.exception("Document %s could not be rendered", case_file.pk)
            note_failure(case_file_id=case_file.pk, error=exc)
            return "failed"
        _store(case_file, pdf)
        case = case_file.case
        transaction.on_commit(lambda: release_waiting_messages(case=case))
    return "ready"


def _render(case_file: CaseFile) -> bytes:
    spec = case_file.render_spec or {}
    context = decode(spec.get("context", {}))
    now = datetime.datetime.fromisoformat(spec["now"]) if spec.get("now") else timezone.now()
    return render_pdf(
        template_name=spec["template_name"],
        context={"case": case_file.case, "now": timezone.localtime(now), **context},
        issuer=case_file.case.office,  # the office the case is with issues its documents
    )


def _store(case_file: CaseFile, pdf: bytes) -> None:
    case_file.file.save(case_file.filename, ContentFile(pdf), save=False)
    case_file.size = len(pdf)
    case_file.sha256 = hashlib.sha256(pdf).hexdigest()
    case_file.status = CaseFile.Status.READY
    case_file.render_spec = None
    case_file.last_error = ""
    case_file.next_attempt_at = None
    case_file.save()
    note_filed(case_file, actor=case_file.created_by)


def release_waiting_messages(*, case: Case | None = None) -> int:
    """Queue the e-mails of ``case`` (or all) whose attached documents all exist now."""
    from portal_site.notifications.models import OutboxMessage
    from portal_site.notifications.services import release_if_ready

    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.WAITING)
    if case is not None:
        waiting = waiting.filter(case=case)
    return sum(release_if_ready(message) for message in waiting)


def render_due_documents() -> int:
    """Periodic job: enqueue documents whose retry is due, and those whose enqueue was lost."""
    now = timezone.now()
    due = CaseFile.objects.filter(status=CaseFile.Status.PENDING).filter(
        models.Q(next_attempt_at__lte=now) | models.Q(attempts=0, created_at__lte=now - LOST_AFTER)
    )
    ids = list(due.values_list("pk", flat=True)[:500])
    for case_file_id in ids:
        render_document.enqueue(case_file_id)
    # a mail whose document became ready while its release was lost
    release_waiting_messages()
    return len(ids)


def render_again(*, case_file: CaseFile) -> None:
    """Staff's "try again now" on a missing document."""
    # due now: should this enqueue be lost, the periodic job picks it up
    CaseFile.objects.filter(pk=case_file.pk, status=CaseFile.Status.PENDING).update(
        next_attempt_at=timezone.now()
    )
    case_file_id = case_file.pk
    transaction.on_commit(lambda: render_document.enqueue(case_file_id))

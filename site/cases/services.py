"""Writes on cases: open a case, record history, change status."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal_site.accounts.models import OrgUnit, User
from portal_site.registry import Registry

from . import events
from .messages import Keyed, render_keyed
from .models import Case, CaseFile, CaseStatus, Channel, TimelineEntry
from .numbering import next_case_number, provisional_number

CLOSED_STATUSES = (CaseStatus.COMPLETED, CaseStatus.REJECTED, CaseStatus.CANCELLED)


def actor_label_for(user: User | None) -> str:
    if user is None:
        return _("System")
    return user.get_full_name() or user.get_username()


def record(
    *,
    case: Case,
    message: Keyed,
    kind: str = "",
    actor: User | None = None,
    actor_label: str | None = None,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Append one entry to the case's timeline: one of the case events
    (:mod:`portal_site.cases.events`) with its parameters.

    It is stored as the event and its parameters (shown in the reader's language)
    and, for search, exports and PDFs, as the German text. Plain text is refused:
    it would stay in the writer's language.
    """
    if not isinstance(message, Keyed) or not message.event:
        raise TypeError("A timeline entry is a case event (portal_site.cases.events).")
    data = dict(data or {})
    stored = {
        "event": message.event,
        "key": message.key,
        "params": message.params,
        "suffix": message.suffix,
    }
    data["message"] = stored
    with translation.override(settings.LANGUAGE_CODE):
        text = render_keyed(stored) or message.key
    return TimelineEntry.objects.create(
        case=case,
        at=timezone.now(),
        kind=kind or message.kind,
        actor=actor,
        actor_label=actor_label or actor_label_for(actor),
        message=text,
        data=data,
    )


@transaction.atomic
def open_case(
    *,
    process_key: str,
    title: str,
    data: dict[str, Any],
    channel: str = Channel.PORTAL,
    applicant_name: str = "",
    applicant_email: str = "",
    applicant_user: User | None = None,
    office: OrgUnit | None = None,
    parent: Case | None = None,
    actor: User | None = None,
    number_last: bool = False,
) -> Case:
    """Create a case with the next number and its first timeline entry.

    Runs in the caller's transaction when there is one, so that the stored
    submission, the case and the process start commit together or not at all.
    With ``number_last`` the case gets a provisional number and the caller gives
    it the real one with :func:`numbering.assign_number` as its last write
    (nothing before that may show the number).
    """
    if number_last and parent is not None:
        raise ValueError("A sub-case is linked by its number: it cannot come last.")
    received_at = timezone.now()
    case = Case.objects.create(
        number=provisional_number()
        if number_last
        else next_case_number(at=timezone.localtime(received_at)),
        process_key=process_key,
        title=title,
        channel=channel,
        received_at=received_at,
        applicant_name=applicant_name,
        applicant_email=applicant_email,
        applicant_user=applicant_user,
        office=office,
        parent=parent,
        data=data,
    )
    record(
        case=case,
        message=events.CASE_RECEIVED(channel=Channel(channel).label),
        actor=actor,
        actor_label=None if actor else (applicant_name or None),
        data={"channel": channel},
    )
    if parent is not None:
        record(
            case=parent,
            message=events.SUB_CASE_LINKED(number=case.number),
            actor=actor,
        )
    return case


CaseClosed = Callable[[Case], object]
_CLOSED_LISTENERS: Registry[str, CaseClosed] = Registry("case closed listeners")


def register_case_closed(name: str, listener: CaseClosed) -> None:
    """``listener(case)`` runs inside the transaction that closes a case (the records
    package files it in the e-file)."""
    _CLOSED_LISTENERS.register(name, listener)


@transaction.atomic
def change_status(*, case: Case, status: str, actor: User | None = None, reason: str = "") -> Case:
    """Set the case's status and write the change to the timeline."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == status:
        return locked
    old = locked.status
    locked.status = status
    if status in CLOSED_STATUSES:
        locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    message = events.STATUS_CHANGED(
        old=CaseStatus(old).label,
        new=CaseStatus(status).label,
        suffix=f" {reason}" if reason else "",
    )
    record(case=locked, message=message, actor=actor)
    if locked.closed_at is not None and status in CLOSED_STATUSES:
        for listener in _CLOSED_LISTENERS.values():
            listener(locked)
    return locked


def attach_file(
    *,
    case: Case,
    content: bytes,
    filename: str,
    content_type: str,
    kind: str,
    title: str = "",
    source: str = "",
    actor: User | None = None,
    actor_label: str | None = None,
) -> CaseFile:
    """File ``content`` with the case (private storage, SHA-256) and note it on the timeline."""
    case_file = CaseFile(
        case=case,
        kind=kind,
        title=title or filename,
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        source=source,
        created_by=actor,
    )
    case_file.file.save(filename, ContentFile(content), save=False)
    case_file.save()
    note_filed(case_file, actor=actor, actor_label=actor_label)
    return case_file


def note_filed(
    case_file: CaseFile, *, actor: User | None = None, actor_label: str | None = None
) -> TimelineEntry:
    """The timeline entry of a file that now exists, with its checksum."""
    return record(
        case=case_file.case,
        message=events.FILE_FILED(title=case_file.title),
        actor=actor,
        actor_label=actor_label,
        data={"case_file": case_file.pk, "sha256": case_file.sha256},
    )


def add_note(*, case: Case, actor: User, text: str) -> TimelineEntry:
    """An internal note: on the timeline, never shown to the applicant."""
    return record(case=case, message=events.NOTE_ADDED(text=text), actor=actor)


def notify_applicant(
    *,
    case: Case,
    subject: str,
    body: str,
    event: events.CaseEvent = events.EMAIL_TO_APPLICANT,
    actor: User | None = None,
    to: str = "",
    attachments=(),
    note_unsent: bool = False,
) -> TimelineEntry | None:
    """E-mail the person a case is about through the outbox and note it on the timeline.

    ``to`` is their address when it is not the case's applicant e-mail (an order's
    address, a course participant's). Without an address nothing is sent and nothing
    noted, unless ``note_unsent`` (then the timeline says the e-mail did not go out).
    The one service for "tell the applicant and write it down"; ``event`` is the
    timeline event (:mod:`portal_site.cases.events`) with a ``subject`` parameter.
    """
    from portal_site.notifications.services import queue_email

    address = to or case.applicant_email
    if not address:
        if note_unsent:
            return record(case=case, message=events.EMAIL_NOT_SENT(subject=subject), actor=actor)
        return None
    queue_email(to=[address], subject=subject, body=body, case=case, attachments=attachments)
    return record(
        case=case,
        message=event(subject=subject),
        actor=actor,
        data={"subject": subject, "body": body},
    )


@transaction.atomic
def message_applicant(*, case: Case, actor: User, subject: str, text: str) -> TimelineEntry:
    """E-mail the applicant through the outbox and keep the message on the case."""
    if not case.applicant_email:
        raise ValueError(_("This case has no e-mail address of the applicant."))
    entry = notify_applicant(
        case=case, subject=subject, body=text, event=events.MESSAGE_TO_APPLICANT, actor=actor
    )
    assert entry is not None
    return entry


@transaction.atomic
def pause_case(*, case: Case, actor: User, until, reason: str = "") -> Case:
    """Pause until a date; the periodic job resumes the case on that day."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValueError(_("A closed case cannot be paused."))
    locked.paused_until = until
    locked.save(update_fields=["paused_until", "updated_at"])
    message = _("Paused until %(date)s.") % {"date": until.strftime("%d.%m.%Y")}
    return change_status(
        case=locked, status=CaseStatus.PAUSED, actor=actor, reason=f"{message} {reason}".strip()
    )


def resume_due_cases() -> int:
    """Periodic job: cases whose pause has ended are in progress again."""
    today = timezone.localdate()
    resumed = 0
    for case in Case.objects.filter(status=CaseStatus.PAUSED, paused_until__lte=today):
        change_status(case=case, status=CaseStatus.IN_PROGRESS, reason=_("Pause ended."))
        Case.objects.filter(pk=case.pk).update(paused_until=None)
        resumed += 1
    return resumed


def cancel_case(*, case: Case, actor: User | None, reason: str) -> Case:
    """Cancel with a reason (the owning process cancels its open tasks first)."""
    if not reason.strip():
        raise ValueError(_("Please give a reason for the cancellation."))
    return change_status(case=case, status=CaseStatus.CANCELLED, actor=actor, reason=reason)


def case_files_not_ready(ids: list[int]) -> list[int]:
    """Of the given case files, those whose document is not rendered yet."""
    not_ready = CaseFile.objects.filter(pk__in=ids).exclude(status=CaseFile.Status.READY)
    return list(not_ready.values_list("pk", flat=True))


def case_file_stored_name(case_file_id: int) -> str | None:
    """Where a rendered case file is stored (None while it has no file)."""
    return CaseFile.objects.filter(pk=case_file_id).values_list("file", flat=True).first() or None


@transaction.atomic
def discard_test_case(case: Case) -> None:
    """Remove a case that never was a record (a designer's test run) with everything
    hanging off it: its files, e-mails, timeline and sub-cases. Real cases are never
    deleted (their personal data is erased, :mod:`portal_site.cases.erasure`)."""
    from portal_site.notifications.models import OutboxMessage

    if not (case.data or {}).get("test_run"):
        raise ValueError(f"{case.number} is no test run: cases are not deleted")
    for child in Case.objects.filter(parent=case):
        discard_test_case(child)
    for case_file in CaseFile.objects.filter(case=case):
        if case_file.file:
            case_file.file.delete(save=False)
        case_file.delete()
    OutboxMessage.objects.filter(case=case).delete()
    # The timeline's append-only guard is on the instance; a test run's history goes.
    TimelineEntry.objects.filter(case=case).delete()
    case.delete()

"""Filing cases in the e-file: what is sent, in which order, and what the answers do.

- :func:`request_filing` (a case closes, a clerk presses *In die E-Akte*, or
  ``manage.py file_case``) queues the messages the e-file lacks: the record with every
  document and a case sheet (0604) the first time; afterwards the documents added
  since (0605) and the metadata as they are now (0610). In the same transaction as the
  request; the background task :func:`send_filings` starts after commit.
- :func:`send_filings` sends a case's messages strictly in order: a message waits until
  the one before it is answered (a 0605 needs the e-file's id of the record). The
  container is built once, validated against the official XSD and kept, so sending
  again after a lost answer or a killed worker sends the same bytes under the same
  ProzessID: the e-file files nothing twice.
- :func:`apply_receipt` applies the e-file's receipts (0629, 0630) that
  :func:`portal_site.records.answers.collect_answers` reads: marks the messages, stores
  the e-file's id on the case's record and sends the next.
- :func:`retry_filing` sends a failed or refused message again (admin: *Erneut senden*).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from portal_site.accounts.models import User
from portal_site.cases import events
from portal_site.cases.models import Case, CaseFile, TimelineEntry
from portal_site.cases.services import record
from portal_site.connectors import get_connector
from portal_site.registry import NotRegistered

from . import xdomea
from .connectors import RecordsConnector
from .models import CaseRecord, Filing, OfficeRecords, ProcessRecords

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# How long a claimed message may take to reach the e-file before another worker resends it
# (the sender was killed mid-upload): longer than the slowest upload the timeouts allow.
SEND_LEASE = datetime.timedelta(minutes=15)

FILING_REQUESTED = events.define(
    "records_filing_requested",
    events.DOCUMENT,
    gettext_lazy("Filing in the e-file requested (%(messages)s)."),
)
FILED = events.define(
    "records_filed", events.DOCUMENT, gettext_lazy("Filed in the e-file as %(id)s.")
)
FILING_REFUSED = events.define(
    "records_refused", events.DOCUMENT, gettext_lazy("The e-file refused the filing: %(reason)s")
)


class RecordsError(Exception):
    """Filing is not possible (not configured, case without office): said to the clerk."""


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes, at most 2 hours: an e-file that is down gets fixed meanwhile."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


# -- where and under which name ------------------------------------------------------


def office_records(case: Case) -> OfficeRecords | None:
    """The records settings of the case's office, or of the nearest office above it."""
    office = case.office
    seen = set()
    while office is not None and office.pk not in seen:
        seen.add(office.pk)
        found = OfficeRecords.objects.filter(office=office).first()
        if found is not None:
            return found
        office = office.parent
    return None


def process_records(process_key: str) -> ProcessRecords | None:
    return (
        ProcessRecords.objects.select_related("file_plan_unit")
        .filter(process_key=process_key)
        .first()
    )


def reference_for(case: Case) -> str:
    """The case's Aktenzeichen: its file-plan number and its case number (``32.10-26.0042``);
    empty when its case type has no file-plan unit."""
    settings_row = process_records(case.process_key)
    unit = settings_row.file_plan_unit if settings_row else None
    return f"{unit.code}-{case.number}" if unit else ""


def aktenzeichen(case: Case) -> str:
    """The Aktenzeichen the case is filed under (or will be)."""
    stored = CaseRecord.objects.filter(case=case).values_list("reference", flat=True).first()
    return stored or reference_for(case)


def connector_for(office: OfficeRecords) -> RecordsConnector:
    try:
        connector = get_connector("records", office.efile_connector)
    except NotRegistered as exc:
        raise RecordsError(
            _("The e-file connection “%(key)s” of %(office)s does not exist.")
            % {"key": office.efile_connector, "office": office.office}
        ) from exc
    if not isinstance(connector, RecordsConnector):
        raise RecordsError(_("“%(key)s” is no records connection.") % {"key": connector.key})
    return connector


# -- requesting ------------------------------------------------------------------------


def _filed_file_ids(case: Case) -> set[int]:
    ids: set[int] = set()
    for documents in (
        Filing.objects.filter(case=case)
        .exclude(status=Filing.Status.REFUSED)
        .values_list("documents", flat=True)
    ):
        ids.update(int(d["file"]) for d in documents if d.get("file"))
    return ids


def document_entries(case: Case, *, filed_too: bool = False) -> list[dict[str, Any]]:
    """The case's ready files as message entries with fresh document ids; without those a
    filing already carried, unless ``filed_too`` (the archive gets every document)."""
    filed: set[int] = set() if filed_too else _filed_file_ids(case)
    files = case.files.filter(status=CaseFile.Status.READY).exclude(file="").order_by("pk")
    return [{"file": f.pk, "id": str(uuid.uuid4())} for f in files if f.pk not in filed]


def sheet_entry() -> dict[str, Any]:
    """A message entry for a case sheet rendered when the message is built."""
    return {"sheet": True, "id": str(uuid.uuid4())}


@transaction.atomic
def request_filing(*, case: Case, actor: User | None = None, reason: str = "") -> list[Filing]:
    """Queue what the e-file lacks of ``case``; nothing when it has everything."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.personal_data_deleted_at is not None:
        raise RecordsError(_("The case's personal data are erased; there is nothing to file."))
    office = office_records(locked)
    if office is None:
        raise RecordsError(
            _("No e-file is set for the office of case %(number)s (Settings → Records).")
            % {"number": locked.number}
        )
    connector_for(office)  # an unknown connection is said now, not in the background
    case_record, _created = CaseRecord.objects.get_or_create(
        case=locked,
        defaults={"state": CaseRecord.State.PENDING, "reference": reference_for(locked)},
    )
    created = Filing.objects.filter(case=locked, message=Filing.Message.CREATE).exclude(
        status=Filing.Status.REFUSED
    )
    last = Filing.objects.filter(case=locked).aggregate(last=Max("sequence"))["last"] or 0
    new: list[tuple[str, list[dict[str, Any]]]] = []
    if not created.exists():
        new.append((Filing.Message.CREATE, [*document_entries(locked), sheet_entry()]))
    else:
        documents = document_entries(locked)
        if documents:
            new.append((Filing.Message.FILE, [*documents, sheet_entry()]))
        new.append((Filing.Message.UPDATE, []))
    filings = [
        Filing.objects.create(
            case=locked,
            sequence=last + position,
            message=message,
            connector=office.efile_connector,
            folder=office.efile_folder,
            documents=documents,
            requested_by=(actor.get_full_name() or actor.get_username()) if actor else "",
        )
        for position, (message, documents) in enumerate(new, start=1)
    ]
    if case_record.state != CaseRecord.State.PENDING:
        case_record.state = CaseRecord.State.PENDING
        case_record.save(update_fields=["state"])
    record(
        case=locked,
        actor=actor,
        message=FILING_REQUESTED(messages=", ".join(f.message for f in filings)),
        data={"reason": reason} if reason else None,
    )
    case_id = locked.pk
    transaction.on_commit(lambda: send_filings.enqueue(case_id))
    return filings


def file_when_closed(case: Case) -> None:
    """Case-closed listener: file the case if its office files on closing (and the
    installation does: ``RECORDS_FILE_ON_CLOSE``)."""
    if not getattr(settings, "RECORDS_FILE_ON_CLOSE", True):
        return
    office = office_records(case)
    if office is None or not office.file_on_close:
        return
    try:
        request_filing(case=case, reason="closed")
    except RecordsError:
        logger.warning("Case %s closed but could not be queued for filing", case.number)


# -- building a message ----------------------------------------------------------------


def correspondents(case: Case, office: OfficeRecords | None) -> xdomea.Correspondents:
    from portal_site.documents.models import letterhead_for

    letterhead = letterhead_for(case.office)
    return xdomea.Correspondents(
        institution=letterhead.authority or "",
        office=case.office.name if case.office else "",
        receiver=office.efile_name if office else "E-Akte",
        system_version=getattr(settings, "PORTAL_VERSION", ""),
    )


def _case_sheet(case: Case) -> bytes:
    from portal_site.documents.rendering import render_pdf

    return render_pdf(
        template_name="documents/case_sheet.html",
        context={"case": case, "now": timezone.localtime()},
        issuer=case.office,
    )


def _documents(case: Case, entries: list[dict[str, Any]]):
    files_by_pk = {
        f.pk: f for f in case.files.filter(pk__in=[e["file"] for e in entries if e.get("file")])
    }
    documents: list[xdomea.Document] = []
    contents: dict[str, bytes] = {}
    for entry in entries:
        if entry.get("sheet"):
            name = f"Vorgangsblatt-{case.number}.pdf"
            document = xdomea.Document(
                id=entry["id"],
                title=f"Vorgangsblatt {case.number}",
                filename=f"{entry['id']}_{name}",
                original_name=name,
                created_at=timezone.now(),
                archival=True,
                kind="Vorgangsblatt",
            )
            contents[document.filename] = _case_sheet(case)
        else:
            case_file = files_by_pk.get(int(entry["file"]))
            if case_file is None:  # deleted since the request: nothing to send for it
                continue
            with case_file.file.open("rb") as handle:
                content = handle.read()
            document = xdomea.Document(
                id=entry["id"],
                title=case_file.title,
                filename=f"{entry['id']}_{case_file.filename}",
                original_name=case_file.filename,
                created_at=case_file.created_at,
                archival=case_file.kind == CaseFile.Kind.GENERATED
                and case_file.content_type == "application/pdf",
                kind=case_file.get_kind_display(),
            )
            contents[document.filename] = content
        documents.append(document)
    return documents, contents


def _process_label(case: Case) -> str:
    """The case type's name (its key when the process is no longer registered)."""
    from portal_site.processes import UnknownProcess, get_process

    try:
        return str(get_process(case.process_key).label)
    except UnknownProcess:
        return case.process_key


def as_record(
    case: Case, documents: list[xdomea.Document] | None = None, *, archival: bool = False
) -> xdomea.Record:
    """The case as the e-file or the archive keeps it; ``archival`` adds the file plan's
    retention and Aussonderungsart (for the archive's offer list and hand-over)."""
    case_record = CaseRecord.objects.filter(case=case).first()
    settings_row = process_records(case.process_key)
    unit = settings_row.file_plan_unit if settings_row else None
    history = [
        xdomea.HistoryEntry(at=entry.at, actor=entry.actor_label, action=entry.message)
        for entry in TimelineEntry.objects.filter(case=case).order_by("at", "pk")
    ]
    closed = timezone.localtime(case.closed_at).date() if case.closed_at else None
    archival_data = (
        {"disposal": unit.disposal, "retention_years": unit.retention_years}
        if archival and unit is not None
        else {}
    )
    return xdomea.Record(
        id=str(case_record.record_id) if case_record else "",
        number=case.number,
        subject=case.title,
        reference=case_record.reference if case_record else reference_for(case),
        office=case.office.name if case.office else "",
        process=_process_label(case),
        status=str(case.get_status_display()),
        channel=str(case.get_channel_display()),
        opened=timezone.localtime(case.received_at).date(),
        closed=closed,
        file_plan=xdomea.FilePlanUnit(unit.code, unit.title) if unit else None,
        parties=[xdomea.Party(name=case.applicant_name, email=case.applicant_email)]
        if case.applicant_name or case.applicant_email
        else [],
        history=history,
        documents=documents or [],
        **archival_data,
    )


def build_container(filing: Filing) -> tuple[str, bytes]:
    """The validated ZIP container of ``filing`` (German texts, as the e-file keeps them)."""
    from django.utils import translation

    case = filing.case
    office = office_records(case)
    to = correspondents(case, office)
    now = timezone.now()
    process_id = str(filing.process_id)
    with translation.override("de"):
        documents, contents = _documents(case, filing.documents)
        data = as_record(case, documents)
        if filing.message == Filing.Message.CREATE:
            xml = xdomea.create_record(process_id=process_id, to=to, record=data, now=now)
        elif filing.message == Filing.Message.FILE:
            xml = xdomea.file_documents(
                process_id=process_id,
                to=to,
                number=case.number,
                container_id=_container_id(case),
                documents=documents,
                now=now,
            )
        else:
            xml = xdomea.update_metadata(
                process_id=process_id,
                to=to,
                record_id=_record_object_id(case),
                fields=xdomea.record_fields(data),
                now=now,
            )
    return xdomea.pack(process_id=process_id, xml=xml, files=contents)


def _container_id(case: Case) -> str:
    case_record = CaseRecord.objects.get(case=case)
    return case_record.efile_id or str(case_record.record_id)


def _record_object_id(case: Case) -> str:
    """The record's id as a UUID (IDSGO): the e-file's when it gave one, else ours."""
    case_record = CaseRecord.objects.get(case=case)
    if xdomea.is_uuid(case_record.efile_id):
        return case_record.efile_id
    return str(case_record.record_id)


# -- sending -----------------------------------------------------------------------------


@task()
def send_filings(case_id: int) -> str:
    return send_now(case_id=case_id)


def _next(case_id: int) -> Filing | None:
    return (
        Filing.objects.filter(case_id=case_id)
        .exclude(status=Filing.Status.CONFIRMED)
        .order_by("sequence")
        .first()
    )


def _claim(case_id: int) -> Filing | str:
    """The case's next message, claimed for sending (status *sending* with a lease), or
    why nothing is sent. Short: the case row serialises the claims of two workers, a
    retry and the command, and is released before anything goes over the network."""
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case_id).first()
        filing = _next(case_id)
        if filing is None:
            return "nothing to send"
        now = timezone.now()
        if filing.status == Filing.Status.SENDING and (filing.next_attempt_at or now) > now:
            return f"{filing.process_id} is being sent"
        if filing.status in (Filing.Status.SENT, Filing.Status.RECEIVED):
            return f"waiting for the answer to {filing.process_id}"
        if filing.status == Filing.Status.REFUSED:
            return f"{filing.process_id} was refused"
        if filing.status == Filing.Status.FAILED and filing.attempts >= MAX_ATTEMPTS:
            return f"{filing.process_id} failed {filing.attempts} times"
        if filing.message != Filing.Message.CREATE and not _create_confirmed(case_id):
            return "waiting for the record to be created"
        # a worker killed mid-upload leaves the lease to run out; the periodic job resends
        filing.status = Filing.Status.SENDING
        filing.next_attempt_at = now + SEND_LEASE
        filing.save(update_fields=["status", "next_attempt_at"])
        return filing


def _settle(filing: Filing, error: Exception | None) -> None:
    """Record how the upload went, unless an answer of the e-file came first."""
    with transaction.atomic():
        current = Filing.objects.select_for_update().get(pk=filing.pk)
        current.attempts += 1
        if current.status != Filing.Status.SENDING:  # answered before we got here
            current.save(update_fields=["attempts"])
            return
        current.next_attempt_at = None
        if error is None:
            current.status, current.sent_at, current.last_error = (
                Filing.Status.SENT,
                timezone.now(),
                "",
            )
        else:
            current.status, current.last_error = Filing.Status.FAILED, str(error)[:2000]
            current.next_attempt_at = timezone.now() + retry_delay(current.attempts)
            CaseRecord.objects.filter(case_id=filing.case_id).update(state=CaseRecord.State.FAILED)
        current.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
        )


def send_now(*, case_id: int) -> str:
    """Send the case's next message if it is due; returns what happened. No transaction
    and no lock is held while the container travels (a large one takes minutes)."""
    claimed = _claim(case_id)
    if isinstance(claimed, str):
        return claimed
    filing = claimed
    try:
        name, content = _container(filing)
        office = office_records(filing.case)
        connector = connector_for(office) if office else None
        if connector is None:
            raise RecordsError(_("No e-file is set for the case's office."))
        where = connector.deliver(
            folder=filing.folder, name=name, content=content, metadata=_columns(filing)
        )
    except Exception as exc:  # noqa: BLE001 - every failure is kept and retried
        logger.warning("Filing %s of case %s failed: %s", filing.pk, case_id, exc)
        _settle(filing, exc)
        return f"failed: {exc}"
    _settle(filing, None)
    return f"sent {name} to {where}"


def _columns(filing: Filing) -> dict[str, str]:
    """What a library with columns keeps beside the container (SharePoint)."""
    case = filing.case
    return {
        "Vorgangsnummer": case.number,
        "Verfahren": _process_label(case)[:255],
        "Aktenzeichen": aktenzeichen(case),
        "Nachricht": filing.message,
    }


def _create_confirmed(case_id: int) -> bool:
    return Filing.objects.filter(
        case_id=case_id, message=Filing.Message.CREATE, status=Filing.Status.CONFIRMED
    ).exists()


def _container(filing: Filing) -> tuple[str, bytes]:
    """The container built the first time, the same bytes every time after."""
    if filing.container:
        with filing.container.open("rb") as handle:
            return filing.container.name.rsplit("/", 1)[-1], handle.read()
    name, content = build_container(filing)
    filing.container.save(name, ContentFile(content), save=False)
    filing.save(update_fields=["container"])
    return name, content


def send_due_filings() -> int:
    """Periodic job: send again what failed and is due, what a lost task left queued and
    what a worker killed mid-upload left *sending* (its lease ran out)."""
    now = timezone.now()
    lost_before = now - datetime.timedelta(minutes=10)
    due = (
        Filing.objects.filter(
            Q(status=Filing.Status.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)
            | Q(status=Filing.Status.QUEUED, created_at__lt=lost_before)
            | Q(status=Filing.Status.SENDING, next_attempt_at__lte=now)
        )
        .values_list("case_id", flat=True)
        .distinct()
    )
    count = 0
    for case_id in list(due)[:200]:
        send_now(case_id=case_id)
        count += 1
    return count


@transaction.atomic
def retry_filing(filing: Filing) -> Filing:
    """Send a failed message again; a refused one goes as a new message (a new ProzessID:
    the e-file has answered the old one)."""
    locked = Filing.objects.select_for_update().get(pk=filing.pk)
    if locked.status == Filing.Status.REFUSED:
        if locked.container:
            locked.container.delete(save=False)
        locked.process_id = uuid.uuid4()
        locked.answer = ""
    elif locked.status != Filing.Status.FAILED:
        return locked
    locked.status = Filing.Status.QUEUED
    locked.attempts = 0
    locked.next_attempt_at = None
    locked.save()
    case_id = locked.case_id
    transaction.on_commit(lambda: send_filings.enqueue(case_id))
    return locked


# -- answers -------------------------------------------------------------------------------


def apply_receipt(receipt: xdomea.Receipt, *, name: str = "") -> bool:
    """Apply an e-file's receipt (0629, 0630); False for one that names no message of ours."""
    with transaction.atomic():
        filing = (
            Filing.objects.select_for_update()
            .select_related("case")
            .filter(process_id=receipt.process_id)
            .first()
            if xdomea.is_uuid(receipt.process_id)
            else None
        )
        if filing is None:
            logger.warning("Answer %s names no message of ours (%s)", name, receipt.process_id)
            return False
        if filing.status in (Filing.Status.CONFIRMED, Filing.Status.REFUSED):
            return True  # answered before: the same answer read twice changes nothing
        now = timezone.now()
        if receipt.success is None:  # 0629: received, the import confirmation follows
            filing.status = Filing.Status.RECEIVED
            filing.save(update_fields=["status"])
            return True
        filing.answered_at = now
        filing.answer = "\n".join(receipt.messages)[:4000]
        case_record = CaseRecord.objects.select_for_update().get(case=filing.case)
        if receipt.success:
            filing.status = Filing.Status.CONFIRMED
            if filing.message == Filing.Message.CREATE:
                case_record.efile_id = receipt.object_id or str(case_record.record_id)
                case_record.efile_location = receipt.location if receipt.location != "-" else ""
            later = Filing.objects.filter(case=filing.case, sequence__gt=filing.sequence)
            if not later.exclude(status=Filing.Status.CONFIRMED).exists():
                case_record.state = CaseRecord.State.FILED
                case_record.filed_at = now
            record(case=filing.case, message=FILED(id=case_record.efile_id))
        else:
            filing.status = Filing.Status.REFUSED
            case_record.state = CaseRecord.State.FAILED
            record(
                case=filing.case,
                message=FILING_REFUSED(reason=filing.answer or _("no reason given")),
            )
        filing.save(update_fields=["status", "answered_at", "answer"])
        case_record.save()
        case_id = filing.case_id
        transaction.on_commit(lambda: send_filings.enqueue(case_id))
    return True

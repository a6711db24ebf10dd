"""Handing closed cases to the archive (*Aussonderung*, xdomea 05xx), then erasing them.

When a case type is marked *offer to the archive* (:class:`ProcessRecords`) and the
case's office has an archive connection (:class:`OfficeRecords`), an expired case is not
erased by the retention job (:func:`hold_for_archive` holds it back) but:

1. offered: :func:`offer_to_archive` sends one ``0501 Anbieteverzeichnis`` per archive
   with the expired cases' metadata and the file plan's proposal (no documents);
2. appraised: the archive's ``0502 Bewertungsverzeichnis`` says per case *A* (archive) or
   *V* (destroy). Declined cases are erased at once, as without an archive; the portal
   confirms the appraisal (``0505``) and hands the chosen cases over with every document
   and a case sheet (``0503 Aussonderung``, same ProzessID);
3. imported: the archive's ``0506 AussonderungImportBestaetigen`` says per case whether it
   was imported, with its reference in the archive. Only then is the case's personal data
   erased in the portal; a case the archive could not import stays, visible, and is
   offered again with the next run.

Receipts of arrival (``0504``, ``0507``) are noted. Every message of both directions is
validated against the official schema. Answers arrive through the same connection as the
e-file's (:func:`portal_site.records.filing.collect_answers` hands them here).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.accounts.models import OrgUnit
from portal_site.cases import events
from portal_site.cases.erasure import erase_personal_data
from portal_site.cases.models import Case
from portal_site.cases.retention import CLOSED, expired_cases
from portal_site.cases.services import record
from portal_site.connectors import get_connector

from . import xdomea
from .filing import RecordsError, as_record, office_records
from .models import ArchiveCase, ArchiveTransfer, CaseRecord, OfficeRecords, ProcessRecords

logger = logging.getLogger(__name__)

BATCH = 200

OFFERED = events.define("archive_offered", events.DOCUMENT, gettext_lazy("Offered to %(archive)s."))
CHOSEN = events.define(
    "archive_chosen", events.DOCUMENT, gettext_lazy("%(archive)s takes the case over.")
)
DECLINED = events.define(
    "archive_declined",
    events.DOCUMENT,
    gettext_lazy("%(archive)s declined the case; it is erased."),
)
ARCHIVED = events.define(
    "archive_imported",
    events.DOCUMENT,
    gettext_lazy("Imported by %(archive)s as %(reference)s."),
)
NOT_IMPORTED = events.define(
    "archive_not_imported",
    events.DOCUMENT,
    gettext_lazy("%(archive)s could not import the case: %(reason)s"),
)


def offered_process_keys() -> list[str]:
    return list(
        ProcessRecords.objects.filter(offer_to_archive=True).values_list("process_key", flat=True)
    )


def offices_with_archive() -> list[int]:
    """Ids of the offices whose records settings (their own or their department's) name an
    archive connection."""
    own = dict(OfficeRecords.objects.values_list("office_id", "archive_connector"))
    parents = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    found = []
    for office_id in parents:
        current, seen = office_id, set()
        while current is not None and current not in seen:
            seen.add(current)
            if current in own:
                if own[current]:
                    found.append(office_id)
                break
            current = parents.get(current)
    return found


def hold_for_archive(cases):
    """Retention hold: the cases the archive must see first are not erased directly."""
    keys = offered_process_keys()
    if not keys:
        return cases
    return cases.exclude(process_key__in=keys, office_id__in=offices_with_archive())


def _archive_of(case: Case) -> tuple[OfficeRecords, object]:
    office = office_records(case)
    if office is None or not office.archive_connector:
        raise RecordsError(
            _("No archive is set for the office of case %(number)s.") % {"number": case.number}
        )
    return office, get_connector("records", office.archive_connector)


def _correspondents(office: OfficeRecords, case: Case) -> xdomea.Correspondents:
    from .filing import correspondents

    base = correspondents(case, office)
    return xdomea.Correspondents(
        institution=base.institution,
        office=base.office,
        receiver=office.archive_name or _("Archive"),
        system_version=base.system_version,
    )


def _record_data(case: Case, *, documents: bool) -> tuple[xdomea.Record, dict[str, bytes]]:
    from .filing import _documents, document_entries, reference_for, sheet_entry

    CaseRecord.objects.get_or_create(
        case=case, defaults={"state": CaseRecord.State.PENDING, "reference": reference_for(case)}
    )
    files: dict[str, bytes] = {}
    docs: list[xdomea.Document] = []
    if documents:
        docs, files = _documents(case, [*document_entries(case, filed_too=True), sheet_entry()])
    return as_record(case, docs, archival=True), files


def _deliver(transfer: ArchiveTransfer, connector, xml: bytes, files: dict[str, bytes], field):
    name, content = xdomea.pack(process_id=str(transfer.process_id), xml=xml, files=files)
    getattr(transfer, field).save(name, ContentFile(content), save=False)
    connector.deliver(folder=transfer.folder, name=name, content=content)


def cases_due(*, now=None) -> list[Case]:
    """Expired closed cases of offered case types with an archive, not offered yet."""
    keys = offered_process_keys()
    if not keys:
        return []
    return list(
        expired_cases(now=now)
        .filter(process_key__in=keys, office_id__in=offices_with_archive())
        .exclude(archive_state__state__in=[s for s in ArchiveCase.State.values if s != "failed"])
        .select_related("office")[:BATCH]
    )


def offer_to_archive(*, now=None, case: Case | None = None) -> list[ArchiveTransfer]:
    """Offer the due cases (or one closed ``case`` now) to their archives; one 0501 per
    archive connection and folder."""
    if case is not None:
        if case.status not in CLOSED or case.personal_data_deleted_at is not None:
            raise RecordsError(
                _("Only a closed case that still holds its data can be offered to the archive.")
            )
        due = [case]
    else:
        due = cases_due(now=now)
    groups: dict[tuple[str, str, str], list[tuple[Case, OfficeRecords]]] = defaultdict(list)
    for item in due:
        office, _connector = _archive_of(item)
        groups[(office.archive_connector, office.archive_folder, office.archive_name)].append(
            (item, office)
        )
    transfers = []
    for (connector_key, folder, archive_name), members in groups.items():
        transfers.append(_offer(connector_key, folder, archive_name, members))
    return transfers


def _offer(connector_key, folder, archive_name, members) -> ArchiveTransfer:
    connector = get_connector("records", connector_key)
    with transaction.atomic():
        transfer = ArchiveTransfer.objects.create(
            connector=connector_key, folder=folder, archive_name=archive_name
        )
        records = []
        for case, _office in members:
            ArchiveCase.objects.update_or_create(
                case=case,
                defaults={"transfer": transfer, "state": ArchiveCase.State.OFFERED, "note": ""},
            )
            data, _files = _record_data(case, documents=False)
            records.append(data)
            record(case=case, message=OFFERED(archive=archive_name))
        first_case, first_office = members[0]
        xml = xdomea.offer_list(
            process_id=str(transfer.process_id),
            to=_correspondents(first_office, first_case),
            records=records,
            now=timezone.now(),
        )
        try:
            _deliver(transfer, connector, xml, {}, "offer")
        except Exception as exc:  # noqa: BLE001 - kept and shown; the next run offers again
            logger.warning("Offer %s to the archive failed: %s", transfer.process_id, exc)
            transfer.state = ArchiveTransfer.State.FAILED
            transfer.last_error = str(exc)[:2000]
            ArchiveCase.objects.filter(transfer=transfer).update(state=ArchiveCase.State.FAILED)
        transfer.save()
    return transfer


def handle_archive_answer(answer: xdomea.ArchiveAnswer) -> bool:
    """Apply an archive's answer; False when it names no hand-over of ours."""
    transfer = ArchiveTransfer.objects.filter(process_id=answer.process_id).first()
    if transfer is None:
        logger.warning("Archive answer %s names no hand-over of ours", answer.process_id)
        return False
    if answer.code in ("0504", "0507"):
        ArchiveTransfer.objects.filter(pk=transfer.pk).update(
            received=f"{transfer.received}{answer.code} {timezone.now():%Y-%m-%d %H:%M}\n"
        )
        return True
    if answer.code == "0502":
        _appraised(transfer, answer.decisions)
    elif answer.code == "0506":
        _imported(transfer, answer.results)
    return True


def _cases_by_record_id(transfer: ArchiveTransfer) -> dict[str, ArchiveCase]:
    rows = ArchiveCase.objects.filter(transfer=transfer).select_related("case", "case__record")
    return {str(row.case.record.record_id): row for row in rows}


def _appraised(transfer: ArchiveTransfer, decisions: dict[str, str]) -> None:
    with transaction.atomic():
        locked = ArchiveTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.state != ArchiveTransfer.State.OFFERED:
            return  # an appraisal read twice changes nothing
        now = timezone.now()
        chosen: list[ArchiveCase] = []
        for record_id, row in _cases_by_record_id(locked).items():
            decision = decisions.get(record_id)
            if decision == "A":
                row.state, row.decided_at = ArchiveCase.State.TO_ARCHIVE, now
                row.save(update_fields=["state", "decided_at"])
                record(case=row.case, message=CHOSEN(archive=locked.archive_name))
                chosen.append(row)
            elif decision == "V":
                row.state, row.decided_at = ArchiveCase.State.DECLINED, now
                row.save(update_fields=["state", "decided_at"])
                record(case=row.case, message=DECLINED(archive=locked.archive_name))
                erase_personal_data(
                    case=row.case, reason=_("The archive declined the case after its retention.")
                )
        locked.appraised_at = now
        connector = get_connector("records", locked.connector)
        if not chosen:
            locked.state, locked.finished_at = ArchiveTransfer.State.DONE, now
            locked.save()
            return
        first = chosen[0].case
        office = office_records(first)
        to = _correspondents(office, first) if office else None
        receipt = xdomea.confirmation(
            code="0505", process_id=str(locked.process_id), to=to, now=now, answer=False
        )
        records, files = [], {}
        for row in chosen:
            data, row_files = _record_data(row.case, documents=True)
            records.append(data)
            files.update(row_files)
        xml = xdomea.hand_over(process_id=str(locked.process_id), to=to, records=records, now=now)
        try:
            name, content = xdomea.pack(process_id=str(locked.process_id), xml=receipt, files={})
            connector.deliver(folder=locked.folder, name=name, content=content)
            _deliver(locked, connector, xml, files, "delivery")
        except Exception as exc:  # noqa: BLE001 - kept and shown
            logger.warning("Hand-over %s failed: %s", locked.process_id, exc)
            locked.state, locked.last_error = ArchiveTransfer.State.FAILED, str(exc)[:2000]
            locked.save()
            return
        ArchiveCase.objects.filter(pk__in=[r.pk for r in chosen]).update(
            state=ArchiveCase.State.HANDED_OVER
        )
        locked.state, locked.handed_over_at = ArchiveTransfer.State.HANDED_OVER, now
        locked.save()


def _imported(transfer: ArchiveTransfer, results: dict[str, tuple[bool, str]]) -> None:
    with transaction.atomic():
        locked = ArchiveTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.state != ArchiveTransfer.State.HANDED_OVER:
            return
        now = timezone.now()
        for record_id, row in _cases_by_record_id(locked).items():
            if row.state != ArchiveCase.State.HANDED_OVER or record_id not in results:
                continue
            imported, text = results[record_id]
            row.decided_at = now
            if imported:
                row.state, row.archive_reference = ArchiveCase.State.ARCHIVED, text[:255]
                row.save(update_fields=["state", "archive_reference", "decided_at"])
                record(
                    case=row.case,
                    message=ARCHIVED(archive=locked.archive_name, reference=text or "-"),
                )
                erase_personal_data(
                    case=row.case, reason=_("The archive confirmed that it took the case over.")
                )
            else:
                row.state, row.note = ArchiveCase.State.FAILED, text[:2000]
                row.save(update_fields=["state", "note", "decided_at"])
                record(
                    case=row.case,
                    message=NOT_IMPORTED(archive=locked.archive_name, reason=text or "-"),
                )
        open_rows = ArchiveCase.objects.filter(transfer=locked, state=ArchiveCase.State.HANDED_OVER)
        if not open_rows.exists():
            locked.state, locked.finished_at = ArchiveTransfer.State.DONE, now
        locked.save()


def offer_due_cases() -> int:
    """Periodic job: offer what is due; returns how many cases were offered."""
    try:
        transfers = offer_to_archive()
    except RecordsError:
        logger.exception("Offering cases to the archive failed")
        return 0
    return sum(t.cases.count() for t in transfers)

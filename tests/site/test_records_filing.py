"""Cases filed in the e-file as xdomea 3.0.0 messages (portal_site.records.filing),
through the demo connection and the demo e-file (a stand-in receiver)."""

from __future__ import annotations

import datetime
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import CaseFile, CaseStatus
from portal_site.cases.services import attach_file, change_status
from portal_site.records import demo_efile, xdomea
from portal_site.records.answers import collect_answers
from portal_site.records.connectors.demo import DemoConnector
from portal_site.records.filing import (
    RecordsError,
    request_filing,
    retry_filing,
    send_due_filings,
    send_now,
)
from portal_site.records.models import (
    CaseRecord,
    FilePlanUnit,
    Filing,
    OfficeRecords,
    ProcessRecords,
)
from tests.factories import case_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_folder(settings, tmp_path):
    settings.RECORDS_FOLDER = str(tmp_path / "records")
    settings.RECORDS_FILE_ON_CLOSE = True
    return tmp_path / "records"


@pytest.fixture
def office(staff, records_folder):
    registry = OrgUnit.objects.get(short_name="34")
    OfficeRecords.objects.create(
        office=registry, efile_connector="demo", efile_folder="Standesamt/Urkunden"
    )
    unit = FilePlanUnit.objects.create(code="32.10", title="Personenstandswesen")
    ProcessRecords.objects.create(process_key="generic", file_plan_unit=unit)
    return registry


def _case(office, **fields):
    case = case_for(
        "generic",
        office=office,
        values={},
        inputs={},
        applicant_name="Erika Mustermann",
        applicant_email="erika@example.org",
        **fields,
    )
    attach_file(
        case=case,
        content=b"%PDF-1.4 upload",
        filename="ausweis.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
    )
    return case


def _outbox(records_folder):
    return sorted((records_folder / "outbox").rglob("*.zip"))


def _answer_all():
    connector = DemoConnector()
    return demo_efile.run(connector.outbox(), connector.inbox())


def test_closing_a_case_files_its_record_with_documents_and_case_sheet(
    office, records_folder, django_capture_on_commit_callbacks
):
    case = _case(office)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(case=case, status=CaseStatus.COMPLETED)
    [filing] = Filing.objects.filter(case=case)
    assert filing.message == "0604" and filing.status == Filing.Status.SENT
    [container] = _outbox(records_folder)
    assert container.parent.name == "Urkunden"  # the office's folder in the e-file
    assert container.name == f"{filing.process_id}_FVDaten.SGOErstellen.zip"
    with zipfile.ZipFile(container) as archive:
        names = archive.namelist()
        xml = archive.read(f"{filing.process_id}_FVDaten.SGOErstellen.xml")
        sheet = next(n for n in names if n.endswith(f"Vorgangsblatt-{case.number}.pdf"))
        assert archive.read(sheet).startswith(b"%PDF")
        assert any(n.endswith("_ausweis.pdf") for n in names)
    xdomea.validate(xml)  # the official xdomea 3.0.0 schema
    text = xml.decode()
    assert f"32.10-{case.number}" in text  # the Aktenzeichen
    assert "<xdomea:Kennzeichen>32.10</xdomea:Kennzeichen>" in text  # the file-plan unit
    assert "Mustermann" in text and "Standesamt" in text and "<code>0604</code>" in text
    record = CaseRecord.objects.get(case=case)
    assert record.state == CaseRecord.State.PENDING and record.reference == f"32.10-{case.number}"

    [imported] = _answer_all()
    assert imported.success, imported.reason
    with django_capture_on_commit_callbacks(execute=True):
        assert collect_answers() == 1
    record.refresh_from_db()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.CONFIRMED
    assert record.state == CaseRecord.State.FILED and record.efile_id == str(record.record_id)
    assert case.timeline.filter(data__message__event="records_filed").exists()
    assert collect_answers() == 0  # the answer was taken away: read once


def test_an_installation_can_file_only_on_demand(office, settings, records_folder):
    settings.RECORDS_FILE_ON_CLOSE = False
    case = _case(office)
    change_status(case=case, status=CaseStatus.COMPLETED)
    assert not Filing.objects.filter(case=case).exists()


def test_a_retry_after_a_lost_answer_sends_the_same_container_and_files_nothing_twice(
    office, records_folder, django_capture_on_commit_callbacks
):
    case = _case(office)
    with django_capture_on_commit_callbacks(execute=True):
        request_filing(case=case)
    [filing] = Filing.objects.filter(case=case)
    [container] = _outbox(records_folder)
    first = container.read_bytes()
    # the worker died after delivering and before noting it: the message is queued again
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.QUEUED)
    send_now(case_id=case.pk)
    assert _outbox(records_folder) == [container] and container.read_bytes() == first
    assert send_now(case_id=case.pk).startswith("waiting for the answer")


def test_a_worker_killed_mid_upload_leaves_a_lease_after_which_the_message_goes_again(
    office, records_folder
):
    case = _case(office)
    request_filing(case=case)  # the task is not run: no worker took it yet
    [filing] = Filing.objects.filter(case=case)
    # a worker claimed the message and died while it travelled
    Filing.objects.filter(pk=filing.pk).update(
        status=Filing.Status.SENDING, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert send_now(case_id=case.pk).endswith("is being sent")  # the lease still runs
    assert send_due_filings() == 0 and _outbox(records_folder) == []
    Filing.objects.filter(pk=filing.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert send_due_filings() == 1
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SENT and len(_outbox(records_folder)) == 1


def test_an_answer_that_overtakes_the_upload_is_not_overwritten(
    office, records_folder, monkeypatch
):
    case = _case(office)
    request_filing(case=case)
    [filing] = Filing.objects.filter(case=case)
    deliver = DemoConnector.deliver

    def deliver_and_answer(self, **kwargs):
        where = deliver(self, **kwargs)
        _answer_all()  # the e-file imports it at once and its receipt is read
        collect_answers()
        return where

    monkeypatch.setattr(DemoConnector, "deliver", deliver_and_answer)
    send_now(case_id=case.pk)
    filing.refresh_from_db()
    assert filing.status == Filing.Status.CONFIRMED and filing.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_held_open_while_the_container_travels(office, records_folder, monkeypatch):
    case = _case(office)
    request_filing(case=case)  # sent at once on commit; as if its worker had been lost:
    Filing.objects.filter(case=case).update(status=Filing.Status.QUEUED)
    seen = []
    deliver = DemoConnector.deliver

    def watched(self, **kwargs):
        seen.append(connection.in_atomic_block)  # a transaction would hold the case row
        return deliver(self, **kwargs)

    monkeypatch.setattr(DemoConnector, "deliver", watched)
    assert send_now(case_id=case.pk).startswith("sent ")
    assert seen == [False]


def test_later_messages_wait_for_the_record_and_follow_in_order(
    office, records_folder, django_capture_on_commit_callbacks
):
    case = _case(office)
    with django_capture_on_commit_callbacks(execute=True):
        request_filing(case=case)
    attach_file(
        case=case,
        content=b"%PDF-1.4 later",
        filename="nachweis.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.STAFF,
    )
    with django_capture_on_commit_callbacks(execute=True):
        later = request_filing(case=case)
    assert [f.message for f in later] == ["0605", "0610"]
    assert all(f.status == Filing.Status.QUEUED for f in later)  # no record id yet
    assert len(_outbox(records_folder)) == 1
    _answer_all()
    for _round in range(3):  # each answer sends the next message
        with django_capture_on_commit_callbacks(execute=True):
            collect_answers()
        _answer_all()
    with django_capture_on_commit_callbacks(execute=True):
        collect_answers()
    statuses = list(Filing.objects.filter(case=case).values_list("message", "status"))
    assert statuses == [("0604", "confirmed"), ("0605", "confirmed"), ("0610", "confirmed")]
    stored = sorted((records_folder / "efile").rglob("*.zip"))
    with zipfile.ZipFile(next(p for p in stored if "SGOAblegen" in p.name)) as archive:
        names = archive.namelist()
    assert any(n.endswith("_nachweis.pdf") for n in names)
    assert not any(n.endswith("_ausweis.pdf") for n in names)  # filed before: not again
    assert CaseRecord.objects.get(case=case).state == CaseRecord.State.FILED


def test_a_refused_filing_is_shown_and_sent_again_as_a_new_message(
    office, records_folder, django_capture_on_commit_callbacks
):
    case = _case(office)
    with django_capture_on_commit_callbacks(execute=True):
        request_filing(case=case)
    [filing] = Filing.objects.filter(case=case)
    refusal = xdomea.import_confirmation(
        process_id=str(filing.process_id),
        to=xdomea.Correspondents(institution="", office="", receiver="E-Akte"),
        success=False,
        feedback="0000003",
        now=filing.created_at,
    )
    (records_folder / "inbox").mkdir(parents=True, exist_ok=True)
    (records_folder / "inbox" / "refusal.xml").write_bytes(refusal)
    with django_capture_on_commit_callbacks(execute=True):
        collect_answers()
    filing.refresh_from_db()
    assert filing.status == Filing.Status.REFUSED and "0000003" in filing.answer
    assert CaseRecord.objects.get(case=case).state == CaseRecord.State.FAILED
    assert case.timeline.filter(data__message__event="records_refused").exists()
    old_id = filing.process_id
    with django_capture_on_commit_callbacks(execute=True):
        retry_filing(filing)
    filing.refresh_from_db()
    assert filing.process_id != old_id and filing.status == Filing.Status.SENT


def test_an_unreachable_e_file_is_retried_and_the_failure_kept(
    office, records_folder, settings, django_capture_on_commit_callbacks
):
    case = _case(office)
    (records_folder).mkdir(parents=True, exist_ok=True)
    (records_folder / "outbox").write_text("not a folder")  # the share is broken
    with django_capture_on_commit_callbacks(execute=True):
        request_filing(case=case)
    [filing] = Filing.objects.filter(case=case)
    assert filing.status == Filing.Status.FAILED and filing.attempts == 1
    assert filing.last_error and filing.next_attempt_at is not None
    (records_folder / "outbox").unlink()
    with django_capture_on_commit_callbacks(execute=True):
        retry_filing(filing)
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SENT


def test_an_office_without_an_e_file_gets_a_clear_german_message(staff):
    case = case_for("generic", office=OrgUnit.objects.get(short_name="41.2"), values={}, inputs={})
    with pytest.raises(RecordsError, match="Keine E-Akte"):
        request_filing(case=case)
    change_status(case=case, status=CaseStatus.COMPLETED)  # closing does not fail for it
    assert not Filing.objects.filter(case=case).exists()


def test_answers_that_are_not_ours_or_not_valid_change_nothing(office, records_folder):
    inbox = records_folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "junk.xml").write_bytes(b"<not-xdomea/>")
    (inbox / "bomb.zip").write_bytes(b"PK\x03\x04broken")
    stranger = xdomea.import_confirmation(
        process_id="00000000-0000-0000-0000-000000000000",
        to=xdomea.Correspondents(institution="", office="", receiver="E-Akte"),
        success=True,
        now=__import__("django.utils.timezone").utils.timezone.now(),
    )
    (inbox / "stranger.xml").write_bytes(stranger)
    from portal_site.records.answers import handle_answer

    for path in sorted(inbox.iterdir()):
        assert handle_answer(path.read_bytes(), name=path.name) is False


def test_the_command_files_one_case_now(office, records_folder, capsys):
    case = _case(office)
    call_command("file_case", case.number)
    out = capsys.readouterr().out
    assert "0604" in out and "sent" in out
    assert len(_outbox(records_folder)) == 1
    with pytest.raises(Exception, match="No case"):
        call_command("file_case", "99.9999")


def test_erasure_deletes_what_the_portal_kept_of_the_filing(
    office, records_folder, django_capture_on_commit_callbacks
):
    from portal_site.cases.erasure import erase_personal_data

    case = _case(office)
    with django_capture_on_commit_callbacks(execute=True):
        request_filing(case=case)
    filing = Filing.objects.get(case=case)
    stored = filing.container.name
    assert filing.container.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        erase_personal_data(case=case)
    filing.refresh_from_db()
    assert not filing.container and not filing.documents
    assert not filing.container.storage.exists(stored)


def test_every_message_the_portal_writes_or_reads_is_valid_against_the_schema():
    """One of each kind, built from plain data, against the official xdomea 3.0.0 XSD."""
    import datetime
    import uuid

    now = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)
    to = xdomea.Correspondents(
        institution="Magistrat der Stadt Kassel", office="Standesamt", receiver="E-Akte"
    )
    document = xdomea.Document(
        id=str(uuid.uuid4()),
        title="Urkunde",
        filename="",
        original_name="urkunde.pdf",
        created_at=now,
        archival=True,
    )
    document = xdomea.Document(**{**document.__dict__, "filename": f"{document.id}_urkunde.pdf"})
    record = xdomea.Record(
        id=str(uuid.uuid4()),
        number="26.0001",
        subject="Geburtsurkunde",
        reference="32.10-26.0001",
        office="Standesamt",
        process="Urkunde",
        status="Erledigt",
        channel="Portal",
        opened=now.date(),
        closed=None,
        parties=[xdomea.Party("Erika Mustermann")],
        history=[xdomea.HistoryEntry(now, "System", "Eingegangen")],
        documents=[document],
    )
    messages = {
        "0604": xdomea.create_record(process_id=str(uuid.uuid4()), to=to, record=record, now=now),
        "0605": xdomea.file_documents(
            process_id=str(uuid.uuid4()),
            to=to,
            number="26.0001",
            container_id=record.id,
            documents=[document],
            now=now,
        ),
        "0610": xdomea.update_metadata(
            process_id=str(uuid.uuid4()),
            to=to,
            record_id=record.id,
            fields=xdomea.record_fields(record),
            now=now,
        ),
        "0630": xdomea.import_confirmation(
            process_id=str(uuid.uuid4()), to=to, success=True, object_id=record.id, now=now
        ),
    }
    for code, xml in messages.items():
        xdomea.validate(xml)
        assert xdomea.message_code(xml) == code
    broken = messages["0604"].replace(b"<xdomea:Stapel>false</xdomea:Stapel>", b"")
    with pytest.raises(xdomea.InvalidMessage, match="Stapel"):
        xdomea.validate(broken)
    with pytest.raises(xdomea.InvalidMessage):
        xdomea.pack(process_id=str(uuid.uuid4()), xml=broken, files={})

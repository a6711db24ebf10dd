"""Handing closed cases to the archive (xdomea Aussonderung 0501–0507,
portal_site.records.archive): a round trip through the demo connection and the demo
archive (a stand-in), erasure only after the archive's import confirmation."""

from __future__ import annotations

import datetime
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import Case, CaseFile, CaseStatus
from portal_site.cases.retention import erase_expired_cases
from portal_site.cases.services import attach_file, change_status
from portal_site.records import demo_archive, xdomea
from portal_site.records.answers import collect_answers
from portal_site.records.archive import offer_to_archive
from portal_site.records.connectors.demo import DemoConnector
from portal_site.records.models import (
    ArchiveCase,
    ArchiveTransfer,
    CaseRecord,
    FilePlanUnit,
    OfficeRecords,
    ProcessRecords,
)
from tests.factories import case_for

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(days=4000)


@pytest.fixture
def archive_setup(staff, settings, tmp_path):
    settings.RECORDS_FOLDER = str(tmp_path / "records")
    office = OrgUnit.objects.get(short_name="34")
    OfficeRecords.objects.create(
        office=office,
        efile_connector="demo",
        efile_folder="Standesamt",
        archive_connector="demo",
        archive_folder="Archiv",
        archive_name="Stadtarchiv Kassel",
        file_on_close=False,
    )
    unit = FilePlanUnit.objects.create(
        code="3.2", title="Personenstand", disposal=FilePlanUnit.Disposal.ARCHIVE
    )
    ProcessRecords.objects.create(process_key="generic", file_plan_unit=unit)
    return office, tmp_path / "records"


def _expired_case(office, name):
    case = case_for("generic", office=office, values={}, inputs={}, applicant_name=name)
    attach_file(
        case=case,
        content=b"%PDF-1.4 " + name.encode(),
        filename="antrag.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
    )
    change_status(case=case, status=CaseStatus.COMPLETED)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - LONG_AGO)
    return Case.objects.get(pk=case.pk)


def _archive_answers(folder, keep):
    connector = DemoConnector()

    def decide(record_id, proposal):
        return "A" if record_id == keep else "V"

    return demo_archive.run(connector.outbox(), connector.inbox(), decide)


def test_a_round_trip_hands_over_the_chosen_case_and_erases_the_declined_one(archive_setup):
    office, folder = archive_setup
    kept = _expired_case(office, "Erika Mustermann")
    dropped = _expired_case(office, "Max Muster")
    assert erase_expired_cases() == 0  # held back for the archive

    [transfer] = offer_to_archive()
    assert transfer.state == ArchiveTransfer.State.OFFERED
    [offer] = sorted((folder / "outbox" / "Archiv").glob("*.zip"))
    assert offer.name == f"{transfer.process_id}_Aussonderung.Anbieteverzeichnis.zip"
    with zipfile.ZipFile(offer) as archive:
        assert archive.namelist() == [f"{transfer.process_id}_Aussonderung.Anbieteverzeichnis.xml"]
        xml = archive.read(archive.namelist()[0])
    xdomea.validate(xml)
    assert b"Mustermann" in xml and b"Primaerdokument" not in xml  # metadata, no documents
    assert b"<code>A</code>" in xml  # the file plan's proposal
    assert f"3.2-{kept.number}".encode() in xml  # the Aktenzeichen, filed before or not
    assert offer_to_archive() == []  # offered once

    keep_id = str(CaseRecord.objects.get(case=kept).record_id)
    assert set(_archive_answers(folder, keep_id)) == {
        f"{transfer.process_id}_Aussonderung.AnbietungEmpfangBestaetigen.xml",
        f"{transfer.process_id}_Aussonderung.Bewertungsverzeichnis.xml",
    }
    assert collect_answers() == 2
    dropped.refresh_from_db()
    kept.refresh_from_db()
    assert dropped.personal_data_deleted_at is not None  # declined: erased at once
    assert ArchiveCase.objects.get(case=dropped).state == ArchiveCase.State.DECLINED
    assert kept.personal_data_deleted_at is None  # chosen: kept until the archive has it
    assert ArchiveCase.objects.get(case=kept).state == ArchiveCase.State.HANDED_OVER
    transfer.refresh_from_db()
    assert transfer.state == ArchiveTransfer.State.HANDED_OVER
    hand_over = (
        folder / "outbox" / "Archiv" / f"{transfer.process_id}_Aussonderung.Aussonderung.zip"
    )
    with zipfile.ZipFile(hand_over) as archive:
        names = archive.namelist()
        xml = archive.read(f"{transfer.process_id}_Aussonderung.Aussonderung.xml")
    xdomea.validate(xml)
    assert any(n.endswith("_antrag.pdf") for n in names)
    assert any(n.endswith(f"Vorgangsblatt-{kept.number}.pdf") for n in names)
    assert b"Muster</xdomea:Name>" not in xml  # only the chosen case goes

    _archive_answers(folder, keep_id)
    assert collect_answers() == 2  # 0507 and 0506
    kept.refresh_from_db()
    row = ArchiveCase.objects.get(case=kept)
    assert row.state == ArchiveCase.State.ARCHIVED and row.archive_reference == "Demo-Archiv/1"
    assert kept.personal_data_deleted_at is not None and not kept.files.exists()
    assert kept.timeline.filter(data__message__event="archive_imported").exists()
    transfer.refresh_from_db()
    assert transfer.state == ArchiveTransfer.State.DONE and "0507" in transfer.received


def test_a_case_type_not_offered_or_an_office_without_archive_is_erased_as_before(archive_setup):
    office, _folder = archive_setup
    ProcessRecords.objects.filter(process_key="generic").update(offer_to_archive=False)
    case = _expired_case(office, "Erika Mustermann")
    assert erase_expired_cases() == 1
    case.refresh_from_db()
    assert case.personal_data_deleted_at is not None and not ArchiveCase.objects.exists()


def test_a_case_the_archive_could_not_import_stays_and_is_offered_again(archive_setup):
    office, folder = archive_setup
    case = _expired_case(office, "Erika Mustermann")
    [transfer] = offer_to_archive()
    record_id = str(CaseRecord.objects.get(case=case).record_id)
    _archive_answers(folder, record_id)
    collect_answers()
    refusal = xdomea.import_result(
        process_id=str(transfer.process_id),
        to=demo_archive.TO,
        results={record_id: (False, "Formatprüfung fehlgeschlagen")},
        now=timezone.now(),
    )
    (folder / "inbox" / "refusal.xml").write_bytes(refusal)
    collect_answers()
    case.refresh_from_db()
    row = ArchiveCase.objects.get(case=case)
    assert row.state == ArchiveCase.State.FAILED and "Formatprüfung" in row.note
    assert case.personal_data_deleted_at is None
    assert erase_expired_cases() == 0  # still held for the archive
    [again] = offer_to_archive()
    assert again.pk != transfer.pk


def test_the_command_offers_one_closed_case_now(archive_setup, capsys):
    office, folder = archive_setup
    case = case_for("generic", office=office, values={}, inputs={})
    with pytest.raises(Exception, match="abgeschlossener Vorgang"):
        call_command("offer_to_archive", "--case", case.number)
    change_status(case=case, status=CaseStatus.COMPLETED)
    call_command("offer_to_archive", "--case", case.number)
    out = capsys.readouterr().out
    assert case.number in out and "Stadtarchiv Kassel" in out
    assert len(list((folder / "outbox" / "Archiv").glob("*.zip"))) == 1


def test_after_the_archive_took_a_case_and_declined_another_no_table_or_file_names_them(
    archive_setup, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from portal_site.records.filing import request_filing
    from portal_site.records.models import Filing
    from tests.site.test_erasure import _rows_with

    office, folder = archive_setup
    kept = _expired_case(office, "Xqkeptzz Mustermann")
    dropped = _expired_case(office, "Xqdroppedzz Muster")
    with django_capture_on_commit_callbacks(execute=True):
        request_filing(case=kept)  # filed in the e-file before, too
    container = Path(settings.PRIVATE_MEDIA_ROOT) / Filing.objects.get(case=kept).container.name
    assert container.exists() and _rows_with("Xqkeptzz") and _rows_with("Xqdroppedzz")
    with django_capture_on_commit_callbacks(execute=True):
        [transfer] = offer_to_archive()
    keep_id = str(CaseRecord.objects.get(case=kept).record_id)
    for _round in range(2):
        _archive_answers(folder, keep_id)
        with django_capture_on_commit_callbacks(execute=True):
            collect_answers()
    transfer.refresh_from_db()
    assert transfer.state == ArchiveTransfer.State.DONE
    assert _rows_with("Xqkeptzz") == [] and _rows_with("Xqdroppedzz") == []
    assert ArchiveCase.objects.get(case=dropped).state == ArchiveCase.State.DECLINED
    assert not container.exists()
    kept_files = [transfer.offer.name, transfer.delivery.name]
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT) / name).exists() for name in kept_files)

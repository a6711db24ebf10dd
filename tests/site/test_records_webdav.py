"""Filing through WebDAV into a real WebDAV server on loopback (WsgiDAV), with
authentication, a large container and a server that fails in the middle of an upload
(portal_site.records.connectors.webdav)."""

from __future__ import annotations

import hashlib
import os
import zipfile

import pytest

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import CaseFile, CaseStatus
from portal_site.cases.services import attach_file, change_status
from portal_site.records import demo_efile
from portal_site.records.answers import collect_answers
from portal_site.records.connectors.webdav import WebDAVConnector
from portal_site.records.filing import send_due_filings
from portal_site.records.models import CaseRecord, Filing, OfficeRecords
from tests import webdav_server
from tests.factories import case_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def dav(tmp_path, settings):
    server = webdav_server.start(tmp_path / "dav")
    (server.root / "eingang").mkdir()
    (server.root / "antworten").mkdir()
    settings.RECORDS_FILE_ON_CLOSE = True
    settings.RECORDS_WEBDAV_URL = server.url
    settings.RECORDS_WEBDAV_USER = webdav_server.USER
    settings.RECORDS_WEBDAV_PASSWORD = webdav_server.PASSWORD
    yield server
    server.stop()


@pytest.fixture
def office(staff):
    registry = OrgUnit.objects.get(short_name="34")
    OfficeRecords.objects.create(office=registry, efile_connector="webdav", efile_folder="34")
    return registry


def test_the_check_says_what_is_wrong_with_the_webdav_settings(dav, settings):
    assert WebDAVConnector().check_config() == []
    settings.RECORDS_WEBDAV_PASSWORD = "falsch"
    [problem] = WebDAVConnector().check_config()
    assert "user name or password" in problem or "Passwort" in problem
    settings.RECORDS_WEBDAV_PASSWORD = webdav_server.PASSWORD
    settings.RECORDS_WEBDAV_REPLIES = "gibt-es-nicht"
    [problem] = WebDAVConnector().check_config()
    assert "gibt-es-nicht" in problem
    settings.RECORDS_WEBDAV_URL = "http://127.0.0.1:9"
    [problem] = WebDAVConnector().check_config()
    assert "127.0.0.1:9" in problem or "reach" in problem or "erreichbar" in problem


def test_a_closed_case_is_filed_through_webdav_and_its_answer_read_back(
    dav, office, django_capture_on_commit_callbacks
):
    case = case_for("generic", office=office, values={}, inputs={}, applicant_name="Max Muster")
    attach_file(
        case=case,
        content=os.urandom(3 * 1024 * 1024),  # several chunks
        filename="scan.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
    )
    with django_capture_on_commit_callbacks(execute=True):
        change_status(case=case, status=CaseStatus.COMPLETED)
    filing = Filing.objects.get(case=case)
    assert filing.status == Filing.Status.SENT, filing.last_error
    [container] = list((dav.root / "eingang" / "34").iterdir())
    assert container.name == f"{filing.process_id}_FVDaten.SGOErstellen.zip"
    with filing.container.open("rb") as kept:
        assert (
            hashlib.sha256(kept.read()).digest() == hashlib.sha256(container.read_bytes()).digest()
        )
    with zipfile.ZipFile(container) as archive:
        assert any(n.endswith("_scan.pdf") for n in archive.namelist())

    demo_efile.run(dav.root / "eingang", dav.root / "antworten")  # the e-file answers
    with django_capture_on_commit_callbacks(execute=True):
        assert collect_answers() == 1
    record = CaseRecord.objects.get(case=case)
    assert record.state == CaseRecord.State.FILED and record.efile_id
    assert list((dav.root / "antworten").iterdir()) == []  # processed answers are removed


def test_an_upload_broken_off_leaves_no_container_and_is_sent_again(
    dav, office, django_capture_on_commit_callbacks
):
    case = case_for("generic", office=office, values={}, inputs={})
    dav.faults.break_uploads = 1
    with django_capture_on_commit_callbacks(execute=True):
        change_status(case=case, status=CaseStatus.COMPLETED)
    filing = Filing.objects.get(case=case)
    assert dav.faults.broken and filing.status == Filing.Status.FAILED
    assert "503" in filing.last_error
    folder = dav.root / "eingang" / "34"
    assert not [p for p in folder.iterdir() if p.suffix == ".zip"]  # nothing half-written
    Filing.objects.filter(pk=filing.pk).update(next_attempt_at=filing.created_at)
    assert send_due_filings() == 1
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SENT and filing.attempts == 2
    assert [p.name for p in folder.iterdir() if p.suffix == ".zip"] == [
        f"{filing.process_id}_FVDaten.SGOErstellen.zip"
    ]


def test_a_large_container_arrives_whole(dav):
    content = os.urandom(24 * 1024 * 1024)
    where = WebDAVConnector().deliver(folder="gross/../ordner", name="x.zip", content=content)
    assert where == "eingang/gross/ordner/x.zip"  # ".." cannot climb out of the outbox
    stored = dav.root / "eingang" / "gross" / "ordner" / "x.zip"
    assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(content).digest()

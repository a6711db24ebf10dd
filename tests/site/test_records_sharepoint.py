"""Filing in SharePoint Online through Microsoft Graph (portal_site.records.connectors.
sharepoint, Office365-REST-Python-Client), against a loopback stand-in written from the
Graph reference (tests/graph_standin.py): no Microsoft service is reachable here."""

from __future__ import annotations

import os
import zipfile
from io import BytesIO

import pytest

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import CaseFile, CaseStatus
from portal_site.cases.services import attach_file, change_status
from portal_site.records import demo_efile, xdomea
from portal_site.records.answers import collect_answers
from portal_site.records.connectors.sharepoint import SharePointConnector
from portal_site.records.models import CaseRecord, Filing, OfficeRecords
from tests import graph_standin
from tests.factories import case_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph(settings):
    stand_in = graph_standin.start()
    settings.RECORDS_FILE_ON_CLOSE = True
    settings.RECORDS_SHAREPOINT_TENANT = "stadt.example"
    settings.RECORDS_SHAREPOINT_CLIENT_ID = graph_standin.CLIENT_ID
    settings.RECORDS_SHAREPOINT_CLIENT_SECRET = graph_standin.CLIENT_SECRET
    settings.RECORDS_SHAREPOINT_DRIVE_ID = stand_in.library.drive
    settings.RECORDS_SHAREPOINT_GRAPH_URL = stand_in.url
    settings.RECORDS_SHAREPOINT_TOKEN_URL = f"{stand_in.url}/stadt.example/oauth2/v2.0/token"
    yield stand_in
    stand_in.stop()


@pytest.fixture
def office(staff):
    registry = OrgUnit.objects.get(short_name="34")
    OfficeRecords.objects.create(office=registry, efile_connector="sharepoint", efile_folder="34")
    return registry


def test_a_closed_case_lands_in_the_library_with_its_columns_and_the_answer_is_read(
    graph, office, django_capture_on_commit_callbacks
):
    assert SharePointConnector().check_config() == []
    case = case_for("generic", office=office, values={}, inputs={}, applicant_name="Erika Muster")
    attach_file(
        case=case,
        content=os.urandom(5 * 1024 * 1024),  # a container above 4 MB: an upload session
        filename="scan.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
    )
    with django_capture_on_commit_callbacks(execute=True):
        change_status(case=case, status=CaseStatus.COMPLETED)
    filing = Filing.objects.get(case=case)
    assert filing.status == Filing.Status.SENT, filing.last_error
    path = f"Eingang/34/{filing.process_id}_FVDaten.SGOErstellen.zip"
    item = graph.library.items[path]
    with filing.container.open("rb") as kept:
        assert item.content == kept.read()  # every byte range arrived, in order
    assert (
        "POST",
        f"/v1.0/drives/{graph.library.drive}/root:/Eingang/34/{filing.process_id}_FVDaten.SGOErstellen.zip:/createUploadSession",
    ) in graph.library.requests
    assert item.fields["Vorgangsnummer"] == case.number and item.fields["Nachricht"] == "0604"
    with zipfile.ZipFile(BytesIO(item.content)) as archive:
        xdomea.validate(archive.read(f"{filing.process_id}_FVDaten.SGOErstellen.xml"))

    # the e-file answers into the replies folder
    _process_id, outcome, answer = demo_efile.import_container(item.content)
    assert outcome.success
    graph.library.put(f"Antworten/{filing.process_id}_FVDaten.ImportBestaetigen.xml", answer)
    with django_capture_on_commit_callbacks(execute=True):
        assert collect_answers() == 1
    assert CaseRecord.objects.get(case=case).state == CaseRecord.State.FILED
    assert not any(p.startswith("Antworten/") for p in graph.library.items)  # taken away


def test_a_wrong_secret_or_a_missing_column_is_said_and_kept_for_a_retry(
    graph, office, settings, django_capture_on_commit_callbacks
):
    settings.RECORDS_SHAREPOINT_CLIENT_SECRET = "falsch"
    [problem] = SharePointConnector().check_config()
    assert "SharePoint" in problem
    settings.RECORDS_SHAREPOINT_CLIENT_SECRET = graph_standin.CLIENT_SECRET
    graph.library.columns.discard("Aktenzeichen")  # the library lacks a column
    case = case_for("generic", office=office, values={}, inputs={})
    with django_capture_on_commit_callbacks(execute=True):
        change_status(case=case, status=CaseStatus.COMPLETED)
    filing = Filing.objects.get(case=case)
    assert filing.status == Filing.Status.FAILED and "Aktenzeichen" in filing.last_error
    settings.RECORDS_SHAREPOINT_DRIVE_ID = ""
    assert "RECORDS_SHAREPOINT_DRIVE_ID" in SharePointConnector().check_config()[0]

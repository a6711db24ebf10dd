from __future__ import annotations

import pytest

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import CaseFile
from portal_site.cases.services import attach_file, open_case
from portal_site.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_file(demo):
    case = open_case(
        process_key="generic",
        title="Anfrage",
        data={},
        office=OrgUnit.objects.get(short_name="Bürgerservice"),
    )
    return attach_file(
        case=case,
        content=b"%PDF-1.4 nachweis",
        filename="nachweis.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
    )


def _url(case_file) -> str:
    return f"/admin/cases/files/{case_file.pk}/"


def test_the_public_cannot_download_a_case_file(client, case_file):
    response = client.get(_url(case_file))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_case_work_are_refused(client, case_file):
    client.login(username="redaktion", password=DEMO_PASSWORD)
    response = client.get(_url(case_file), follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "keinen Zugang" in response.content.decode()


def test_a_clerk_downloads_the_file_unchanged(client, case_file):
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    response = client.get(_url(case_file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 nachweis"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("username", ["standesamt", "stadtarchiv", "stadtkasse"])
def test_staff_of_another_office_are_refused(client, case_file, username):
    # given a file of a Bürgerservice case, and staff who work on cases elsewhere
    client.login(username=username, password=DEMO_PASSWORD)
    # when they try its sequential id
    response = client.get(_url(case_file))
    # then the policy refuses them: the file is not theirs to read
    assert response.status_code in (302, 403)
    assert not hasattr(response, "streaming_content")

from __future__ import annotations

import hashlib
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal_site.cases.models import CaseFile
from portal_site.core.demo import DEMO_PASSWORD
from tests.flows.test_generic_process import _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_sheet_is_rendered_filed_with_checksum_and_downloadable_by_staff(demo, client):
    case = _portal_case()
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    client.post(f"/admin/vorgaenge/{case.number}/", {"action": "sheet"})
    document = CaseFile.objects.get(case=case, kind=CaseFile.Kind.GENERATED)
    response = client.get(f"/admin/cases/files/{document.pk}/")
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    reader = PdfReader(io.BytesIO(content))
    text = reader.pages[0].extract_text()
    assert f"Vorgangsblatt {case.number}" in text
    assert "Sperrmüll abholen" in text
    assert 'pdfaid:part="3"' in reader.xmp_metadata.rdf_root.toxml()
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    assert "Vorgangsblatt" in page


def test_case_list_exports_xlsx(demo, client):
    case = _portal_case()
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    response = client.get("/admin/vorgangsliste/", {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[2]][0] == case.number

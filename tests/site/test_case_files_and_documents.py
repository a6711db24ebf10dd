from __future__ import annotations

import hashlib
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from portal_site.cases.models import CaseFile, TimelineEntry
from portal_site.cases.services import attach_file, open_case
from portal_site.documents.rendering import Sheet, render_pdf, render_xlsx


@pytest.mark.django_db
def test_attached_file_is_private_with_checksum_and_on_the_timeline():
    case = open_case(process_key="generic", title="Anfrage", data={})
    content = b"%PDF-1.4 test"
    case_file = attach_file(
        case=case,
        content=content,
        filename="antrag.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.UPLOAD,
    )
    assert case_file.sha256 == hashlib.sha256(content).hexdigest()
    assert case_file.file.path.startswith(settings.PRIVATE_MEDIA_ROOT)
    assert not case_file.file.path.startswith(str(settings.MEDIA_ROOT))
    with case_file.file.open("rb") as handle:
        assert handle.read() == content
    assert case.timeline.filter(kind=TimelineEntry.Kind.DOCUMENT).exists()


@pytest.mark.django_db  # the letterhead comes from the database
def test_pdf_is_rendered_from_a_template_as_pdf_a():
    pdf = render_pdf(template_name="404.html", context={}, archival=True)
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xmp  # PDF/A identification in the XMP metadata
    assert "Seite nicht gefunden" in reader.pages[0].extract_text()


def test_xlsx_has_a_header_and_rows():
    data = render_xlsx(sheets=[Sheet(title="Liste", header=["Nr", "Name"], rows=[[1, "Müller"]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["Nr", "Name"]
    assert [c.value for c in sheet[2]] == [1, "Müller"]

"""Documents carry the letterhead of the office that issues them, falling back to the
city's (portal_site.documents.models.letterhead_for, rendering.letterhead_context)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import CaseFile
from portal_site.documents.models import Letterhead, letterhead_for
from portal_site.documents.services import file_pdf_document, render_now
from tests.factories import case_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(staff):
    office = OrgUnit.objects.get(short_name="41.2")
    office.letter_name = "Stadtarchiv Kassel"
    office.postal_address = "Wildemannsgasse 1\n34117 Kassel"
    office.phone = "0561 787-4032"
    office.save()
    return office


def test_an_office_prints_its_own_name_address_and_phone_and_the_city_s_bank(archive):
    city = Letterhead.load()
    city.iban = "DE12 5205 0353 0001 2345 67"
    city.save()
    letterhead = letterhead_for(archive)
    assert letterhead.department == "Stadtarchiv Kassel"
    assert letterhead.address_lines == ["Wildemannsgasse 1", "34117 Kassel"]
    assert letterhead.return_address == (
        "Stadt Kassel · Stadtarchiv Kassel · Wildemannsgasse 1 · 34117 Kassel"
    )
    assert letterhead.phone == "0561 787-4032"
    assert letterhead.email == archive.email
    assert letterhead.bank_iban == "DE12 5205 0353 0001 2345 67"  # the cash office's account
    assert letterhead.authority == city.authority


def test_an_office_without_its_own_letterhead_prints_its_name_on_the_city_s(staff):
    registry = OrgUnit.objects.get(short_name="34")
    letterhead = letterhead_for(registry)
    city = Letterhead.load()
    assert letterhead.department == "Standesamt"
    assert letterhead.address_lines == city.address_lines
    assert letterhead.return_address == city.return_address
    assert letterhead_for(None).department == city.department


@pytest.mark.django_db(transaction=True)
def test_a_document_of_the_archive_s_case_carries_the_archive_s_letterhead(archive):
    case = case_for("generic", office=archive, values={}, inputs={})
    case_file = file_pdf_document(
        case=case,
        template_name="documents/case_sheet.html",
        title="Vorgangsblatt",
        filename="Vorgangsblatt.pdf",
    )
    render_now(case_file_id=case_file.pk)
    case_file = CaseFile.objects.get(pk=case_file.pk)
    with case_file.file.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "Stadtarchiv Kassel" in text
    assert "Stadtkasse" not in text

"""Letters to DIN 5008 form B, tagged PDF/A, with the letterhead editors maintain.

Each generated letter is read back: the XMP identification (PDF/A-3, level A),
the structure tree of a tagged PDF, the document language, and where the
return-address line, the address, the information block and the footer lie on
the page (pdfplumber's word boxes, in millimetres from the top left corner).
"""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader

from portal_site.accounts.models import User
from portal_site.documents.models import Letterhead
from shop.models import Invoice
from tests.shop.helpers import approve_up_to_invoice, certificate_case

pytestmark = pytest.mark.django_db(transaction=True)
MM = 72 / 25.4  # PDF points per millimetre


def _invoice_pdf() -> tuple[Invoice, bytes]:
    case = certificate_case()
    approve_up_to_invoice(case)
    invoice = Invoice.objects.get(case=case)
    with invoice.document.file.open("rb") as handle:
        return invoice, handle.read()


def _words(pdf: bytes, page: int = 0) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = document.pages[page].extract_words(keep_blank_chars=False)
    return [{**w, "x_mm": w["x0"] / MM, "top_mm": w["top"] / MM} for w in words]


def _find(words, text: str) -> dict:
    found = [w for w in words if w["text"] == text]
    assert found, f"{text!r} not on the page"
    return found[0]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_fee_invoice_is_a_din_5008_letter(staff):
    invoice, pdf = _invoice_pdf()
    words = _words(pdf)

    # Return-address line: the top 5 mm of the window (20 mm from the left, 45 mm down).
    sender = _find(words, "Königsstraße")
    assert 20 <= sender["x_mm"] < 105 and 45 <= sender["top_mm"] < 50
    # The address in the window's address zone (62.7–90 mm), indented 5 mm.
    name = _find(words, "Mustermann")
    assert 24 <= name["x_mm"] < 105 and 62 <= name["top_mm"] < 90
    town = [w for w in words if w["text"] == "34117" and 62 <= w["top_mm"] < 90]
    assert town and 24 <= town[0]["x_mm"] < 105
    # Information block from 125 mm on, between 50 mm and the reference line.
    label = _find(words, "Kassenzeichen")
    assert label["x_mm"] >= 125 and 50 <= label["top_mm"] < 97
    reference = [w for w in words if w["text"] == invoice.reference and w["x_mm"] >= 125]
    assert reference and reference[0]["top_mm"] < 97
    # Nothing but the window's text lies inside the window area.
    for word in words:
        if 45 <= word["top_mm"] < 90 and 20 <= word["x_mm"] < 105:
            assert word["top_mm"] >= 45
    # The text starts below the reference line (97.4 mm); the footer is in the bottom margin.
    heading = _find(words, "Gebührenrechnung")
    assert heading["top_mm"] > 97
    footer_iban = [w for w in words if w["text"] == "IBAN" and w["top_mm"] > 262]
    assert footer_iban, "the footer carries the bank details"

    text = _text(pdf)
    letterhead = Letterhead.load()
    assert letterhead.bank_iban and letterhead.bank_iban in text
    assert f"BIC {letterhead.bic}" in text
    assert f"Kassenzeichen {invoice.reference}" in text
    assert "25,00 €" in text and invoice.due_on.strftime("%d.%m.%Y") in text
    assert "Rechtsbehelfsbelehrung" in text
    assert "Öffnungszeiten" in text
    assert re.search(r"Seite 1 von \d", text)


def test_generated_documents_are_tagged_pdf_a(staff):
    _invoice, pdf = _invoice_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part[=>"\s]+3', xmp)
    assert re.search(r'pdfaid:conformance[=>"\s]+A', xmp)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "a tagged PDF has a structure tree"
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "de"
    structure = root["/StructTreeRoot"].get_object()
    assert structure["/K"], "the structure tree has elements"
    assert reader.metadata.title.startswith("Gebührenrechnung")


def test_editors_change_the_letterhead_and_new_letters_carry_it(staff):
    letterhead = Letterhead.load()
    letterhead.iban = "DE02 1203 0000 0000 2020 51"
    letterhead.bic = "BYLADEM1001"
    letterhead.opening_hours = "Mo–Do 9:00–15:00 Uhr"
    letterhead.legal_remedy = "Belehrung über Rechtsbehelfe: Widerspruch binnen eines Monats."
    letterhead.save()
    _invoice, pdf = _invoice_pdf()
    text = _text(pdf)
    assert "DE02 1203 0000 0000 2020 51" in text and "BYLADEM1001" in text
    assert "Mo–Do 9:00–15:00 Uhr" in text
    assert "Belehrung über Rechtsbehelfe" in text


def test_the_letter_preview_is_a_pdf_for_editors_of_letters_only(staff, client):
    client.force_login(User.objects.get(username="administration"))
    response = client.get("/admin/briefkopf/vorschau/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Musterstraße" in _text(response.content)
    # No page policy on a PDF: Chromium would apply object-src 'none' to its PDF viewer.
    assert "Content-Security-Policy" not in response
    assert client.get("/admin/stadtkasse/").has_header("Content-Security-Policy")
    other = client.get("/admin/briefkopf/vorschau/", {"text": "letter.archive.permission"})
    assert other.status_code == 200 and other.content.startswith(b"%PDF")
    client.force_login(User.objects.get(username="sachbearbeitung"))
    refused = client.get("/admin/briefkopf/vorschau/")
    assert refused.status_code in (302, 403)


def test_the_editors_preview_of_a_letter_text_is_its_pdf_with_the_unsaved_text(staff, rf):
    from portal_site.notifications.models import EmailText

    letter = EmailText.objects.get(key="shop.invoice_letter")
    letter.body = "Ungespeicherter Entwurf für {reference}."  # as typed, not saved
    response = letter.serve_preview(rf.get("/"), "")
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Ungespeicherter Entwurf für" in text and "Musterstraße" in text
    mail_text = EmailText.objects.get(key="shop.invoice")
    preview = mail_text.serve_preview(rf.get("/"), "")
    assert preview["Content-Type"].startswith("text/plain")
    assert "{reference}" in preview.content.decode()


def test_the_logo_editors_choose_is_printed_on_the_letter(staff):
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 100), (176, 0, 30)).save(buffer, format="PNG")
    logo = Image.objects.create(title="Wappen", file=ImageFile(buffer, name="wappen.png"))
    letterhead = Letterhead.load()
    letterhead.logo = logo
    letterhead.save()
    _invoice, pdf = _invoice_pdf()
    first_page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(first_page.images) >= 1

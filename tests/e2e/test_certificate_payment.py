"""The seed's order end to end in Chromium: portal, registry office, invoice, demo payment."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pypdf import PdfReader

from portal_site.cases.models import Case
from shop.models import Invoice
from tests.e2e.conftest import admin_login
from tests.e2e.portal_steps import order_seed_certificates
from tests.e2e.test_portal_smoke import serious_violations


def _pdf_text(case_file) -> str:
    with case_file.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def test_four_birth_certificates_from_portal_to_paid(page, smtp_server):
    number = order_seed_certificates(page)
    page.context.clear_cookies()

    # The registry office takes the task and decides the three steps of the seed.
    admin_login(page, "standesamt")
    page.get_by_role("link", name="Meine Aufgaben").first.click()
    page.locator("tr", has_text=number).get_by_role("button", name="Übernehmen").click()
    expect(page.locator("h1")).to_contain_text("Ist der Antrag vollständig?")
    expect(page.locator(".task-layout")).to_contain_text("Obere Königsstraße 8")
    assert serious_violations(page, context=".task-layout") == []
    page.get_by_label("Ja, vollständig").check()
    page.get_by_role("button", name="Speichern").click()

    expect(page.locator("h1")).to_contain_text("Kann die Urkunde erstellt werden?")
    page.get_by_label("Ja", exact=True).check()
    page.get_by_role("button", name="Speichern").click()

    expect(page.locator("h1")).to_contain_text("Urkundennummer erfassen")
    page.get_by_label("Urkundennummer").fill("G 1234/1960")
    page.get_by_role("button", name="Speichern und Gebührenrechnung senden").click()
    expect(page.locator("body")).to_contain_text("Gebührenrechnung")

    case = Case.objects.get(number=number)
    invoice = Invoice.objects.get(case=case)
    assert "25,00 €" in _pdf_text(invoice.document)
    assert case.status == "waiting_for_payment"

    # The citizen gets the invoice by e-mail and pays with the demo provider.
    [mail_body] = [
        b for b in smtp_server.bodies_to("frank.mustermann@kassel.de") if invoice.reference in b
    ]
    pay_link = re.search(r"https?://\S+/bezahlen/[0-9a-f-]+/", mail_body).group(0)
    page.context.clear_cookies()
    page.goto(pay_link.split("/bezahlen/", 1)[1].join(["/bezahlen/", ""]))
    expect(page.get_by_test_id("invoice-total")).to_have_text("25,00 €")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Jetzt 25,00 € bezahlen").click()
    page.get_by_role("button", name="Bezahlen (Demo)").click()
    expect(page.get_by_test_id("payment-result")).to_contain_text("ist eingegangen")

    # The case ends with the cover letter for printing; the citizen is told.
    case.refresh_from_db()
    assert case.status == "completed"
    letter = case.files.get(filename=f"Begleitschreiben-{number}.pdf")
    assert "G 1234/1960" in _pdf_text(letter)
    bodies = smtp_server.bodies_to("frank.mustermann@kassel.de")
    assert any("Zahlung über 25,00 €" in body or "25,00 €" in body for body in bodies)
    assert any("Urkunden-Nr. G 1234/1960" in body for body in bodies)

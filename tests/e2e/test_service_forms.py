"""The seed's certificate order through every step of the portal form, in Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from portal_site.cases.models import Case
from tests.e2e.portal_steps import fill_seed_applicant, fill_seed_birth_certificate, shown
from tests.e2e.test_portal_smoke import serious_violations

FORM = "/online-dienste/personenstandsurkunden-anfordern/"


def _next(page):
    page.get_by_role("button", name="Weiter").click()


def test_citizen_orders_four_birth_certificates_and_gets_a_case_number(page):
    page.goto("/online-dienste/personenstandsurkunden/")
    page.get_by_role("link", name="Online beantragen").click()
    expect(page.locator("h1")).to_have_text(shown("Personenstandsurkunden anfordern"))
    expect(page.locator("[aria-current=step]")).to_contain_text("Start")
    assert serious_violations(page) == []

    # Step 1: Start. Sending without the required box shows a German error at the field.
    _next(page)
    expect(page.locator(".error-summary")).to_contain_text("Dieses Feld muss ausgefüllt werden")
    assert serious_violations(page) == []
    page.get_by_label("Ich habe die Hinweise").check()
    _next(page)

    # Step 2: Antragstellerdaten (seed: Herr Frank Mustermann, Obere Königsstraße 8).
    fill_seed_applicant(page)
    assert serious_violations(page) == []
    _next(page)

    # Step 3: Frage. Back keeps every answer.
    page.get_by_role("button", name="Zurück").click()
    expect(page.locator("#id_vorname")).to_have_value("Frank")
    _next(page)
    page.get_by_label("Geburtsurkunde").check()
    _next(page)

    # Step 4: only the birth certificate's detail step follows.
    fill_seed_birth_certificate(page)
    expect(page.locator(".progress")).not_to_contain_text("Sterbeurkunde")
    assert serious_violations(page) == []
    _next(page)

    # Summary ("Angaben prüfen"), then send.
    expect(page.locator("h2").first).to_have_text("Angaben prüfen")
    expect(page.locator(".summary").last).to_contain_text("01.01.1960")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Antrag absenden").click()

    number = page.get_by_test_id("case-number").inner_text()
    assert Case.objects.filter(number=number).count() == 1
    case = Case.objects.get(number=number)
    assert case.applicant_name == "Frank Mustermann"
    assert case.data["values"]["geburt_anzahl"] == "4"
    assert serious_violations(page) == []

    # The status link shows the status and nothing else of the applicant.
    page.get_by_role("link", name="Stand Ihres Vorgangs").click()
    # the status with the process's stage (the first step checks completeness)
    expect(page.get_by_test_id("case-status")).to_have_text(
        "Eingegangen – Prüfung der Vollständigkeit"
    )
    expect(page.locator("main")).not_to_contain_text("Mustermann")

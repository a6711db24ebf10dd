"""A clerk works a case from the portal; the applicant's e-mail reaches a real SMTP server."""

from __future__ import annotations

from playwright.sync_api import expect

from portal_site.cases.models import Case
from tests.e2e.conftest import admin_login
from tests.e2e.test_portal_smoke import serious_violations


def test_clerk_takes_answers_and_closes_a_portal_request(page, smtp_server):
    # The citizen writes to the "Digitaler Briefkasten".
    page.goto("/online-dienste/briefkasten/")
    page.locator("#id_name").fill("Frank Mustermann")
    page.locator("#id_email").fill("frank.mustermann@kassel.de")
    page.locator("#id_betreff").fill("Sperrmüll")
    page.locator("#id_nachricht").fill("Wann wird der Sperrmüll in der Königsstraße abgeholt?")
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Antrag absenden").click()
    number = page.get_by_test_id("case-number").inner_text()
    page.context.clear_cookies()

    # The clerk of the Bürgerservice finds it in the office's queue and takes it.
    admin_login(page, "sachbearbeitung")
    page.get_by_role("link", name="Meine Aufgaben").first.click()
    row = page.locator("tr", has_text=number)
    row.get_by_role("button", name="Übernehmen").click()
    expect(page.locator("body")).to_contain_text("Sie haben die Aufgabe übernommen.")
    expect(page.locator("body")).to_contain_text("Wann wird der Sperrmüll")
    # Our own markup; Wagtail's animated message banner is Wagtail's to check.
    assert serious_violations(page, context=".task-layout") == []

    page.get_by_label("Antwort an die antragstellende Person").fill(
        "Der Sperrmüll wird am Montag, 30.11., abgeholt."
    )
    page.get_by_role("button", name="Antwort senden und Vorgang abschließen").click()
    expect(page.locator("body")).to_contain_text(f"Vorgang {number} abgeschlossen")
    assert Case.objects.get(number=number).status == "completed"

    # Confirmation and answer arrived at the SMTP server.
    bodies = smtp_server.bodies_to("frank.mustermann@kassel.de")
    assert any(number in body for body in bodies)
    assert any("am Montag, 30.11., abgeholt" in body for body in bodies)

"""A clerk works a case from the portal; the applicant's e-mail reaches a real SMTP server."""

from __future__ import annotations

from playwright.sync_api import expect

from portal_site.cases.models import Case
from tests.e2e.portal_steps import send_mailbox_request, take_from_queue
from tests.e2e.test_portal_smoke import serious_violations


def test_clerk_takes_answers_and_closes_a_portal_request(page, smtp_server):
    # The citizen writes to the "Digitaler Briefkasten"; the Bürgerservice's clerk finds
    # it in the office's queue and takes it.
    number = send_mailbox_request(page, "Wann wird der Sperrmüll in der Königsstraße abgeholt?")
    take_from_queue(page, "sachbearbeitung", number)
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

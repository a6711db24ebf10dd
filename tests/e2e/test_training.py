"""Internal training in Chromium: an employee registers, three people decide, PDFs and mails."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pypdf import PdfReader

from flows.models import Participation
from tests.e2e.conftest import admin_login
from tests.e2e.test_portal_smoke import serious_violations

FORM = "/online-dienste/anmeldung-fortbildung/"


def _decide(page, username: str, number: str, choice: str, comment: str = "") -> None:
    page.context.clear_cookies()
    admin_login(page, username)
    page.get_by_role("link", name="Meine Aufgaben").first.click()
    row = page.locator("tr", has_text=number)
    expect(row).to_be_visible()  # the inbox has loaded before we look at the row's actions
    if row.get_by_role("button", name="Übernehmen").count():
        row.get_by_role("button", name="Übernehmen").click()
    else:
        row.get_by_role("link", name=re.compile("Bearbeiten")).click()
    expect(page.locator(".task-layout")).to_contain_text("A-2016-01")
    page.get_by_label(choice, exact=True).check()
    if comment:
        page.get_by_label("Kommentar", exact=False).first.fill(comment)
    assert serious_violations(page, context=".task-layout") == []
    page.locator(".task-layout button[type=submit]").first.click()
    expect(page.locator("body")).to_contain_text(number)


def test_employee_registers_and_gets_a_place(page, smtp_server):
    # The employee identifies with personnel number and surname and registers.
    page.goto(FORM)
    page.get_by_label("Personalnummer").fill("2001")
    page.get_by_label("Familienname").fill("Mustermann")
    page.get_by_role("button", name="Weiter").click()
    page.locator("#id_fortbildung").select_option("A-2016-01")
    page.locator("#id_altersgruppe").select_option("41-55 Jahre")
    page.locator("#id_berufsgruppe").select_option(
        "Allgemeine Verwaltung, einschließlich Kulturbereich"
    )
    page.locator("#id_arbeitszeit").select_option("vollzeitbeschäftigt")
    page.locator("#id_funktion").select_option("Sachbearbeiter/in bzw. Mitarbeiter/in")
    page.get_by_label("Persönliche Lernziele").fill("Sicherer vor Gruppen sprechen")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Antrag absenden").click()
    number = page.get_by_test_id("case-number").inner_text()

    _decide(page, "sachgebietsleitung", number, "Ja, empfohlen", "Sollte unterstützen")
    _decide(page, "abteilungsleitung", number, "Zugestimmt")
    _decide(page, "personalentwicklung", number, "Ja: Platz bestätigt")

    participation = Participation.objects.get(case__number=number)
    assert participation.status == Participation.Status.CONFIRMED
    subjects = [m["Subject"] for m in smtp_server.messages if "hans.mustermann" in m["To"]]
    assert any("Zustimmung erteilt" in s for s in subjects)
    assert any("ist bestätigt" in s for s in subjects)

    # HR development prints the attendance list; it names the participant.
    page.goto(f"/admin/fortbildung/kurse/{participation.course_id}/teilnehmende/")
    expect(page.get_by_test_id("places")).to_contain_text("1 von 12 Plätzen vergeben")
    assert serious_violations(page, context=".training-layout") == []
    response = page.request.get(
        f"/admin/fortbildung/kurse/{participation.course_id}/anwesenheitsliste.pdf"
    )
    assert response.headers["content-type"] == "application/pdf"
    from io import BytesIO

    text = PdfReader(BytesIO(response.body())).pages[0].extract_text()
    assert "Mustermann, Hans" in text

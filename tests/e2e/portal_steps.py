"""Steps in the portal that several browser tests take."""

from __future__ import annotations

import re

from playwright.sync_api import expect

CERTIFICATE_FORM = "/online-dienste/personenstandsurkunden-anfordern/"


def shown(text: str) -> re.Pattern:
    """The whole text as the page shows it: long words carry soft hyphens (U+00AD)."""
    return re.compile("^" + "\u00ad?".join(re.escape(char) for char in text) + "$")


def next_step(page) -> None:
    page.get_by_role("button", name="Weiter").click()


def fill_seed_applicant(page) -> None:
    """Step 2 as in the seed: Herr Frank Mustermann, Obere Königsstraße 8, 34117 Kassel."""
    expect(page.locator("[aria-current=step]")).to_contain_text("Antragstellerdaten")
    page.get_by_label("Anrede").select_option("Herr")
    page.locator("#id_name").fill("Mustermann")
    page.locator("#id_vorname").fill("Frank")
    page.get_by_label("Postleitzahl").fill("34117")
    page.locator("#id_ort").fill("Kassel")
    page.get_by_label("Straße/Hausnummer/Zusatz").fill("Obere Königsstraße 8")
    page.get_by_label("E-Mail").fill("frank.mustermann@kassel.de")


def fill_seed_birth_certificate(page, copies: str = "4") -> None:
    """Step 4 as in the seed: four birth certificates for Frank Mustermann."""
    expect(page.locator("[aria-current=step]")).to_contain_text("Angaben zur Geburtsurkunde")
    page.get_by_label("Verwendungszweck für die Geburtsurkunde").select_option(
        "Anmeldung einer Eheschließung"
    )
    page.get_by_label("Anzahl der benötigten Urkunden").fill(copies)
    page.get_by_label("Format der Geburtsurkunde").select_option("Geburtsurkunde DIN A4-Format")
    page.get_by_label("Anforderungsberechtigt als").select_option("beurkundete Person")
    page.get_by_label("Geburtsname").fill("Mustermann")
    page.get_by_label("Aktueller Familienname").fill("Mustermann")
    page.locator("#id_geburt_vorname").fill("Frank")
    page.get_by_label("Geburtsdatum").fill("1960-01-01")
    page.get_by_label("Geburtsort").fill("Musterstadt")


def order_seed_certificates(page) -> str:
    """The whole seed order from the form's first step to the case number."""
    page.goto(CERTIFICATE_FORM)
    page.get_by_label("Ich habe die Hinweise").check()
    next_step(page)
    fill_seed_applicant(page)
    next_step(page)
    page.get_by_label("Geburtsurkunde").check()
    next_step(page)
    fill_seed_birth_certificate(page)
    next_step(page)
    page.get_by_role("button", name="Antrag absenden").click()
    return page.get_by_test_id("case-number").inner_text()


def send_mailbox_request(page, text: str) -> str:
    """Frank Mustermann writes to the "Digitaler Briefkasten" about Sperrmüll; the case
    number he gets back (the browser's cookies are cleared afterwards)."""
    page.goto("/online-dienste/briefkasten/")
    page.locator("#id_name").fill("Frank Mustermann")
    page.locator("#id_email").fill("frank.mustermann@kassel.de")
    page.locator("#id_betreff").fill("Sperrmüll")
    page.locator("#id_nachricht").fill(text)
    next_step(page)
    next_step(page)
    page.get_by_role("button", name="Antrag absenden").click()
    number = page.get_by_test_id("case-number").inner_text()
    page.context.clear_cookies()
    return number


def take_from_queue(page, username: str, number: str) -> None:
    """``username`` logs in and takes the case's task from the office's queue."""
    from tests.e2e.conftest import admin_login

    admin_login(page, username)
    page.get_by_role("link", name="Meine Aufgaben").first.click()
    page.locator("tr", has_text=number).get_by_role("button", name="Übernehmen").click()

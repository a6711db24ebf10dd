"""Every journey of a citizen in German and in English, in Chromium: from the home page
through a form to the case number and its status, Mein Konto, the archive from search to
payment, the language switch. No page answers 404 (or any error), and a word list fails
on German interface text left on an English page and English text on a German one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

# German words of the portal's interface and of the demo's content. The demo's data
# stay as they are (addresses, an archive photograph's title), so only words that are
# neither names nor data are listed.
GERMAN = [
    "Zurück",
    "Weiter",
    "Bitte",
    "Ihre ",
    "Ihr ",
    "Antrag",
    "Gebühren",
    "Urkunde",
    "Angaben",
    "Warenkorb",
    "bezahlen",
    "Vorgang",
    "Suchen",
    "Rechnung",
    "Nutzung",
    "Eingegangen",
    "Pflicht",
    "Schritt",
    "Online-Dienste",
    "Kontakt",
    "Anmeld",
    "Bestell",
]
ENGLISH = [
    "Back",
    "Next",
    "Please",
    "Your ",
    "Search",
    "Basket",
    "Apply",
    "Invoice",
    "Payment",
    "Order",
    "Received",
    "required",
    "Contact",
    "Online services",
]
WRONG = {"de": ENGLISH, "en": GERMAN}


class Walk:
    """The visitor's browser: every page it shows is checked for its language."""

    def __init__(self, page, language: str) -> None:
        self.page = page
        self.language = language
        self.prefix = "" if language == "de" else "/en"
        self.errors: list[str] = []
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"{response.status} {response.url}")
                if response.request.resource_type == "document" and response.status >= 400
                else None
            ),
        )

    def check(self) -> None:
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        visible = page.locator("header nav").first.inner_text() + page.locator("main").inner_text()
        visible = visible.replace("\u00ad", "")  # soft hyphens of long words
        wrong = [word for word in WRONG[self.language] if word in visible]
        assert wrong == [], f"{page.url}: {wrong}"
        assert self.errors == []

    def go(self, path: str) -> None:
        self.page.goto(self.prefix + path)
        self.check()

    def click(self, locator) -> None:
        locator.click()
        self.page.wait_for_load_state()
        self.check()


def _certificate(walk: Walk) -> str:
    page = walk.page
    walk.go("/")
    walk.click(page.locator('main a[href$="/online-dienste/personenstandsurkunden/"]').first)
    walk.click(page.locator('main a[href$="/personenstandsurkunden-anfordern/"]').first)
    page.locator("#id_datenschutz").check()
    walk.click(page.locator("button[value=next]"))
    page.locator("#id_anrede").select_option("Frau")
    page.locator("#id_name").fill("Jones")
    page.locator("#id_vorname").fill("Ann")
    page.locator("#id_postleitzahl").fill("34117")
    page.locator("#id_ort").fill("Kassel")
    page.locator("#id_strasse").fill("Wilhelmshöher Allee 19")
    page.locator("#id_email").fill("ann.jones@example.org")
    walk.click(page.locator("button[value=next]"))
    page.locator("input[name=urkundenart][value=Geburtsurkunde]").check()
    walk.click(page.locator("button[value=next]"))
    # a bad value gets its message in the reader's language
    page.locator("#id_geburt_anzahl").fill("0")
    walk.click(page.locator("button[value=next]"))
    expect(page.locator(".errorlist, .field-error").first).to_be_visible()
    page.locator("#id_geburt_zweck").select_option("Familienforschung")
    page.locator("#id_geburt_anzahl").fill("2")
    page.locator("#id_geburt_format").select_option("Geburtsurkunde DIN A4-Format")
    page.locator("#id_geburt_berechtigt").select_option("beurkundete Person")
    page.locator("#id_geburt_geburtsname").fill("Jones")
    page.locator("#id_geburt_familienname").fill("Jones")
    page.locator("#id_geburt_vorname").fill("Ann")
    page.locator("#id_geburt_datum").fill("1980-02-03")
    page.locator("#id_geburt_ort").fill("Kassel")
    walk.click(page.locator("button[value=next]"))
    walk.click(page.locator("button[value=submit]"))
    number = page.get_by_test_id("case-number").inner_text()
    walk.click(page.locator('main a[href*="/vorgang/"]'))
    expect(page.locator("main")).to_contain_text(number)
    return number


def _archive(walk: Walk) -> None:
    page = walk.page
    walk.go("/archiv/?q=Hauptbahnhof")
    walk.click(page.locator('main a[href*="/archiv/"]').filter(has_text="Hauptbahnhof").first)
    walk.click(page.locator("form[action*=warenkorb] button[type=submit]"))
    walk.go("/archiv/warenkorb/")
    page.locator("#id_salutation").select_option(index=1)
    page.locator("#id_first_name").fill("Ann")
    page.locator("#id_last_name").fill("Jones")
    page.locator("#id_street").fill("Wilhelmshöher Allee 19")
    page.locator("#id_postcode").fill("34117")
    page.locator("#id_town").fill("Kassel")
    page.locator("#id_email").fill("ann.jones@example.org")
    page.locator("#id_purpose").fill("Book")
    page.locator("#id_accept").check()
    walk.click(page.locator("main form.service-form button[type=submit]"))
    walk.click(page.locator("form.pay-form button[type=submit]"))
    walk.click(page.locator("form.inline-form button").first)
    expect(page.get_by_test_id("payment-result")).to_be_visible()


def _account(walk: Walk) -> None:
    page = walk.page
    walk.go("/konto/")
    page.locator("main input[type=email]").fill("ann.jones@example.org")
    walk.click(page.locator("main form button[type=submit]").first)


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_citizen_journey_speaks_one_language(page, smtp_server, language):
    walk = Walk(page, language)
    _certificate(walk)
    _account(walk)
    _archive(walk)
    for path in ("/anmelden/", "/online-dienste/", "/kontakt/", "/datenschutz/", "/impressum/"):
        walk.go(path)


def test_the_switch_keeps_the_page_in_the_browser(page):
    walk = Walk(page, "de")
    walk.go("/online-dienste/digitaler-briefkasten/")
    page.locator("#language-select").select_option("en")
    page.locator("form.lang-switch button").first.click()
    expect(page).to_have_url(re.compile(r"/en/online-dienste/digitaler-briefkasten/$"))
    expect(page.locator("main h1")).to_contain_text("Digital letterbox")
    page.locator("#language-select").select_option("de")
    page.locator("form.lang-switch button").first.click()
    expect(page).to_have_url(re.compile(r"/online-dienste/digitaler-briefkasten/$"))
    expect(page.locator("main h1")).to_contain_text("Digitaler Briefkasten")

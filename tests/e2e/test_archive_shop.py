"""The photo archive in Chromium: search, facet, order for publication, pay, download."""

from __future__ import annotations

import re
from io import BytesIO

from PIL import Image
from playwright.sync_api import expect

from shop.models import Order
from tests.e2e.test_portal_smoke import serious_violations


def test_citizen_finds_orders_pays_and_downloads_a_photograph(page, smtp_server):
    page.goto("/archiv/")
    expect(page.locator("h1")).to_have_text("Fotoarchiv")
    assert serious_violations(page) == []

    page.get_by_label("Suchbegriff").fill("Bahnhof")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 Fotografie")
    page.goto("/archiv/?q=Innenstadt")
    page.locator(".archive-facets").get_by_role("link", name=re.compile("^1950er")).click()
    expect(page.get_by_test_id("result-count")).to_have_text("2 Fotografien")
    assert serious_violations(page) == []

    page.goto("/archiv/?q=Hauptbahnhof")
    page.get_by_role("link", name="Hauptbahnhof, Bahnhofsvorplatz").click()
    expect(page.get_by_test_id("signature")).to_have_text("S 01 Nr. 1961-087")
    preview = page.locator(".archive-detail__image img")
    expect(preview).to_be_visible()
    assert "/archiv/datei/" in preview.get_attribute("src")
    assert serious_violations(page) == []

    page.get_by_label(re.compile("Veröffentlichung .*volle Auflösung")).check()
    page.get_by_role("button", name="In den Warenkorb").click()
    expect(page.get_by_test_id("basket-total")).to_have_text("50,00 €")
    page.get_by_label("Anrede").select_option("Frau")
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Musterfrau")
    page.get_by_label("Organisation (optional)").fill("Verlag Nordhessen GmbH")
    page.get_by_label("Straße und Hausnummer").fill("Wilhelmshöher Allee 19")
    page.get_by_label("Postleitzahl").fill("34117")
    page.locator("#id_town").fill("Kassel")
    page.get_by_label("E-Mail").fill("erika.musterfrau@example.org")
    page.get_by_label(re.compile("Verwendungszweck")).fill("Buch „Kassel in den 50ern“")
    page.get_by_label(re.compile("Nutzungsbedingungen")).check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()

    expect(page.get_by_test_id("invoice-total")).to_have_text("50,00 €")
    page.get_by_role("button", name="Jetzt 50,00 € bezahlen").click()
    page.get_by_role("button", name="Bezahlen (Demo)").click()
    expect(page.get_by_test_id("payment-result")).to_contain_text("ist eingegangen")

    order = Order.objects.get()
    assert order.status == Order.Status.DELIVERED
    # a publisher orders: the organisation is the debtor, Erika Musterfrau its contact
    assert order.partner.address_lines[:2] == ["Verlag Nordhessen GmbH", "Frau Erika Musterfrau"]
    [body] = [
        b
        for b in smtp_server.bodies_to("erika.musterfrau@example.org")
        if "Herunterladen" in b or "herunter" in b
    ]
    link = re.search(r"https?://\S+?(/archiv/download/[^/\s]+/)", body).group(1)
    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url }", link)
    download = download_info.value
    assert download.suggested_filename == "S_01_Nr._1961-087.jpg"
    with open(download.path(), "rb") as handle:
        picture = Image.open(BytesIO(handle.read()))
        assert picture.size == (1600, 1200)  # the full resolution of the scan

"""In Chromium: a form whose fields the editor left optional cannot be sent empty."""

from __future__ import annotations

from playwright.sync_api import expect

from portal_site.cases.models import Case
from tests.serviceportal.builders import make_form
from tests.serviceportal.test_no_empty_applications import optional_steps


def test_an_all_optional_form_cannot_be_sent_empty(page):
    form = make_form(steps=optional_steps(), slug="alles-optional", saved_before_the_rules=True)
    page.goto(form.url)
    expect(page.get_by_label("Name")).to_be_visible()  # step 1, not the summary
    expect(page.get_by_role("button", name="Antrag absenden")).to_have_count(0)
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_label("Ihr Anliegen")).to_be_visible()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.locator("body")).to_contain_text("Bitte geben Sie Ihre E-Mail-Adresse an")
    assert not Case.objects.exists()

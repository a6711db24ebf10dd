"""The portal's pages on a phone (390 px wide): nothing wider than the screen, long
German words hyphenated instead of cut or broken mid-syllable without a hyphen.

Screenshots of every page land in ``$E2E_SCREENSHOTS`` (or the test's temporary
folder) so a person can look at them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.portal_steps import CERTIFICATE_FORM

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/online-dienste/",
    "/online-dienste/personenstandsurkunden/",
    CERTIFICATE_FORM,
    "/online-dienste/sterbefallvoranmeldung/",
    "/archiv/",
    "/archiv/warenkorb/",
    "/anmelden/",
]

# Elements whose text is cut when they are narrower than their content.
OVERFLOWING = """
() => [...document.querySelectorAll(
    'main h1, main h2, main h3, main a, main label, main p, main li, header a')]
  .filter(el => el.offsetParent !== null && el.clientWidth > 1
                && el.scrollWidth > el.clientWidth + 1
                && getComputedStyle(el).overflowX !== 'auto')
  .map(el => `${el.tagName} “${el.innerText.replace(/\\u00ad/g, '').trim().slice(0, 60)}”`)
"""


def _folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path) / "390px"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("path", PAGES)
def test_portal_pages_fit_a_phone_screen(page, path, tmp_path):
    page.set_viewport_size(PHONE)
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    name = path.strip("/").replace("/", "_") or "home"
    page.screenshot(path=str(_folder(tmp_path) / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide"
    assert page.evaluate(OVERFLOWING) == [], path


def test_long_words_in_tiles_break_with_a_hyphen_on_a_small_phone(page, tmp_path):
    """The heading of a tile never splits a word without a hyphen: every line of a
    wrapped title ends at a space or at a soft hyphen the browser shows as '-'
    (at 320 px, where "Personenstandsurkunden" no longer fits a tile)."""
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/")
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.card h3 a, .card p')].map(element => {
             const text = element.firstChild; const lines = []; let line = '';
             const range = document.createRange(); let top = null;
             for (let i = 0; i < text.length; i++) {
               range.setStart(text, i); range.setEnd(text, i + 1);
               const rect = [...range.getClientRects()].filter(box => box.width > 0).pop();
               if (rect && top !== null && rect.top > top + 2) { lines.push(line); line = ''; }
               if (rect) top = rect.top;
               line += text.data[i];
             }
             lines.push(line);
             return lines;
           })"""
    )
    page.screenshot(path=str(_folder(tmp_path) / "tiles-320px.png"), full_page=True)
    breaks = [pair for wrapped in lines for pair in zip(wrapped, wrapped[1:], strict=False)]
    assert breaks, "no tile text wraps at 320 px; the check would prove nothing"
    mid_word = [
        f"{before}|{after}"
        for before, after in breaks
        if before[-1] not in " -\u00ad" and after[0] not in " \u00ad"
    ]
    assert mid_word == []


def test_on_a_phone_the_navigation_folds_into_a_menu_button(page, tmp_path):
    """At 390 px the header shows the city and a "Menü" button; the button opens and
    closes navigation and language switch (aria-expanded), Escape closes it, and the
    open menu has no serious accessibility violation (axe)."""
    from playwright.sync_api import expect

    from tests.e2e.test_portal_smoke import serious_violations

    page.set_viewport_size(PHONE)
    page.goto("/")
    button = page.get_by_role("button", name="Menü")
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    header_height = page.evaluate("document.querySelector('.site-header').offsetHeight")
    assert header_height < 100, header_height  # logo and button on one line
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Fotoarchiv")).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()
    page.screenshot(path=str(_folder(tmp_path) / "menu-open.png"), full_page=True)
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(button).to_be_focused()
    page.set_viewport_size({"width": 1280, "height": 800})  # wide: no button, all visible
    expect(button).to_be_hidden()
    expect(navigation).to_be_visible()

"""Browser tests: Playwright drives Debian's Chromium against a live test server.

Chromium is never downloaded: the tests use /usr/bin/chromium (``apt-get install
chromium``). Without it the browser tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.demo_snapshot import load_demo_content

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    """The demo content behind a live server."""
    load_demo_content()
    return live_server


@pytest.fixture
def page(browser, live_demo):
    context = browser.new_context(
        base_url=live_demo.url, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The Content-Security-Policy is enforced by the browser: anything it blocks is a
    # broken page for a real user, so every journey fails on a violation.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert violations == [], violations


def admin_login(page, username: str) -> None:
    from portal_site.core.demo import DEMO_PASSWORD

    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

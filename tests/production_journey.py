"""The journey of CI's production pass (``.ci/production-pass``), over HTTP in Chromium.

Runs against the gunicorn server the pass started (``PORTAL_URL``), with the
RQ workers and the periodic runner doing the background work and a real SMTP
sink writing every mail into ``PORTAL_MAILDIR``. It orders the seed's four
birth certificates, works the case as the registry office, pays with the demo
provider and checks that the cover letter is filed and that every mail arrived
exactly once. Reads the database through the production settings.
"""

from __future__ import annotations

import mailbox
import os
import re
import sys
import time
from collections import Counter
from email.header import decode_header, make_header

import django


def _mails(maildir: str) -> list[tuple[str, str, str]]:
    found = []
    for message in mailbox.Maildir(maildir, create=False):
        subject = str(make_header(decode_header(message["Subject"] or "")))
        payload = message.get_payload(decode=True) if not message.is_multipart() else None
        if payload is None:
            parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
            payload = parts[0].get_payload(decode=True) if parts else b""
        found.append((message["To"], subject, payload.decode("utf-8", "replace")))
    return found


def case_file_ready(case_file):
    return case_file is not None and case_file.status == "ready"


def _wait_for(what: str, check, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def main() -> int:
    django.setup()
    from playwright.sync_api import expect, sync_playwright

    from portal_site.cases.models import Case
    from shop.models import Invoice
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, admin_login
    from tests.e2e.portal_steps import order_seed_certificates

    base, maildir = os.environ["PORTAL_URL"], os.environ["PORTAL_MAILDIR"]
    applicant = "frank.mustermann@kassel.de"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=base, locale="de-DE")
        context.set_default_timeout(30_000)
        page = context.new_page()
        number = order_seed_certificates(page)
        print("case", number)
        context.clear_cookies()

        admin_login(page, "standesamt")
        page.goto("/admin/aufgaben/")
        page.locator("tr", has_text=number).get_by_role("button", name="Übernehmen").click()
        page.get_by_label("Ja, vollständig").check()
        page.get_by_role("button", name="Speichern").click()
        page.get_by_label("Ja", exact=True).check()
        page.get_by_role("button", name="Speichern").click()
        page.get_by_label("Urkundennummer").fill("G 1234/1960")
        page.get_by_role("button", name="Speichern und Gebührenrechnung senden").click()
        expect(page.locator("body")).to_contain_text("Gebührenrechnung")

        invoice = Invoice.objects.get(case__number=number)
        # rendered by a worker after the clerk's click committed
        _wait_for(
            "the invoice PDF",
            lambda: case_file_ready(Invoice.objects.get(pk=invoice.pk).document),
        )
        invoice_mail = _wait_for(
            "the invoice mail",
            lambda: [m for m in _mails(maildir) if m[0] == applicant and invoice.reference in m[2]],
        )
        pay_link = re.search(r"https?://\S+/bezahlen/[0-9a-f-]+/", invoice_mail[0][2]).group(0)
        context.clear_cookies()
        page.goto(pay_link)
        page.get_by_role("button", name="Jetzt 25,00 € bezahlen").click()
        page.get_by_role("button", name="Bezahlen (Demo)").click()
        expect(page.get_by_test_id("payment-result")).to_contain_text("ist eingegangen")
        browser.close()

    case = _wait_for(
        "the completed case",
        lambda: Case.objects.filter(number=number, status="completed").first(),
    )
    letter = _wait_for(
        "the cover letter",
        lambda: case.files.filter(filename__startswith="Begleitschreiben", status="ready").first(),
    )
    assert letter.file.size > 1000, "the cover letter is empty"
    _wait_for(
        "the certificates mail",
        lambda: [m for m in _mails(maildir) if m[0] == applicant and "G 1234/1960" in m[2]],
    )
    time.sleep(12)  # two more rounds of the periodic runner: nothing may be sent again
    sent = Counter((to, subject) for to, subject, _body in _mails(maildir))
    print("mails:", dict(sent))
    twice = {key: count for key, count in sent.items() if count > 1}
    assert not twice, f"mails sent more than once: {twice}"
    assert sum(1 for to, _s in sent if to == applicant) >= 3  # confirmation, invoice, done
    print("journey: green", number)
    return 0


if __name__ == "__main__":
    sys.exit(main())

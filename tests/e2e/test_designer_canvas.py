"""The done-test of the modeller: a designer draws Sperrmüllanmeldung on the canvas in at
most 40 UI actions without typing an id, publishes it and links it to the form; a citizen
applies and pays; the clerk finishes it (flows/designer/canvas.py, designer-canvas.js)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from flows.designer.models import ProcessDesign
from portal_site.cases.models import Case, CaseStatus
from serviceportal.form_pages import ServiceFormPage
from shop.models import Invoice
from tests.e2e.portal_steps import next_step, take_from_queue
from tests.e2e.test_portal_smoke import serious_violations

MAX_ACTIONS = 40


class Counted:
    """The designer's UI actions (a page visit, a click, a typed text, a pick), counted."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def goto(self, url: str) -> None:
        self.count += 1
        self.page.goto(url)

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def fill(self, locator, text: str) -> None:
        self.count += 1
        locator.fill(text)

    def pick(self, locator, **option) -> None:
        self.count += 1
        locator.select_option(**option)


def shape(page, element_id: str):
    return page.locator(f"g.djs-element.djs-shape[data-element-id='{element_id}']")


def pad(page, action: str):
    return page.locator(f".djs-context-pad .entry[data-action='{action}']")


def field(page, label: str):
    return page.locator("#canvas-panel").get_by_label(label, exact=True)


def login(act: Counted, username: str) -> None:
    from portal_site.core.demo import DEMO_PASSWORD

    act.goto("/admin/login/")
    act.fill(act.page.locator("input[name=username]"), username)
    act.fill(act.page.locator("input[name=password]"), DEMO_PASSWORD)
    act.click(act.page.locator("button[type=submit]"))
    act.page.wait_for_url("**/admin/")


def draw_sperrmuell(page) -> tuple[int, ProcessDesign]:
    """The designer's and the editor's part, action by action: their number, the design."""
    act = Counted(page)
    login(act, "prozessgestaltung")
    act.goto("/admin/prozesse/neu-zeichnen/")
    act.fill(page.get_by_label("Name des Prozesses"), "Sperrmüll (gezeichnet)")
    act.click(page.get_by_role("button", name="Im Diagramm öffnen"))
    expect(page.locator(".djs-palette")).to_be_visible()
    assert serious_violations(page, context=".designer-canvas-page") == []

    # The application's inputs: taken from the form that will start it.
    act.click(shape(page, "start"))
    act.pick(
        page.get_by_label("Eingaben aus einem Formular übernehmen …"),
        label="Sperrmüll zur Abholung anmelden",
    )
    expect(page.locator("#canvas-panel [data-field='name']").first).to_have_value("name")

    # The fee, from the fee schedule.
    act.click(pad(page, "append.fee"))
    expect(page.locator("#canvas-panel h2")).to_have_text("Gebühr")
    act.click(page.locator("#canvas-panel").get_by_role("button", name="Hinzufügen"))
    act.pick(field(page, "Gebühr (Gebührenordnung) *"), value="520")

    # The clerk's task with a date field (its name follows the label).
    act.click(pad(page, "append.task"))
    act.fill(field(page, "Titel der Aufgabe *"), "Abholung einplanen")
    fields_list = page.locator("#canvas-panel fieldset", has_text="Felder")
    act.click(fields_list.get_by_role("button", name="Hinzufügen"))
    act.fill(fields_list.get_by_label("Beschriftung für die Sachbearbeitung *"), "Abholtermin")
    act.pick(fields_list.get_by_label("Art *"), value="date")
    expect(fields_list.locator("[data-field='name']")).to_have_value("abholtermin")

    # The confirmation, with placeholders picked from the menu.
    act.click(pad(page, "append.email"))
    menus = page.locator("#canvas-panel select[aria-label='Platzhalter einfügen …']")
    # after the fee and the task: the invoice's reference and the pickup date are offered
    expect(menus.first.locator("option[value='{invoice_reference}']")).to_have_count(1)
    act.pick(menus.first, value="{abholtermin}")
    act.pick(menus.last, value="{abholtermin}")
    expect(field(page, "Betreff *")).to_have_value(re.compile(r"\{abholtermin\}"))

    act.click(pad(page, "append.end"))
    # The way after a Storno: a second arrow from the fee to a second end.
    act.click(page.get_by_role("button", name="Ganzes Diagramm zeigen"))
    act.click(page.locator("g.djs-shape[data-element-id^='fee_']"))
    act.click(pad(page, "append.end"))
    act.pick(field(page, "Ergebnis *"), value="cancelled")

    act.click(page.get_by_role("button", name="Entwurf speichern"))
    expect(page.locator("#canvas-status")).to_have_text("Gespeichert.")
    expect(page.locator("#canvas-problems")).to_contain_text("besteht die Prüfung")

    act.click(page.get_by_role("link", name="Prüfen und veröffentlichen"))
    act.click(page.get_by_role("button", name="Entwurf als neue Version veröffentlichen"))
    expect(page.locator("body")).to_contain_text("Version 1")

    # The editor links the Sperrmüll form to the new process.
    design = ProcessDesign.objects.get(name="Sperrmüll (gezeichnet)")
    form = ServiceFormPage.objects.get(locale__language_code="de", slug="sperrmuell-anmelden")
    page.context.clear_cookies()
    login(act, "redaktion")
    act.goto(f"/admin/pages/{form.pk}/edit/")
    act.click(page.get_by_role("tab", name="Einstellungen"))
    act.pick(page.locator("select[name='process_key']"), value=design.process_key)
    act.click(page.locator("button[data-w-dropdown-target='toggle']").last)
    act.click(page.get_by_role("button", name="Veröffentlichen"))
    expect(page.locator("body")).to_contain_text("veröffentlicht")
    form.refresh_from_db()
    assert form.process_key == design.process_key
    page.context.clear_cookies()
    return act.count, design


def test_a_designer_draws_sperrmuell_a_citizen_pays_and_the_clerk_finishes(page, smtp_server):
    actions, design = draw_sperrmuell(page)
    print(f"Sperrmüllanmeldung drawn, published and linked in {actions} UI actions")
    assert actions <= MAX_ACTIONS, actions
    steps = {s["kind"] for s in design.latest_version().definition["steps"]}
    assert steps == {"fee", "task", "email", "end"}

    # A citizen applies on the form.
    page.goto("/online-dienste/sperrmuell-anmelden/")
    page.locator("#id_name").fill("Frank Mustermann")
    page.locator("#id_email").fill("frank.mustermann@kassel.de")
    page.locator("#id_adresse").fill("Obere Königsstraße 8, 34117 Kassel")
    page.locator("#id_gegenstaende").fill("Ein Sofa und zwei Stühle")
    next_step(page)
    page.get_by_role("button", name="Antrag absenden").click()
    number = page.get_by_test_id("case-number").inner_text()
    case = Case.objects.get(number=number)
    invoice = Invoice.objects.get(case=case)
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT

    # … and pays with the link in the invoice's e-mail.
    [mail_body] = [
        b for b in smtp_server.bodies_to("frank.mustermann@kassel.de") if invoice.reference in b
    ]
    pay_link = re.search(r"https?://\S+/bezahlen/[0-9a-f-]+/", mail_body).group(0)
    page.context.clear_cookies()
    page.goto(pay_link.split("/bezahlen/", 1)[1].join(["/bezahlen/", ""]))
    page.get_by_role("button", name=re.compile(r"Jetzt .* bezahlen")).click()
    page.get_by_role("button", name="Bezahlen (Demo)").click()
    expect(page.get_by_test_id("payment-result")).to_contain_text("ist eingegangen")
    page.context.clear_cookies()

    # The Bürgerservice's clerk plans the pickup; the confirmation names the date.
    take_from_queue(page, "sachbearbeitung", number)
    expect(page.locator("h1")).to_contain_text("Abholung einplanen")
    page.get_by_label("Abholtermin").fill("2027-01-15")
    page.get_by_label("Erledigt").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    bodies = smtp_server.bodies_to("frank.mustermann@kassel.de")
    assert any("15.01.2027" in b or "2027-01-15" in b for b in bodies)

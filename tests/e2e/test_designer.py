"""A designer builds a process from scratch in the admin, a form uses it, a citizen applies,
a clerk works the case to its end: the designer's whole journey in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from flows.designer.models import ProcessDesign
from portal_site.cases.models import Case, CaseStatus
from serviceportal.form_pages import ServiceFormPage
from tests.e2e.conftest import admin_login
from tests.e2e.portal_steps import send_mailbox_request, take_from_queue

ADD_STEP = "button[title='Einen Block einfügen']"


def add_step(page, kind: str) -> int:
    """Append a step of ``kind`` to the steps and return its index; it has an id at once."""
    before = int(page.locator("input[name='steps-count']").input_value())
    page.locator(ADD_STEP).last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    expect(page.locator(f"input[name='steps-{before}-value-id']")).to_be_visible()
    expect(page.locator(f"input[name='steps-{before}-value-id']")).not_to_have_value("")
    return before


def fill(page, index: int, **values) -> None:
    """Fill a step's fields; a next-step field is picked from its list of steps."""
    for name, value in values.items():
        picker = page.locator(f"select[data-picks='steps-{index}-value-{name}']")
        if picker.count():
            picker.select_option(value)
            continue
        field = page.locator(f"[name='steps-{index}-value-{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_a_designer_builds_publishes_and_a_citizen_runs_a_new_process(page, smtp_server):
    admin_login(page, "administration")
    page.goto("/admin/prozesse/new/")
    page.locator("input[name='name']").fill("Sperrmüll-Termin")
    page.locator("input[name='key']").fill("sperrmuell-termin")
    page.get_by_role("button", name="Organisationseinheit auswählen").click()
    page.locator(".modal").get_by_role("link", name="Bürgerservice", exact=True).click()
    expect(page.locator("#id_office")).not_to_have_value("")

    task = add_step(page, "Aufgabe")
    fill(page, task, id="pruefen", title="Abholtermin prüfen")
    fill(
        page, task, **{"decisions-0-value-value": "frei", "decisions-0-value-label": "Termin frei"}
    )
    page.locator("button[title='Hinzufügen']").last.click()  # a second decision option
    fill(page, task, **{"decisions-1-value-value": "belegt", "decisions-1-value-label": "Belegt"})

    branch = add_step(page, "Verzweigung")
    mail = add_step(page, "E-Mail")
    fill(page, add_step(page, "Ende"), id="ende", outcome="completed")
    fill(page, add_step(page, "Ende"), id="abgelehnt", outcome="rejected")
    fill(page, mail, id="zusage", to="applicant", subject="Ihr Abholtermin ")
    # Placeholders are picked from the menu beside the text, not typed by heart.
    page.locator("select[data-inserts-into$='-value-subject']").last.select_option("case_number")
    body = page.locator(f"[name='steps-{mail}-value-body']")
    body.fill("Guten Tag , der Sperrmüll wird abgeholt.")
    body.evaluate("b => b.setSelectionRange(10, 10)")
    page.locator("select[data-inserts-into$='-value-body']").last.select_option("applicant_name")
    expect(page.locator(f"[name='steps-{mail}-value-subject']")).to_have_value(
        "Ihr Abholtermin {case_number}"
    )
    # Next steps are picked from the draft's steps (named by their title).
    fill(page, mail, next="ende")
    fill(
        page,
        branch,
        id="welcher_termin",
        default="zusage",
        **{
            "conditions-0-value-source": "decision:pruefen",
            "conditions-0-value-operator": "equals",
            "conditions-0-value-value": "belegt",
            "conditions-0-value-next": "abgelehnt",
        },
    )
    fill(page, task, next="welcher_termin")
    # The diagram above the panels follows the draft before it is saved.
    expect(page.locator("#designer-diagram [data-status]")).to_contain_text(
        "besteht die Prüfung", timeout=10_000
    )
    page.get_by_role("button", name="Erstellen").click()
    expect(page.locator("body")).to_contain_text("Sperrmüll-Termin")

    design = ProcessDesign.objects.get(key="sperrmuell-termin")
    page.goto(f"/admin/prozesse/{design.pk}/veroeffentlichen/")
    page.get_by_role("button", name="Entwurf als neue Version veröffentlichen").click()
    expect(page.locator("body")).to_contain_text("Version 1")

    # The editor links the mailbox form to the new process.
    form = ServiceFormPage.objects.get(locale__language_code="de", slug="briefkasten")
    page.goto(f"/admin/pages/{form.pk}/edit/")
    page.get_by_role("tab", name="Einstellungen").click()
    page.locator("select[name='process_key']").select_option("gestaltet-sperrmuell-termin")
    page.locator("button[data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator("body")).to_contain_text("veröffentlicht")
    page.context.clear_cookies()

    # A citizen applies; the Bürgerservice's clerk takes the task and decides.
    number = send_mailbox_request(page, "Bitte holen Sie einen Schrank ab.")
    take_from_queue(page, "sachbearbeitung", number)
    expect(page.locator("body")).to_contain_text("Abholtermin prüfen")
    page.get_by_label("Termin frei").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.COMPLETED
    bodies = smtp_server.bodies_to("frank.mustermann@kassel.de")
    assert any("Guten Tag Frank" in b and "der Sperrmüll wird abgeholt" in b for b in bodies)


def test_the_designer_pages_have_no_serious_accessibility_violations(page):
    """The library, the import page and the edit form with its pickers (axe); the
    context is the page's own content, as Wagtail's frame is Wagtail's."""
    from tests.e2e.test_portal_smoke import serious_violations

    admin_login(page, "prozessgestaltung")
    page.goto("/admin/prozessbibliothek/")
    expect(page.get_by_role("button", name="Als Vorlage verwenden").first).to_be_visible()
    assert serious_violations(page, context="main") == []
    page.goto("/admin/prozesse/importieren/")
    assert serious_violations(page, context="main") == []
    design = ProcessDesign.objects.get(key="sperrmuell")
    page.goto(f"/admin/prozesse/edit/{design.pk}/")
    expect(page.locator("select[data-picks$='-value-next']").first).to_be_visible()
    expect(page.locator("select[data-inserts-into$='-value-body']").first).to_be_attached()
    assert serious_violations(page, context="main") == []

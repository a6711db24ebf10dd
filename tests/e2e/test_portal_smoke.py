from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import admin_login
from tests.e2e.portal_steps import shown


def test_citizen_finds_a_service_from_the_home_page(page):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Serviceportal Stadt Kassel")
    page.get_by_role("link", name="Personenstandsurkunden anfordern").first.click()
    expect(page.locator("h1")).to_have_text(shown("Personenstandsurkunden anfordern"))
    expect(page.get_by_text("10,00 € für die erste Urkunde")).to_be_visible()


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_editor_logs_into_the_admin(page):
    admin_login(page, "redaktion")
    expect(page.locator("body")).to_contain_text("Erika")


def serious_violations(page, context=None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_portal_pages_have_no_serious_accessibility_violations(page):
    for path in ["/", "/online-dienste/", "/online-dienste/personenstandsurkunden/", "/kontakt/"]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_accessibility_check_sees_a_real_violation(page):
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text id=unlabelled>')"
    )
    assert any(v.startswith("label ") for v in serious_violations(page))


def test_an_editor_gets_a_german_slug_for_a_title_with_umlauts(page):
    from serviceportal.models import HomePage

    admin_login(page, "redaktion")
    home = HomePage.objects.get(locale__language_code="de")
    page.goto(f"/admin/pages/add/serviceportal/contentpage/{home.pk}/")
    page.locator("#id_title").fill("Sperrmüll und Größe")
    page.locator("#id_title").blur()
    expect(page.locator("#id_slug")).to_have_value("sperrmuell-und-groesse")


def test_the_admins_date_picker_speaks_german(page):
    """The scheduling fields of the page editor use jquery.datetimepicker, whose
    button Wagtail leaves English ("Save Selected")."""
    from serviceportal.models import HomePage

    admin_login(page, "redaktion")
    page.goto(f"/admin/pages/{HomePage.objects.get(locale__language_code='de').pk}/edit/")
    buttons = page.locator(".xdsoft_save_selected")
    expect(buttons.first).to_be_attached()
    assert set(buttons.all_text_contents()) == {"Auswahl übernehmen"}


def test_the_form_builder_shows_a_field_only_its_types_options_and_picks_conditions(page):
    """The certificate form in the editor: a number field offers minimum and maximum,
    no choices; a step's condition is chosen from the earlier steps' fields and their
    choices (serviceportal/static/serviceportal/js/form-builder.js)."""
    from serviceportal.form_pages import ServiceFormPage

    form = ServiceFormPage.objects.get(
        locale__language_code="de", slug="personenstandsurkunden-anfordern"
    )
    admin_login(page, "redaktion")
    # the editor of a long form is heavy: give it time on a busy CI machine
    page.goto(f"/admin/pages/{form.pk}/edit/", wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_selector("select[name$='-field_type']", state="attached", timeout=90_000)
    shown_options = page.evaluate(
        """() => {
          const select = document.querySelector("select[name$='-field_type']");
          const struct = select.closest("[data-contentpath='field_type']").parentElement;
          const visible = (name) => {
            const child = [...struct.children].find(c => c.dataset.contentpath === name);
            return child ? !child.hidden : null;
          };
          const rule = (name) => !struct.querySelector(
            "[data-contentpath='rules'] [data-contentpath='" + name + "']").hidden;
          select.value = "number";
          select.dispatchEvent(new Event("change", {bubbles: true}));
          const number = {choices: visible("choices"), placeholder: visible("placeholder"),
                          minimum: rule("minimum"), pattern: rule("pattern")};
          select.value = "radio";
          select.dispatchEvent(new Event("change", {bubbles: true}));
          const radio = {choices: visible("choices"), placeholder: visible("placeholder"),
                         rules: visible("rules"), file_types: visible("file_types")};
          return {number, radio};
        }"""
    )
    assert shown_options == {
        "number": {"choices": False, "placeholder": True, "minimum": True, "pattern": False},
        "radio": {"choices": True, "placeholder": False, "rules": False, "file_types": False},
    }
    picked = page.evaluate(
        """() => {
          const input = [...document.querySelectorAll("input[name$='-value-condition-field']")]
            .find(i => i.value === "urkundenart");
          const picker = document.getElementById(input.id + "-picker");
          picker.dispatchEvent(new Event("focus"));
          const offered = [...picker.options].map(o => o.value);
          const values = document.querySelector(
            "[name='" + input.name.replace(/-field$/, "-values") + "']");
          const boxes = [...values.parentElement.querySelectorAll(".condition-values input")];
          const before = boxes.filter(b => b.checked).map(b => b.value);
          const other = boxes.find(b => !b.checked);
          other.click();
          return {hidden: input.hidden, selected: picker.value, offered, before,
                  boxes: boxes.map(b => b.value), after: values.value};
        }"""
    )
    assert picked["hidden"] and picked["selected"] == "urkundenart"
    assert "" in picked["offered"] and "vorname" in picked["offered"]
    assert set(picked["boxes"]) >= {"Geburtsurkunde", "Sterbeurkunde"}
    assert len(picked["before"]) == 1 and picked["after"].startswith(picked["before"][0] + ", ")


def test_the_new_portal_pages_have_no_serious_accessibility_violations(page):
    """Mein Konto (request and list), and a form's "save and continue later" step."""
    page.goto("/konto/")
    assert serious_violations(page) == []
    page.goto("/online-dienste/personenstandsurkunden-anfordern/")
    page.get_by_role("button", name="Zwischenspeichern und später fortsetzen").click()
    expect(page.locator("h2").first).to_have_text("Zwischenspeichern und später fortsetzen")
    assert serious_violations(page) == []
    page.goto("/en/konto/")
    assert serious_violations(page) == []


def test_the_new_admin_pages_have_no_serious_accessibility_violations(page):
    admin_login(page, "sachbearbeitung")
    for path in ["/admin/aufgaben/", "/admin/auswertung/"]:
        page.goto(path)
        assert serious_violations(page, context="main") == [], path

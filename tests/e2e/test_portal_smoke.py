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
    home = HomePage.objects.get()
    page.goto(f"/admin/pages/add/serviceportal/contentpage/{home.pk}/")
    page.locator("#id_title").fill("Sperrmüll und Größe")
    page.locator("#id_title").blur()
    expect(page.locator("#id_slug")).to_have_value("sperrmuell-und-groesse")


def test_the_admins_date_picker_speaks_german(page):
    """The scheduling fields of the page editor use jquery.datetimepicker, whose
    button Wagtail leaves English ("Save Selected")."""
    from serviceportal.models import HomePage

    admin_login(page, "redaktion")
    page.goto(f"/admin/pages/{HomePage.objects.get().pk}/edit/")
    buttons = page.locator(".xdsoft_save_selected")
    expect(buttons.first).to_be_attached()
    assert set(buttons.all_text_contents()) == {"Auswahl übernehmen"}

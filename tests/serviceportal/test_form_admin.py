from __future__ import annotations

import pytest
from wagtail.models import Page

from portal_site.core.demo import DEMO_PASSWORD
from portal_site.processes import register_process
from serviceportal.form_pages import ServiceFormPage

pytestmark = pytest.mark.django_db
EMPTY_RICHTEXT = '{"blocks": [], "entityMap": {}}'


FIELD = "steps-0-value-fields-0-value-"
EMAIL = "steps-0-value-fields-1-value-"
BLANK = (
    *("name", "help_text", "default_value", "placeholder", "choices"),
    *("catalogue", "max_size_mb", "applicant_role", "process_input"),
    *("condition-field", "condition-values"),
)


def _no_start(**kwargs) -> None:
    """The start of a test-only process (one function: registering it again is harmless)."""


def form_page_data(*, process_key: str, label: str, **overrides: str) -> dict[str, str]:
    """The page editor's POST for a published form "Hundesteuer anmelden" of one step with
    one required single-line field ``label`` and the applicant's e-mail; ``overrides`` by form
    field name."""
    data = {
        "title": "Hundesteuer anmelden",
        "slug": "hundesteuer",
        "intro": EMPTY_RICHTEXT,
        "steps-count": "1",
        "steps-0-type": "step",
        "steps-0-deleted": "",
        "steps-0-order": "0",
        "steps-0-value-title": "Halterdaten",
        "steps-0-value-intro": "",
        "steps-0-value-condition-field": "",
        "steps-0-value-condition-values": "",
        "steps-0-value-fields-count": "2",
        "steps-0-value-fields-0-deleted": "",
        "steps-0-value-fields-0-order": "0",
        **{f"{FIELD}{name}": "" for name in BLANK},
        f"{FIELD}label": label,
        f"{FIELD}field_type": "singleline",
        f"{FIELD}required": "on",
        # the applicant's e-mail, which identification "anyone" needs
        **{f"{EMAIL}{name}": "" for name in BLANK},
        "steps-0-value-fields-1-deleted": "",
        "steps-0-value-fields-1-order": "1",
        f"{EMAIL}label": "E-Mail",
        f"{EMAIL}field_type": "email",
        f"{EMAIL}required": "on",
        f"{EMAIL}applicant_role": "email",
        "process_key": process_key,
        "office": "",
        "case_title": "",
        "identification": "anyone",
        "confirmation_text": EMPTY_RICHTEXT,
        "confirmation_email_subject": "Eingang {case_number}",
        "confirmation_email_body": "Danke",
        "action-publish": "publish",
    }
    return data | overrides


@pytest.fixture
def editor(client, demo):
    client.login(username="redaktion", password=DEMO_PASSWORD)
    return client


def test_editor_opens_a_demo_form_in_the_page_editor(editor):
    page = ServiceFormPage.objects.get(
        locale__language_code="de", slug="personenstandsurkunden-anfordern"
    )
    response = editor.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "Angaben zur Geburtsurkunde" in response.content.decode()


def test_editor_creates_a_form_choosing_a_registered_process(editor):
    register_process(key="demo_process", label="Demo-Prozess", start=_no_start)
    index = Page.objects.get(locale__language_code="de", slug="online-dienste")
    add_url = f"/admin/pages/add/serviceportal/serviceformpage/{index.pk}/"
    form_page = editor.get(add_url)
    assert form_page.status_code == 200
    assert "Demo-Prozess" in form_page.content.decode()
    data = form_page_data(
        process_key="demo_process",
        label="Name",
        **{f"{FIELD}applicant_role": "full_name"},
    )
    response = editor.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceFormPage.objects.get(locale__language_code="de", slug="hundesteuer")
    assert page.process_key == "demo_process"
    assert [f.name for f in page.get_latest_revision_as_object().all_fields()] == ["name", "e_mail"]


def test_a_form_is_published_only_as_the_online_application_of_a_service(editor):
    """service_catalogue.refuse_unlisted_form: without a service page naming it, the
    form stays a draft and the editor is told what to do; with one it goes live."""
    from serviceportal.models import ServicePage

    index = Page.objects.get(locale__language_code="de", slug="online-dienste")
    add_url = f"/admin/pages/add/serviceportal/serviceformpage/{index.pk}/"
    data = form_page_data(process_key="generic", label="Name")
    response = editor.post(add_url, data, follow=True)
    assert "gehört zu keiner Leistung des Katalogs" in response.content.decode()
    form = ServiceFormPage.objects.get(locale__language_code="de", slug="hundesteuer")
    assert not form.live
    service = ServicePage.objects.live().get(
        locale__language_code="de", slug="auskunft-eheschliessung"
    )
    service.online_link = form
    service.save_revision().publish()
    response = editor.post(f"/admin/pages/{form.pk}/edit/", data, follow=True)
    assert "gehört zu keiner Leistung" not in response.content.decode()
    form.refresh_from_db()
    assert form.live


def test_a_published_form_no_page_links_to_is_listed_on_the_dashboard(editor):
    """Forms published before the catalogue (or by code) without a link are listed."""
    from serviceportal.form_links import unlinked_forms
    from serviceportal.models import ServicePage
    from tests.serviceportal.builders import make_form

    form = make_form(slug="hundesteuer", process_key="generic")  # published by code
    assert form in unlinked_forms()
    panel = editor.get("/admin/").content.decode().split("Veröffentlichte Formulare ohne Verweis")
    assert len(panel) == 2 and "Testformular" in panel[-1].split("</section>")[0]
    service = ServicePage.objects.live().filter(locale__language_code="de").first()
    service.online_link = form
    service.save_revision().publish()
    assert form not in unlinked_forms()
    panel = editor.get("/admin/").content.decode().split("Veröffentlichte Formulare ohne Verweis")
    assert "Testformular" not in panel[-1].split("</section>")[0]


def test_a_form_linked_from_a_page_text_counts_as_linked(editor):
    from serviceportal.form_links import unlinked_forms
    from serviceportal.models import ContentPage, ServicePage

    form = ServiceFormPage.objects.get(
        locale__language_code="de", title="Trauinfo: Auskunft zur Eheschließung"
    )
    service = ServicePage.objects.get(locale__language_code="de", slug="auskunft-eheschliessung")
    service.online_link = None
    service.save_revision().publish()
    assert form in unlinked_forms()
    page = ContentPage.objects.live().filter(locale__language_code="de").first()
    page.body = [("paragraph", f'<p><a linktype="page" id="{form.pk}">Antrag</a></p>')]
    page.save_revision().publish()  # the reference index is updated by a task (immediate here)
    assert form not in unlinked_forms()


def test_one_menu_holds_the_submissions_catalogues_and_organisations(client, demo):
    client.login(username="administration", password=DEMO_PASSWORD)  # sees both
    home = client.get("/admin/").content.decode()
    assert '"name": "forms"' not in home
    menu = home[home.index('"name": "online-forms"') :]
    menu = menu[: menu.index('"wagtail.sidebar.SubMenuItem"')]
    for name in ("submissions", "kataloge", "organisationen"):
        assert f'"name": "{name}"' in menu


def test_saving_a_field_clears_the_options_of_other_types(editor):
    register_process(key="demo_process", label="Demo-Prozess", start=_no_start)
    index = Page.objects.get(locale__language_code="de", slug="online-dienste")
    data = form_page_data(
        process_key="demo_process",
        label="Anzahl",
        **{
            f"{FIELD}field_type": "number",
            f"{FIELD}choices": "eins\nzwei",  # typed before the type was changed: not kept
            f"{FIELD}rules-minimum": "1",
            f"{FIELD}rules-pattern": "postcode_de",  # a hidden text rule: no error, cleared
        },
    )
    response = editor.post(f"/admin/pages/add/serviceportal/serviceformpage/{index.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    field = (
        ServiceFormPage.objects.get(locale__language_code="de", slug="hundesteuer")
        .steps[0]
        .value["fields"][0]
    )
    assert field["choices"] == "" and field["rules"]["pattern"] == ""
    assert field["rules"]["minimum"] == 1

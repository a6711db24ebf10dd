from __future__ import annotations

import pytest
from wagtail.models import Page

from portal_site.core.demo import DEMO_PASSWORD
from portal_site.processes import register_process
from serviceportal.form_pages import ServiceFormPage

pytestmark = pytest.mark.django_db
EMPTY_RICHTEXT = '{"blocks": [], "entityMap": {}}'


FIELD = "steps-0-value-fields-0-value-"


def form_page_data(*, process_key: str, label: str, **overrides: str) -> dict[str, str]:
    """The page editor's POST for a published form "Hundesteuer anmelden" of one step with
    one required single-line field ``label``; ``overrides`` by form field name."""
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
        "steps-0-value-fields-count": "1",
        "steps-0-value-fields-0-deleted": "",
        "steps-0-value-fields-0-order": "0",
        **{
            f"{FIELD}{name}": ""
            for name in (
                *("name", "help_text", "default_value", "placeholder", "choices"),
                *("catalogue", "max_size_mb", "applicant_role", "process_input"),
                *("condition-field", "condition-values"),
            )
        },
        f"{FIELD}label": label,
        f"{FIELD}field_type": "singleline",
        f"{FIELD}required": "on",
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
    page = ServiceFormPage.objects.get(slug="personenstandsurkunden-anfordern")
    response = editor.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "Angaben zur Geburtsurkunde" in response.content.decode()


def test_editor_creates_a_form_choosing_a_registered_process(editor):
    register_process(key="demo_process", label="Demo-Prozess", start=lambda **kw: None)
    index = Page.objects.get(slug="online-dienste")
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
    page = ServiceFormPage.objects.get(slug="hundesteuer")
    assert page.process_key == "demo_process"
    assert page.live
    assert [f.name for f in page.all_fields()] == ["name"]

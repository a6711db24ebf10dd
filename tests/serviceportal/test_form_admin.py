from __future__ import annotations

import pytest
from wagtail.models import Page

from portal_site.core.demo import DEMO_PASSWORD
from portal_site.processes import register_process
from serviceportal.form_pages import ServiceFormPage

pytestmark = pytest.mark.django_db
EMPTY_RICHTEXT = '{"blocks": [], "entityMap": {}}'


@pytest.fixture
def editor(client, demo):
    client.login(username="redaktion", password=DEMO_PASSWORD)
    return client


def test_editor_opens_a_demo_form_in_the_page_editor(editor):
    page = ServiceFormPage.objects.get(slug="personenstandsunterlagen-anfordern")
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
        "steps-0-value-fields-0-value-label": "Name",
        "steps-0-value-fields-0-value-name": "",
        "steps-0-value-fields-0-value-field_type": "singleline",
        "steps-0-value-fields-0-value-required": "on",
        "steps-0-value-fields-0-value-help_text": "",
        "steps-0-value-fields-0-value-default_value": "",
        "steps-0-value-fields-0-value-placeholder": "",
        "steps-0-value-fields-0-value-choices": "",
        "steps-0-value-fields-0-value-catalogue": "",
        "steps-0-value-fields-0-value-max_size_mb": "",
        "steps-0-value-fields-0-value-applicant_role": "full_name",
        "steps-0-value-fields-0-value-condition-field": "",
        "steps-0-value-fields-0-value-condition-values": "",
        "process_key": "demo_process",
        "office": "",
        "case_title": "",
        "identification": "anyone",
        "confirmation_text": EMPTY_RICHTEXT,
        "confirmation_email_subject": "Eingang {case_number}",
        "confirmation_email_body": "Danke",
        "action-publish": "publish",
    }
    response = editor.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceFormPage.objects.get(slug="hundesteuer")
    assert page.process_key == "demo_process"
    assert page.live
    assert [f.name for f in page.all_fields()] == ["name"]

"""No empty application gets in: a step of optional fields is shown, not skipped; the
summary is reachable only after every step; the server refuses what the identification
and the process need and the application lacks."""

from __future__ import annotations

import pytest

from portal_site.cases.models import Case
from serviceportal.demo_forms import f, step
from serviceportal.form_definition import FieldBlock
from tests.serviceportal.builders import Applicant, make_form

pytestmark = pytest.mark.django_db


def optional_steps():
    return [
        step(
            "Antragstellerdaten",
            [
                f("Name", name="name", role="full_name", required=False),
                f("E-Mail", "email", name="email", role="email", required=False),
            ],
        ),
        step("Anliegen", [f("Ihr Anliegen", name="anliegen", required=False)]),
    ]


def test_a_fresh_visitor_of_an_all_optional_form_starts_at_step_one(demo, client):
    page = make_form(steps=optional_steps(), slug="alles-optional", saved_before_the_rules=True)
    body = client.get(page.url).content.decode()
    assert 'name="name"' in body and 'value="submit"' not in body  # step 1, no send button
    applicant = Applicant(client, page)
    assert applicant.position() != "summary"
    refused = applicant.submit()  # straight to sending: refused, nothing made
    assert refused.status_code in (200, 302) and not Case.objects.exists()


def test_an_empty_application_is_refused_with_what_is_missing(demo, client):
    page = make_form(steps=optional_steps(), slug="alles-optional", saved_before_the_rules=True)
    applicant = Applicant(client, page)
    applicant.next({})
    applicant.next({})
    assert applicant.position() == "summary"  # every step was shown
    response = applicant.submit()
    assert not Case.objects.exists()
    page_text = client.get(page.url).content.decode()
    assert "E-Mail-Adresse" in page_text
    # with the address it goes
    applicant.back()
    applicant.back()
    applicant.next({"name": "Erika Muster", "email": "erika@example.org"})
    applicant.next({})
    applicant.submit()
    assert Case.objects.get().applicant_email == "erika@example.org"
    assert response.status_code in (200, 302)


def test_a_required_process_input_left_empty_is_refused_naming_the_field(demo, client):
    """Trauinfo needs the nationality; the editor left its field optional."""
    steps = [
        step(
            "Antragstellerdaten",
            [
                f("Name", name="name", role="full_name"),
                f("E-Mail", "email", name="email", role="email"),
                f(
                    "Staatsangehörigkeit der Verlobten",
                    "radio",
                    name="staatsangehoerigkeit",
                    choices=["beide deutsch", "andere"],
                    required=False,
                ),
            ],
        )
    ]
    page = make_form(
        steps=steps, slug="trauung", process_key="gestaltet-trauinfo", saved_before_the_rules=True
    )
    applicant = Applicant(client, page)
    applicant.next({"name": "Erika Muster", "email": "erika@example.org"})
    applicant.submit()
    assert not Case.objects.filter(process_key="gestaltet-trauinfo").exists()
    assert "Staatsangehörigkeit der Verlobten" in client.get(page.url).content.decode()
    applicant.back()
    applicant.next(
        {"name": "Erika Muster", "email": "erika@example.org", "staatsangehoerigkeit": "andere"}
    )
    applicant.submit()
    assert Case.objects.filter(process_key="gestaltet-trauinfo").exists()


def test_a_new_field_is_required_unless_the_editor_unticks_it():
    assert FieldBlock().child_blocks["required"].get_default() is True


def test_saving_a_form_whose_e_mail_is_optional_or_missing_is_refused(demo):
    """Identification "anyone, with an e-mail address": the editor is told which field."""
    from django.core.exceptions import ValidationError

    from serviceportal.form_pages import ServiceFormPage

    optional_email = [
        step("Daten", [f("E-Mail", "email", name="email", role="email", required=False)])
    ]
    page = ServiceFormPage(title="Probe", slug="probe", steps=optional_email)
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert "das Feld „E-Mail“ ist optional" in str(refused.value)
    page.steps = [step("Daten", [f("Name", name="name", role="full_name")])]
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert "braucht ein Feld für die E-Mail" in str(refused.value)
    page.steps = [step("Daten", [f("E-Mail", "email", name="email", role="email")])]
    page.clean()


def test_saving_a_form_whose_required_input_comes_from_an_optional_field_is_refused(demo):
    from django.core.exceptions import ValidationError

    from serviceportal.form_pages import ServiceFormPage

    fields = [
        f("E-Mail", "email", name="email", role="email"),
        f(
            "Staatsangehörigkeit der Verlobten",
            "radio",
            name="staatsangehoerigkeit",
            choices=["beide deutsch", "andere"],
            required=False,
        ),
    ]
    page = ServiceFormPage(
        title="Trauung", slug="trauung", process_key="gestaltet-trauinfo", steps=[step("A", fields)]
    )
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert "das Feld „Staatsangehörigkeit der Verlobten“, das sie liefert, ist optional" in str(
        refused.value
    )

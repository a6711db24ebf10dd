"""A clerk corrects an applicant's answer: checked like in the form, the old value kept."""

from __future__ import annotations

import pytest

from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.erasure import erase_personal_data
from portal_site.cases.models import TimelineEntry
from serviceportal.form_pages import ServiceFormPage
from tests.factories import case_for
from tests.shop.helpers import SEED_VALUES, inputs_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stuck_case(demo):
    """A certificate order that came in with 2.5 copies (before the form had its rules)."""
    page = ServiceFormPage.objects.get(
        locale__language_code="de", slug="personenstandsurkunden-anfordern"
    )
    values = {**SEED_VALUES, "geburt_anzahl": "2.5"}
    case = case_for(
        "civil_status_certificate",
        office=OrgUnit.objects.get(short_name="34"),
        values=values,
        inputs=inputs_for(values),
        applicant_name="Frank Mustermann",
        applicant_email="frank.mustermann@kassel.de",
    )
    case.data = {
        **case.data,
        "form": {"page_id": page.pk, "title": page.title},
        "answers": [{"name": "geburt_anzahl", "label": "Anzahl", "value": "2,5"}],
    }
    case.save()
    return case


def correct(client, case, field, value, follow=True):
    return client.post(
        f"/admin/vorgaenge/{case.number}/",
        {"action": "correct", "correct-field": field, "correct-value": value},
        follow=follow,
    )


def test_a_clerk_corrects_an_answer_checked_like_in_the_form(stuck_case, client):
    client.force_login(User.objects.get(username="standesamt"))
    page = client.get(f"/admin/vorgaenge/{stuck_case.number}/").content.decode()
    assert "Angabe korrigieren" in page
    refused = correct(client, stuck_case, "geburt_anzahl", "25").content.decode()
    assert "kleiner oder gleich 20" in refused
    correct(client, stuck_case, "geburt_anzahl", "3")
    stuck_case.refresh_from_db()
    assert stuck_case.data["values"]["geburt_anzahl"] == "3"
    assert stuck_case.data["inputs"]["anzahl"] == "3"
    assert stuck_case.data["answers"][0]["value"] == "3"
    entry = stuck_case.timeline.get(kind=TimelineEntry.Kind.NOTE)
    assert "von „2.5“ auf „3“" in entry.message.replace("2,5", "2.5")
    assert entry.actor.username == "standesamt"

    erase_personal_data(case=stuck_case, reason="Test")
    entry = TimelineEntry.objects.get(pk=entry.pk)
    assert "2.5" not in entry.message and "2,5" not in entry.message


def test_other_offices_cannot_correct_and_unknown_fields_are_refused(stuck_case, client):
    client.force_login(User.objects.get(username="stadtarchiv"))
    assert correct(client, stuck_case, "geburt_anzahl", "3", follow=False).status_code in (302, 403)
    client.force_login(User.objects.get(username="standesamt"))
    response = correct(client, stuck_case, "gibt_es_nicht", "3").content.decode()
    assert "keine gültige Auswahl" in response or "Auswahl" in response
    stuck_case.refresh_from_db()
    assert stuck_case.data["values"]["geburt_anzahl"] == "2.5"

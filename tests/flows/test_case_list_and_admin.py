from __future__ import annotations

import pytest

from portal_site.accounts.models import OrgUnit
from portal_site.cases.services import open_case
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _case(office_short: str, name: str):
    return open_case(
        process_key="generic",
        title="Anfrage",
        data={},
        applicant_name=name,
        office=OrgUnit.objects.get(short_name=office_short),
    )


def test_case_list_shows_only_the_own_office_and_searches_and_filters(demo, client):
    mine = _case("Bürgerservice", "Frank Mustermann")
    other = _case("34", "Erika Beispiel")
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    listing = client.get("/admin/vorgangsliste/").content.decode()
    assert mine.number in listing and other.number not in listing
    assert "Erika Beispiel" not in listing
    found = client.get("/admin/vorgangsliste/", {"q": "Mustermann"}).content.decode()
    assert mine.number in found
    none = client.get("/admin/vorgangsliste/", {"status": "completed"}).content.decode()
    assert mine.number not in none
    client.logout()
    client.login(username="administration", password=DEMO_PASSWORD)
    everything = client.get("/admin/vorgangsliste/").content.decode()
    assert mine.number in everything and other.number in everything


def test_nobody_creates_or_edits_cases_by_hand(demo, client):
    client.login(username="administration", password=DEMO_PASSWORD)
    assert client.get("/admin/vorgangsliste/new/", follow=True).redirect_chain[-1][0] == "/admin/"


def test_outbox_shows_failures_to_administrators_with_a_retry(
    demo, client, django_capture_on_commit_callbacks
):
    failed = OutboxMessage.objects.create(
        to=["a@example.org", "b@example.org"],
        subject="Eingangsbestätigung",
        body="x",
        status=OutboxMessage.Status.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected",
    )
    client.login(username="administration", password=DEMO_PASSWORD)
    listing = client.get("/admin/postausgang/").content.decode()
    assert (
        "SMTPServerDisconnected" in listing and f"/admin/postausgang/{failed.pk}/erneut/" in listing
    )
    assert "a@example.org, b@example.org" in listing and "[&#x27;a@example.org" not in listing
    details = client.get(f"/admin/postausgang/inspect/{failed.pk}/").content.decode()
    assert "a@example.org, b@example.org" in details
    confirm = client.get(f"/admin/postausgang/{failed.pk}/erneut/")
    assert confirm.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/postausgang/{failed.pk}/erneut/")
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT


def test_clerks_do_not_see_the_outbox(demo, client):
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    response = client.get("/admin/postausgang/", follow=True)
    assert response.redirect_chain and "keinen Zugang" in response.content.decode()


def test_org_units_and_employee_directory_are_maintained_in_the_admin(demo, client):
    client.login(username="administration", password=DEMO_PASSWORD)
    units = client.get("/admin/snippets/accounts/orgunit/").content.decode()
    assert "Standesamt" in units
    employees = client.get("/admin/snippets/accounts/employee/", {"q": "Mustermann"})
    assert "2001" in employees.content.decode()


def test_a_whole_case_number_finds_exactly_that_case_by_its_index(demo, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _case("Bürgerservice", "Frank Mustermann")
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        found = client.get("/admin/vorgangsliste/", {"q": first.number}).content.decode()
    assert first.number in found
    listing = [q["sql"] for q in queries.captured_queries if '"cases_case"."number"' in q["sql"]]
    assert any(f'"cases_case"."number" = \'{first.number}\'' in sql for sql in listing)
    assert not any("LIKE" in sql and first.number in sql for sql in listing)
    # part of a number still searches the text
    assert (
        first.number
        in client.get("/admin/vorgangsliste/", {"q": first.number[:5]}).content.decode()
    )

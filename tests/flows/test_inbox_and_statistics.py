"""The inbox for office life (columns, sorting, bulk claim and assign) and the case
statistics of the dashboard (open, overdue, finished per month, office and process)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from flows import selectors
from flows.statistics import by_office_and_process, cases_for, monthly
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import Case, CaseStatus
from tests.factories import case_for, city_staff
from tests.flows.test_generic_process import _clerk, _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lead(demo):
    user = User.objects.get(username="abteilungsleitung")
    OrgUnit.objects.filter(short_name="33").update(lead=user)
    return user


def _two_cases():
    first, second = _portal_case(), _portal_case()
    Case.objects.filter(pk=first.pk).update(
        due_date=date(2030, 1, 5), title="Laub im Hof", applicant_name="Zora Zander"
    )
    Case.objects.filter(pk=second.pk).update(
        due_date=date(2030, 1, 9), title="Baum am Weg", applicant_name="Anna Abel"
    )
    return first, second


def _numbers(page: str) -> list[str]:
    return re.findall(r"/admin/vorgaenge/([\d.]+)/", page)


def test_inbox_rows_show_subject_applicant_process_and_sort_by_any_column(demo, client):
    first, second = _two_cases()
    client.force_login(_clerk())
    page = client.get("/admin/aufgaben/").content.decode()
    for text in ("Laub im Hof", "Zora Zander", "Allgemeines Anliegen", "05.01.2030", "Betreff"):
        assert text in page
    assert _numbers(client.get("/admin/aufgaben/?sort=applicant").content.decode()) == [
        second.number,
        first.number,
    ]
    by_due = client.get("/admin/aufgaben/?sort=-due").content.decode()
    assert _numbers(by_due) == [second.number, first.number]
    assert 'aria-sort="descending"' in by_due
    assert _numbers(client.get("/admin/aufgaben/?sort=due").content.decode()) == [
        first.number,
        second.number,
    ]
    # an unknown key is the default order (newest task first), never an error
    assert client.get("/admin/aufgaben/?sort=%27%3Bdrop").status_code == 200


def test_bulk_claim_takes_every_selected_task(demo, client):
    _two_cases()
    clerk = _clerk()
    tasks = list(selectors.queue_tasks(user=clerk))
    client.force_login(clerk)
    response = client.post(
        "/admin/aufgaben/sammelaktion/",
        {"action": "claim", "task": [t.pk for t in tasks]},
        follow=True,
    )
    assert "Sie haben 2 Aufgaben übernommen." in response.content.decode()
    assert selectors.my_tasks(user=clerk).count() == 2
    again = client.post(
        "/admin/aufgaben/sammelaktion/", {"action": "claim", "task": [tasks[0].pk]}, follow=True
    ).content.decode()
    assert "bereits übernommen" in again  # said, not a crash


def test_bulk_assign_is_for_leads_and_within_their_offices(lead, client):
    _two_cases()
    clerk = _clerk()
    tasks = [t.pk for t in selectors.queue_tasks(user=clerk)]
    client.force_login(clerk)  # no lead: no assign control, and a forged post is refused
    assert "Ausgewählte Aufgaben zuweisen" not in client.get("/admin/aufgaben/").content.decode()
    refused = client.post(
        "/admin/aufgaben/sammelaktion/",
        {"action": "assign", "task": tasks, "user": clerk.pk},
        follow=True,
    ).content.decode()
    assert "Wählen Sie" in refused and selectors.my_tasks(user=clerk).count() == 0
    client.force_login(lead)
    assert "Ausgewählte Aufgaben zuweisen" in client.get("/admin/aufgaben/").content.decode()
    done = client.post(
        "/admin/aufgaben/sammelaktion/",
        {"action": "assign", "task": tasks, "user": clerk.pk},
        follow=True,
    ).content.decode()
    assert "2 Aufgaben an" in done
    assert selectors.my_tasks(user=clerk).count() == 2


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "claim"}, {"action": "delete", "task": "1"}, {"action": "claim", "task": "x"}],
)
def test_bulk_with_bad_input_says_so(demo, client, data):
    client.force_login(_clerk())
    response = client.post("/admin/aufgaben/sammelaktion/", data, follow=True)
    assert response.status_code == 200
    assert "Wählen Sie mindestens eine Aufgabe aus." in response.content.decode()


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=10)))


@pytest.fixture
def history(db):
    """Cases of two offices over three months (today: 15 March 2026)."""
    staff = city_staff()
    registry, citizens = staff["standesamt"].org_unit, staff["sachbearbeitung"].org_unit

    def case(office, key, received, *, due=None, closed=None, status=CaseStatus.IN_PROGRESS):
        made = case_for(key, office=office, values={}, inputs={})
        Case.objects.filter(pk=made.pk).update(
            received_at=_at(received),
            due_date=due,
            closed_at=_at(closed) if closed else None,
            status=status,
        )

    # January: two received, one finished in February; one still open, overdue since 31 Jan
    case(registry, "civil_status", date(2026, 1, 10), due=date(2026, 1, 31))
    case(
        registry,
        "civil_status",
        date(2026, 1, 20),
        closed=date(2026, 2, 3),
        status=CaseStatus.COMPLETED,
    )
    # February: one at the citizens' office, due in April
    case(citizens, "generic", date(2026, 2, 14), due=date(2026, 4, 1))
    # March: one received and rejected the same month
    case(registry, "civil_status", date(2026, 3, 2), closed=date(2026, 3, 4), status="rejected")
    return staff


def test_monthly_figures_count_received_finished_open_and_overdue(history):
    admin = history["administration"]
    months = monthly(cases_for(user=admin), today=date(2026, 3, 15), months=3)
    assert [m.first for m in months] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert [m.received for m in months] == [2, 1, 1]
    assert [m.finished for m in months] == [0, 1, 1]
    assert [m.open for m in months] == [2, 2, 2]
    assert [m.overdue for m in months] == [0, 1, 1]  # 31 Jan is not overdue on 31 Jan


def test_figures_per_office_and_process_and_only_of_visible_cases(history):
    today = date(2026, 3, 15)
    rows = by_office_and_process(cases_for(user=history["administration"]), today=today)
    assert [
        (r["office__name"], r["process_key"], r["open"], r["overdue"], r["finished"]) for r in rows
    ] == [
        ("Bürgerservice", "generic", 1, 0, 0),
        ("Standesamt", "civil_status", 1, 1, 1),
    ]
    registry_only = monthly(cases_for(user=history["standesamt"]), today=today, months=3)
    assert [m.received for m in registry_only] == [2, 0, 1]
    office = history["sachbearbeitung"].org_unit
    filtered = cases_for(user=history["administration"], office_id=office.pk)
    assert [m.received for m in monthly(filtered, today=today, months=3)] == [0, 1, 0]


def test_the_statistics_page_draws_the_chart_and_its_table(history, client):
    client.force_login(history["standesamt"])
    page = client.get("/admin/auswertung/").content.decode()
    assert "<polyline" in page and "Vorgänge pro Monat" in page
    assert "Standesamt" in page and "Bürgerservice" not in page.split("Je Dienststelle")[-1]
    for bad in ("?office=abc", "?process=%00", "?office=999999&process=civil_status"):
        assert client.get("/admin/auswertung/" + bad).status_code == 200
    client.force_login(User.objects.create_user("gast", is_staff=True))
    assert client.get("/admin/auswertung/").status_code in (302, 403)


def test_statistics_cost_two_statements_whatever_the_months(history, django_assert_max_num_queries):
    cases = cases_for(user=history["administration"])
    with django_assert_max_num_queries(2):
        monthly(cases, months=24)
        by_office_and_process(cases)


def test_overdue_link_and_dashboard(history, client):
    client.force_login(history["standesamt"])
    home = client.get("/admin/").content.decode()
    assert "/admin/auswertung/" in home and "?sort=due" in home


def test_dates_follow_the_language_of_the_users_admin(demo, client):
    from wagtail.users.models import UserProfile

    _two_cases()
    clerk = _clerk()
    client.force_login(clerk)
    assert "05.01.2030" in client.get("/admin/aufgaben/").content.decode()
    profile = UserProfile.get_for_user(clerk)
    profile.preferred_language = "en"
    profile.save()
    english = client.get("/admin/aufgaben/").content.decode()
    # day month year in English too: never the US-style 01/05/2030
    assert "5 January 2030" in english and "05.01.2030" not in english
    assert "01/05/2030" not in english

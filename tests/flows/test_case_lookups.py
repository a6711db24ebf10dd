"""The workspace finds a case's tasks through the process artifact, and counts in SQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flows import selectors
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import Case
from portal_site.cases.services import open_case
from portal_site.processes import start_process

pytestmark = pytest.mark.django_db


def _queued_case(office: str = "Bürgerservice", *, due_in_days: int | None = None) -> Case:
    case = open_case(
        process_key="generic",
        title="Anfrage",
        data={},
        applicant_name="Frank Mustermann",
        office=OrgUnit.objects.get(short_name=office),
    )
    start_process(key="generic", case=case)
    if due_in_days is not None:
        case.due_date = timezone.localdate() + datetime.timedelta(days=due_in_days)
        case.save(update_fields=["due_date"])
    return case


def _forget_case_id_in_process_data(case: Case) -> None:
    task = selectors.open_task_for_case(case=case)
    task.process.data = {}
    task.process.save(update_fields=["data"])


def test_the_open_task_and_the_queue_are_found_through_the_artifact_not_the_process_data(staff):
    case = _queued_case()
    task = selectors.open_task_for_case(case=case)
    _forget_case_id_in_process_data(case)
    assert selectors.open_task_for_case(case=case) == task
    clerk = User.objects.get(username="sachbearbeitung")
    queue = list(selectors.queue_tasks(user=clerk))
    assert task in queue
    rows = list(selectors.inbox_tasks(selectors.queue_tasks(user=clerk)))
    [row] = [r for r in rows if r["pk"] == task.pk]
    assert row["total"] == len(queue) and int(row["case_pk"]) == case.pk
    assert selectors.cases_for_tasks([row["case_pk"]])[case.pk]["number"] == case.number


def test_the_queue_keeps_other_offices_out(staff):
    other = _queued_case("34")
    clerk = User.objects.get(username="sachbearbeitung")
    assert selectors.open_task_for_case(case=other) not in selectors.queue_tasks(user=clerk)


def test_overdue_counts_cases_past_due_in_one_query_however_many(staff):
    clerk = User.objects.get(username="sachbearbeitung")
    before = selectors.overdue_count(user=clerk)
    _queued_case(due_in_days=-1)
    _queued_case(due_in_days=3)  # not yet due
    _queued_case("34", due_in_days=-2)  # another office's queue
    with CaptureQueriesContext(connection) as few:
        assert selectors.overdue_count(user=clerk) == before + 1
    for _ in range(5):
        _queued_case(due_in_days=-1)
    with CaptureQueriesContext(connection) as many:
        assert selectors.overdue_count(user=clerk) == before + 6
    # the office ids, the user's roles (queues routed to a role), then one COUNT: no task
    # or case row is loaded to count in Python
    assert len(many) == len(few) == 3
    assert "COUNT(" in few.captured_queries[-1]["sql"].upper()


def test_the_inbox_shows_fifty_tasks_a_page_with_the_same_queries_on_every_page(demo, client):
    from portal_site.core.demo import DEMO_PASSWORD

    cases = [_queued_case() for _ in range(53)]
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    with CaptureQueriesContext(connection) as first_page:
        page = client.get("/admin/aufgaben/").content.decode()
    newest, oldest = cases[-1], cases[0]
    assert newest.number in page and oldest.number not in page
    assert "Seite 1 von 2 (53 Aufgaben)" in page
    assert "Anliegen bearbeiten" in page  # the task's title, resolved from its node
    task = selectors.open_task_for_case(case=newest)
    assert f'href="/admin/vorgaenge/{newest.number}/"' in page
    assert f'action="/admin/aufgaben/{task.pk}/uebernehmen/"' in page
    with CaptureQueriesContext(connection) as second_page:
        page = client.get("/admin/aufgaben/", {"eingang": "2"}).content.decode()
    assert oldest.number in page and newest.number not in page
    assert "Seite 2 von 2" in page
    # a page beyond the end shows the last one, garbage shows the first
    assert oldest.number in client.get("/admin/aufgaben/?eingang=99").content.decode()
    assert newest.number in client.get("/admin/aufgaben/?eingang=abc").content.decode()
    assert len(second_page) == len(first_page)

"""Absence and deputy (Vertretung): the absent clerk's tasks and queue reach the deputy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.status import STATUS

from flows import selectors, workspace
from portal_site.accounts.models import OrgUnit, Substitution
from portal_site.cases.models import TimelineEntry
from portal_site.core.periodic import periodic_jobs
from portal_site.processes import start_process
from tests.factories import case_for

pytestmark = pytest.mark.django_db(transaction=True)


def _request(number: int = 1):
    case = case_for(
        "generic",
        office=OrgUnit.objects.get(short_name="Bürgerservice"),
        values={"betreff": f"Anfrage {number}"},
        inputs={},
        title="Allgemeine Anfrage",
        applicant_name="Frank Mustermann",
        applicant_email="frank@example.org",
    )
    start_process(key="generic", case=case)
    return case


def _today():
    return timezone.localdate()


def test_the_deputy_gets_the_taken_tasks_and_the_queue_while_the_absence_lasts(staff):
    clerk, deputy = staff["sachbearbeitung"], staff["standesamt"]
    taken, queued = _request(1), _request(2)
    task = selectors.queue_tasks(user=clerk).get(process__artifact_object_id=taken.pk)
    workspace.claim_task(task_id=task.pk, user=clerk)
    assert not selectors.can_act_on_case(user=deputy, case=queued)

    workspace.enter_substitution(
        absent=clerk, deputy=deputy, starts_on=_today(), ends_on=_today() + timedelta(days=7)
    )

    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.ASSIGNED, deputy.pk)
    assert list(selectors.my_tasks(user=deputy)) == [task]
    assert [int(t.process.artifact_object_id) for t in selectors.queue_tasks(user=deputy)] == [
        queued.pk
    ]
    assert selectors.can_act_on_case(user=deputy, case=queued)
    entry = taken.timeline.filter(kind=TimelineEntry.Kind.TASK).last()
    assert "übergeben" in entry.message and "vertritt" in entry.message

    # the absence is over: the queue is the clerk's again, the task stays with the deputy
    Substitution.objects.update(
        starts_on=_today() - timedelta(days=9), ends_on=_today() - timedelta(days=1)
    )
    assert not selectors.queue_tasks(user=deputy).exists()
    assert not selectors.can_act_on_case(user=deputy, case=queued)
    task.refresh_from_db()
    assert task.owner_id == deputy.pk


def test_a_future_absence_hands_over_on_its_first_day_by_the_periodic_job(staff):
    clerk, deputy = staff["sachbearbeitung"], staff["standesamt"]
    case = _request()
    task = selectors.queue_tasks(user=clerk).get()
    workspace.claim_task(task_id=task.pk, user=clerk)
    workspace.enter_substitution(
        absent=clerk,
        deputy=deputy,
        starts_on=_today() + timedelta(days=3),
        ends_on=_today() + timedelta(days=10),
    )
    task.refresh_from_db()
    assert task.owner_id == clerk.pk
    assert not selectors.can_act_on_case(user=deputy, case=case)

    Substitution.objects.update(starts_on=_today())
    assert periodic_jobs()["flows.hand_over_to_deputies"]() == 1
    task.refresh_from_db()
    assert task.owner_id == deputy.pk


def test_clerks_enter_and_delete_their_absence_in_the_workspace(staff):
    clerk, deputy = staff["sachbearbeitung"], staff["standesamt"]
    client = Client()
    client.force_login(clerk)
    page = client.get("/admin/vertretung/").content.decode()
    assert "Abwesenheit und Vertretung" in page
    start, end = _today(), _today() + timedelta(days=5)
    bad = client.post(
        "/admin/vertretung/",
        {"deputy": deputy.pk, "starts_on": end.isoformat(), "ends_on": start.isoformat()},
    )
    assert "nicht enden, bevor sie beginnt" in bad.content.decode()
    assert not Substitution.objects.exists()
    themselves = client.post(
        "/admin/vertretung/",
        {"deputy": clerk.pk, "starts_on": start.isoformat(), "ends_on": end.isoformat()},
    )
    assert "Bitte eine gültige Auswahl treffen." in themselves.content.decode()
    client.post(
        "/admin/vertretung/",
        {"deputy": deputy.pk, "starts_on": start.isoformat(), "ends_on": end.isoformat()},
    )
    substitution = Substitution.objects.get()
    assert (substitution.absent, substitution.deputy) == (clerk, deputy)

    other = Client()
    other.force_login(deputy)
    assert "Sie vertreten" in other.get("/admin/vertretung/").content.decode()
    other.post("/admin/vertretung/", {"action": "delete", "substitution": substitution.pk})
    assert Substitution.objects.exists()  # only the absent user deletes their absence
    client.post("/admin/vertretung/", {"action": "delete", "substitution": substitution.pk})
    assert not Substitution.objects.exists()


def test_users_without_case_work_cannot_enter_absences(staff, django_user_model):
    editor = django_user_model.objects.create_user(username="redaktion2", password="x")
    client = Client()
    client.force_login(editor)
    assert client.get("/admin/vertretung/").status_code in (302, 403)

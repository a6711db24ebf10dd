from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from flows import selectors
from flows.deadlines import DEFAULT_DAYS_TO_DECIDE, remind_and_escalate
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import Case, TimelineEntry
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.core.periodic import periodic_jobs
from tests.flows.test_generic_process import _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


def _overdue(case, days):
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - timedelta(days=days))


def test_a_new_task_gets_a_due_date(staff):
    case = _portal_case()
    case.refresh_from_db()
    received = timezone.localtime(case.received_at).date()
    assert case.due_date == received + timedelta(days=DEFAULT_DAYS_TO_DECIDE)
    assert "flows.remind_and_escalate" in periodic_jobs()


def test_overdue_task_is_reminded_once_then_escalated_once_to_the_lead(demo):
    office = OrgUnit.objects.get(short_name="Bürgerservice")
    lead = User.objects.get(username="abteilungsleitung")
    OrgUnit.objects.filter(pk=office.parent_id).update(lead=lead)
    case = _portal_case()
    _overdue(case, 1)
    mail.outbox.clear()
    assert remind_and_escalate() == {"reminded": 1, "escalated": 0}
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    assert [m.to for m in mail.outbox] == [["buergerservice@kassel.de"]]
    _overdue(case, 3)
    assert remind_and_escalate() == {"reminded": 0, "escalated": 1}
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    assert mail.outbox[-1].to == [lead.email]
    assert case.timeline.filter(kind=TimelineEntry.Kind.SYSTEM).count() == 2


def test_a_taken_overdue_task_reminds_its_clerk_and_the_dashboard_counts_it(demo, client):
    case = _portal_case()
    clerk = User.objects.get(username="sachbearbeitung")
    from flows import workspace

    workspace.claim_task(task_id=selectors.queue_tasks(user=clerk).get().pk, user=clerk)
    _overdue(case, 1)
    mail.outbox.clear()
    remind_and_escalate()
    assert mail.outbox[0].to == [clerk.email]
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    dashboard = client.get("/admin/").content.decode()
    assert "1 überfällig" in dashboard
    inbox = client.get("/admin/aufgaben/").content.decode()
    assert "überfällig" in inbox


def test_closed_cases_are_not_reminded(staff):
    case = _portal_case()
    _overdue(case, 5)
    Case.objects.filter(pk=case.pk).update(status="completed")
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}


def test_a_step_s_own_deadline_in_the_chain_decides_its_reminder_and_escalation(demo):
    """The training's supervisors have five days from their task (the chain says so),
    whatever the case's due date; two days later their lead is told."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from flows.training import SUPERVISOR_DEADLINE, TrainingFlow
    from portal_site.cases.processes import of_cases
    from tests.flows.test_training import register

    assert TrainingFlow.instance.node("recommend").deadline == SUPERVISOR_DEADLINE
    case = register("2001")
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() + timedelta(days=30))
    task = Task.objects.get(of_cases(case.pk), status__in=[STATUS.NEW, STATUS.ASSIGNED])
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    Task.objects.filter(pk=task.pk).update(created=timezone.now() - timedelta(days=6))
    assert remind_and_escalate() == {"reminded": 1, "escalated": 0}
    Task.objects.filter(pk=task.pk).update(created=timezone.now() - timedelta(days=8))
    assert remind_and_escalate() == {"reminded": 0, "escalated": 1}

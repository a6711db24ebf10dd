from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from viewflow.workflow.status import STATUS

from flows import generic, selectors, workspace
from flows.generic import GenericFlow
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import CaseStatus, TimelineEntry
from portal_site.cases.services import open_case
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.processes import start_process
from tests.concurrency import run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def _portal_case(**kwargs):
    case = open_case(
        process_key="generic",
        title="Allgemeine Anfrage",
        data={
            "answers": [
                {
                    "step": "Ihr Anliegen",
                    "name": "betreff",
                    "label": "Betreff",
                    "value": "Sperrmüll abholen",
                }
            ],
            "values": {"betreff": "Sperrmüll"},
        },
        applicant_name="Frank Mustermann",
        applicant_email="frank.mustermann@kassel.de",
        office=OrgUnit.objects.get(short_name="Bürgerservice"),
        **kwargs,
    )
    start_process(key="generic", case=case)
    return case


def _clerk(username="sachbearbeitung") -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username,
            password=DEMO_PASSWORD,
            is_staff=True,
            org_unit=OrgUnit.objects.get(short_name="Bürgerservice"),
        )
        user.groups.add(Group.objects.get(name="Sachbearbeitung"))
    return user


def test_a_portal_case_lands_in_the_responsible_office_queue(demo):
    case = _portal_case()
    clerk, editor = _clerk(), User.objects.get(username="redaktion")
    [task] = selectors.queue_tasks(user=clerk)
    assert task.process.data["case_id"] == case.pk
    assert list(selectors.queue_tasks(user=editor)) == []
    assert case.timeline.filter(kind=TimelineEntry.Kind.TASK).exists()


def test_claim_answer_and_close(staff):
    case = _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    workspace.claim_task(task_id=task.pk, user=clerk)
    assert list(selectors.my_tasks(user=clerk)) == [task]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    mail.outbox.clear()
    closed = generic.answer_and_close(
        task_id=task.pk,
        user=clerk,
        subject="Ihre Anfrage",
        message="Der Sperrmüll wird am Montag abgeholt.",
    )
    assert closed.status == CaseStatus.COMPLETED
    assert [m.to for m in mail.outbox] == [["frank.mustermann@kassel.de"]]
    assert "Montag" in mail.outbox[0].body
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    assert task.process.status == STATUS.DONE
    messages = list(closed.timeline.values_list("kind", flat=True))
    assert TimelineEntry.Kind.MESSAGE in messages and TimelineEntry.Kind.STATUS in messages


def test_a_taken_task_cannot_be_taken_again_and_only_its_clerk_can_close_it(staff):
    _portal_case()
    first, second = _clerk(), _clerk("sachbearbeitung2")
    task = selectors.queue_tasks(user=first).get()
    workspace.claim_task(task_id=task.pk, user=first)
    with pytest.raises(workspace.TaskNotAvailable, match="bereits"):
        workspace.claim_task(task_id=task.pk, user=second)
    with pytest.raises(workspace.TaskNotAvailable):
        generic.answer_and_close(task_id=task.pk, user=second, subject="x", message="y")
    workspace.release_task(task_id=task.pk, user=first)
    workspace.claim_task(task_id=task.pk, user=second)


def _outcome(call):
    def run():
        try:
            call()
        except workspace.TaskNotAvailable:
            return "refused"
        return "ok"

    return run


def test_two_clerks_claiming_at_the_same_moment_one_wins(postgres_only, staff):
    _portal_case()
    clerks = [_clerk(), _clerk("sachbearbeitung2")]
    task = selectors.queue_tasks(user=clerks[0]).get()
    results, errors = run_in_parallel(
        [_outcome(lambda u=u: workspace.claim_task(task_id=task.pk, user=u)) for u in clerks]
    )
    assert errors == []
    assert sorted(results) == ["ok", "refused"]
    task.refresh_from_db()
    assert task.owner in clerks


def test_two_clerks_completing_at_the_same_moment_send_one_answer(postgres_only, staff):
    _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    workspace.claim_task(task_id=task.pk, user=clerk)
    mail.outbox.clear()
    complete = _outcome(
        lambda: generic.answer_and_close(task_id=task.pk, user=clerk, subject="A", message="B")
    )
    results, errors = run_in_parallel([complete, complete])
    assert errors == []
    assert sorted(results) == ["ok", "refused"]
    assert len(mail.outbox) == 1


def test_workspace_views(demo, client):
    case = _portal_case()
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    inbox = client.get("/admin/aufgaben/")
    assert inbox.status_code == 200 and case.number in inbox.content.decode()
    task = GenericFlow.task_class.objects.get(flow_task=GenericFlow.handle)
    response = client.post(f"/admin/aufgaben/{task.pk}/uebernehmen/")
    assert response["Location"] == f"/admin/aufgaben/{task.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Sperrmüll abholen" in detail
    done = client.post(
        f"/admin/aufgaben/{task.pk}/",
        {"decision": "done", "subject": "Ihre Anfrage", "message": "Erledigt."},
    )
    assert done["Location"] == f"/admin/vorgaenge/{case.number}/"
    page = client.get(done["Location"]).content.decode()
    assert "Abgeschlossen" in page and "Antwort an" in page


def test_staff_of_other_offices_cannot_open_the_case(demo, client):
    case = _portal_case()
    client.login(username="standesamt", password=DEMO_PASSWORD)
    response = client.get(f"/admin/vorgaenge/{case.number}/", follow=True)
    assert "Frank Mustermann" not in response.content.decode()
    assert "keinen Zugang" in response.content.decode()


def test_a_rejection_is_recorded_as_decision_with_comment(staff):
    case = _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    workspace.claim_task(task_id=task.pk, user=clerk)
    closed = generic.answer_and_close(
        task_id=task.pk,
        user=clerk,
        subject="Ihre Anfrage",
        message="Leider nicht möglich.",
        decision=generic.Decision.REJECTED,
        comment="Nicht zuständig",
    )
    assert closed.status == CaseStatus.REJECTED
    decision = case.timeline.get(kind=TimelineEntry.Kind.DECISION)
    assert decision.message == "Entscheidung: Abgelehnt – Nicht zuständig"
    assert decision.data["decision"] == "rejected"
    assert decision.data["comment"] == "Nicht zuständig"
    assert decision.data["message"]["key"] == "Decision: %(decision)s"  # for English readers


def test_the_reply_subject_is_in_the_applicant_s_language_whatever_the_clerk_s(staff):
    from django.utils import translation

    from flows.generic.forms import answer_initial

    case = _portal_case()
    with translation.override("en"):  # the clerk's admin in English
        assert answer_initial(case, None)["subject"] == f"Ihre Anfrage {case.number}"

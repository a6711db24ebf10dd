"""Staff hear of arriving tasks: an e-mail and a notice in the administration, each
as the person chose in their account settings (flows.notices)."""

from __future__ import annotations

import pytest

from flows import selectors, workspace
from flows.models import TaskNotice
from flows.notices import announce_new_tasks, unread_notices
from portal_site.accounts.models import OrgUnit, TaskMail, User
from portal_site.core.periodic import periodic_jobs
from portal_site.notifications.models import OutboxMessage
from tests.flows.test_generic_process import _clerk, _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


def mails_to(address: str) -> list[OutboxMessage]:
    return [m for m in OutboxMessage.objects.order_by("pk") if address in m.to]


@pytest.fixture
def clerks(demo):
    one, two = _clerk(), _clerk("sachbearbeitung2")
    User.objects.filter(pk=one.pk).update(email="eins@kassel.example", task_mail=TaskMail.ALL)
    User.objects.filter(pk=two.pk).update(email="zwei@kassel.example")  # default: mine only
    one.refresh_from_db()
    two.refresh_from_db()
    return one, two


@pytest.fixture
def lead(demo):
    user = User.objects.get(username="abteilungsleitung")
    OrgUnit.objects.filter(short_name="33").update(lead=user)
    return user


def test_a_new_queue_task_is_mailed_to_who_wants_it_and_noticed_by_everyone(clerks):
    one, two = clerks
    case = _portal_case()
    assert "flows.announce_new_tasks" in periodic_jobs()
    told = announce_new_tasks()
    assert told >= 2
    [mail] = mails_to(one.email)
    assert mail.subject == f"Neue Aufgabe: Anliegen bearbeiten – Vorgang {case.number}"
    assert "wartet in Ihrer Warteschlange" in mail.body and "/admin/aufgaben/" in mail.body
    assert mails_to(two.email) == []  # only tasks given to them
    assert unread_notices(user=two).count() == 1  # but the administration says so
    assert announce_new_tasks() == 0  # each person is told once per task
    assert len(mails_to(one.email)) == 1


def test_a_task_given_by_the_lead_is_mailed_and_marked_until_opened(clerks, lead, client):
    _one, two = clerks
    _portal_case()
    task = selectors.queue_tasks(user=two).get()
    User.objects.filter(pk=two.pk).update(task_notice=False)  # seen in the queue: not told
    announce_new_tasks()
    User.objects.filter(pk=two.pk).update(task_notice=True)
    TaskNotice.objects.filter(user=two).delete()
    workspace.reassign_task(task_id=task.pk, by=lead, to=two)
    announce_new_tasks()
    [mail] = mails_to(two.email)
    assert "wurde Ihnen zugewiesen" in mail.body
    client.force_login(two)
    home = client.get("/admin/").content.decode()
    assert "Meine Aufgaben (1 neu)" in home and "Neue Aufgaben für Sie" in home
    inbox = client.get("/admin/aufgaben/").content.decode()
    assert ">neu<" in inbox
    client.get(f"/admin/aufgaben/{task.pk}/")  # opened: read
    assert "(1 neu)" not in client.get("/admin/").content.decode()
    assert unread_notices(user=two).count() == 0


def test_a_clerk_who_takes_the_task_is_not_told_and_a_taken_task_leaves_the_others(clerks):
    one, two = clerks
    _portal_case()
    task = selectors.queue_tasks(user=one).get()
    workspace.claim_task(task_id=task.pk, user=one)
    announce_new_tasks()
    assert mails_to(one.email) == []
    assert unread_notices(user=one).count() == 0
    assert not TaskNotice.objects.filter(user=two).exists()  # no longer in the queue


def test_nobody_is_told_who_chose_neither(clerks):
    one, _two = clerks
    User.objects.filter(pk=one.pk).update(task_mail=TaskMail.NONE, task_notice=False)
    _portal_case()
    announce_new_tasks()
    assert mails_to(one.email) == []
    assert unread_notices(user=one).count() == 0


def test_the_choice_is_made_in_the_account_settings(clerks, client):
    one, _two = clerks
    client.force_login(one)
    page = client.get("/admin/account/").content.decode()
    assert "E-Mail, wenn eine Aufgabe eintrifft" in page
    editor = User.objects.get(username="redaktion")  # no case work: no such setting
    client.force_login(editor)
    assert (
        "E-Mail, wenn eine Aufgabe eintrifft" not in client.get("/admin/account/").content.decode()
    )


def test_mark_all_as_read(clerks, client):
    _one, two = clerks
    _portal_case()
    announce_new_tasks()
    client.force_login(two)
    response = client.post("/admin/aufgaben/hinweise-gelesen/", follow=True)
    assert response.status_code == 200
    assert unread_notices(user=two).count() == 0


def test_tasks_everyone_was_told_of_cost_nothing_on_the_next_runs(
    clerks, django_assert_num_queries
):
    for _i in range(3):
        _portal_case()
    assert announce_new_tasks() >= 6
    with django_assert_num_queries(1):  # one look at the tasks, none per task
        assert announce_new_tasks() == 0

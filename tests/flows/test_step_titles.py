"""A designed task is called by its step's title everywhere staff read it: inbox, task
page, case page, dashboard notices, timeline and e-mails; never "Aufgabe eines
gestalteten Prozesses"."""

from __future__ import annotations

import pytest
from django.core import mail

from flows import selectors, workspace
from flows.notices import announce_new_tasks
from portal_site.accounts.models import TaskMail, User
from tests.flows.test_designer_steps import END, design, open_tasks, start, task

pytestmark = pytest.mark.django_db(transaction=True)

GENERIC = ("Aufgabe eines gestalteten Prozesses", "Aufgabe eines Parallel-Schritts")
TITLE = "Unterlagen der Standesamtsanmeldung prüfen"


def test_a_designed_task_carries_its_steps_title_everywhere(staff, client):
    clerk = User.objects.get(username="standesamt")
    User.objects.filter(pk=clerk.pk).update(task_mail=TaskMail.ALL)
    case = start(design([task("pruefen", "ende", title=TITLE), END]))
    [open_task] = open_tasks(case)
    assert announce_new_tasks() >= 1
    assert any(TITLE in message.subject for message in mail.outbox)

    client.force_login(clerk)
    dashboard = client.get("/admin/").content.decode()
    assert TITLE in dashboard  # the notice of the new task (read once the task is opened)
    for path in (
        "/admin/aufgaben/",
        f"/admin/aufgaben/{open_task.pk}/",
        f"/admin/vorgaenge/{case.number}/",
    ):
        page = client.get(path).content.decode()
        assert TITLE in page, path
        assert not any(generic in page for generic in GENERIC), path

    workspace.claim_task(task_id=open_task.pk, user=clerk)
    workspace.complete_step(task_id=open_task.pk, user=clerk, data={"decision": "ja"})
    timeline = " ".join(case.timeline.values_list("message", flat=True))
    assert f"„{TITLE}“ übernommen" in timeline or TITLE in timeline
    assert not any(generic in timeline for generic in GENERIC)
    assert not selectors.queue_tasks(user=clerk)

from __future__ import annotations

import pytest

from flows import selectors, workspace
from portal_site.accounts.models import OrgUnit, User
from portal_site.core.demo import DEMO_PASSWORD
from tests.flows.test_generic_process import _clerk, _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lead(demo):
    user = User.objects.get(username="abteilungsleitung")
    OrgUnit.objects.filter(short_name="33").update(lead=user)  # above Bürgerservice
    return user


def test_the_lead_gives_a_queued_task_to_a_clerk_of_the_office(lead):
    _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    workspace.reassign_task(task_id=task.pk, by=lead, to=clerk)
    assert list(selectors.my_tasks(user=clerk)) == [task]
    other = _clerk("sachbearbeitung2")
    workspace.reassign_task(task_id=task.pk, by=lead, to=other)
    assert list(selectors.my_tasks(user=other)) == [task]


def test_clerks_cannot_reassign_and_tasks_stay_in_the_office(lead):
    case = _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    with pytest.raises(workspace.TaskNotAvailable, match="Leitung"):
        workspace.reassign_task(task_id=task.pk, by=clerk, to=clerk)
    outsider = User.objects.get(username="standesamt")
    with pytest.raises(workspace.TaskNotAvailable, match="Mitglieder"):
        workspace.reassign_task(task_id=task.pk, by=lead, to=outsider)
    assert "zugewiesen" not in " ".join(case.timeline.values_list("message", flat=True))


def test_reassign_through_the_task_page(lead, client):
    _portal_case()
    clerk = _clerk()
    task = selectors.queue_tasks(user=clerk).get()
    client.login(username="abteilungsleitung", password=DEMO_PASSWORD)
    page = client.get(f"/admin/aufgaben/{task.pk}/").content.decode()
    assert "Zuweisen an" in page and "Sven Sachs" in page
    response = client.post(f"/admin/aufgaben/{task.pk}/zuweisen/", {"user": clerk.pk}, follow=True)
    assert "Die Aufgabe wurde neu zugewiesen." in response.content.decode()
    task.refresh_from_db()
    assert task.owner == clerk

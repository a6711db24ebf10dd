"""Forwarding a case to another office: the Briefkasten's promise kept in the workspace."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from viewflow.workflow.status import STATUS

from flows import selectors, workspace
from portal_site.accounts.models import OrgUnit
from portal_site.cases.models import Case, TimelineEntry
from portal_site.processes import start_process
from tests.factories import case_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def briefkasten_case(staff):
    OrgUnit.objects.filter(short_name="34").update(email="standesamt@kassel.example")
    case = case_for(
        "generic",
        office=OrgUnit.objects.get(short_name="Bürgerservice"),
        values={"betreff": "Geburtsurkunde"},
        inputs={},
        title="Allgemeine Anfrage",
        applicant_name="Frank Mustermann",
        applicant_email="frank@example.org",
    )
    start_process(key="generic", case=case)
    return case


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, case, **data):
    payload = {"action": "forward", **{f"forward-{k}": v for k, v in data.items()}}
    return client.post(f"/admin/vorgaenge/{case.number}/", payload, follow=True)


def test_a_clerk_forwards_a_case_with_its_task_to_another_office(staff, briefkasten_case):
    case = briefkasten_case
    clerk, registrar = staff["sachbearbeitung"], staff["standesamt"]
    task = selectors.queue_tasks(user=clerk).get()
    workspace.claim_task(task_id=task.pk, user=clerk)
    registry = OrgUnit.objects.get(short_name="34")
    mail.outbox.clear()

    response = _post(_client(clerk), case, office=registry.pk, note="Bitte Urkunde prüfen.")

    assert response.redirect_chain[-1][0].endswith("/admin/aufgaben/")
    case.refresh_from_db()
    assert case.office == registry
    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)  # back to the queue
    assert list(selectors.queue_tasks(user=registrar)) == [task]
    assert not selectors.queue_tasks(user=clerk).exists()
    # the clerk keeps reading the case they worked on (a task of it was theirs)
    assert selectors.can_act_on_case(user=registrar, case=case)
    entry = case.timeline.get(kind=TimelineEntry.Kind.NOTE)
    assert entry.message == (
        "Weitergeleitet von Bürgerservice an Standesamt: Bitte Urkunde prüfen."
    )
    assert entry.actor == clerk
    [notice] = mail.outbox
    assert notice.to == ["standesamt@kassel.example"]
    assert case.number in notice.subject and "Bitte Urkunde prüfen." in notice.body
    # the registry office takes and finishes the task as its own
    workspace.claim_task(task_id=task.pk, user=registrar)


def test_forwarding_needs_a_note_an_open_case_and_another_office(staff, briefkasten_case):
    case = briefkasten_case
    clerk = staff["sachbearbeitung"]
    own = case.office
    response = _post(_client(clerk), case, office=own.pk, note="x")
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    response = _post(_client(clerk), case, office=OrgUnit.objects.get(short_name="34").pk, note="")
    assert "Dieses Feld muss ausgefüllt werden." in response.content.decode()
    assert Case.objects.get(pk=case.pk).office == own
    with pytest.raises(ValueError):
        workspace.forward_case(
            case=case, to_office=OrgUnit.objects.get(short_name="34"), note=" ", user=clerk
        )


def test_only_who_may_act_on_the_case_can_forward_it(staff, briefkasten_case):
    case = briefkasten_case
    registry = OrgUnit.objects.get(short_name="34")
    response = _client(staff["stadtarchiv"]).post(
        f"/admin/vorgaenge/{case.number}/",
        {"action": "forward", "forward-office": registry.pk, "forward-note": "weg damit"},
    )
    assert response.status_code in (302, 403)  # Wagtail turns the 403 into a redirect
    assert Case.objects.get(pk=case.pk).office.short_name == "Bürgerservice"


def test_offices_without_case_staff_are_not_offered(staff, briefkasten_case):
    empty = OrgUnit.objects.create(name="Leeres Amt", short_name="99")
    offered = set(workspace.forwarding_offices(case=briefkasten_case))
    assert empty not in offered
    assert OrgUnit.objects.get(short_name="34") in offered
    assert briefkasten_case.office not in offered


@pytest.mark.parametrize("office", ["99999999999999999999999", "abc", "-1", "1.5"])
def test_a_tampered_office_is_an_invalid_choice_not_an_error(staff, briefkasten_case, office):
    response = _post(_client(staff["sachbearbeitung"]), briefkasten_case, office=office, note="x")
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()

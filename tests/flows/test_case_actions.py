from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from viewflow.workflow.status import STATUS

from flows import selectors
from portal_site.cases.models import Case, CaseStatus, TimelineEntry
from portal_site.cases.services import open_case, resume_due_cases
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.core.periodic import periodic_jobs
from tests.flows.test_generic_process import _portal_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clerk(client, demo):
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    return client


def _post(client, case, action, **data):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in data.items()}}
    return client.post(f"/admin/vorgaenge/{case.number}/", payload, follow=True)


def test_internal_note_is_on_the_timeline_and_not_mailed(clerk):
    case = _portal_case()
    mail.outbox.clear()
    _post(clerk, case, "note", text="Rückfrage beim Ordnungsamt läuft.")
    note = case.timeline.get(kind=TimelineEntry.Kind.NOTE)
    assert note.message == "Notiz: Rückfrage beim Ordnungsamt läuft."
    with translation.override("en"):  # the clerk's words as written, the frame translated
        assert note.text == "Note: Rückfrage beim Ordnungsamt läuft."
    assert mail.outbox == []


def test_message_to_the_applicant_is_mailed_and_kept(clerk):
    case = _portal_case()
    mail.outbox.clear()
    _post(clerk, case, "message", subject="Rückfrage", text="Bitte nennen Sie die Hausnummer.")
    assert [m.subject for m in mail.outbox] == ["Rückfrage"]
    entry = case.timeline.get(kind=TimelineEntry.Kind.MESSAGE)
    assert entry.data["body"] == "Bitte nennen Sie die Hausnummer."


def test_pause_until_a_date_and_the_periodic_job_resumes(clerk):
    case = _portal_case()
    past = _post(clerk, case, "pause", until=timezone.localdate().isoformat(), reason="")
    assert "Datum in der Zukunft" in past.content.decode()
    until = timezone.localdate() + timedelta(days=7)
    _post(clerk, case, "pause", until=until.isoformat(), reason="Unterlagen angefordert")
    case.refresh_from_db()
    assert (case.status, case.paused_until) == (CaseStatus.PAUSED, until)
    assert resume_due_cases() == 0
    Case.objects.filter(pk=case.pk).update(paused_until=timezone.localdate())
    assert "cases.resume_due_cases" in periodic_jobs()
    assert resume_due_cases() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_until is None


def test_cancel_needs_a_reason_and_cancels_the_open_task(clerk):
    case = _portal_case()
    empty = _post(clerk, case, "cancel", reason="")
    assert "Dieses Feld muss ausgefüllt werden." in empty.content.decode()
    _post(clerk, case, "cancel", reason="Antrag zurückgezogen")
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert "Antrag zurückgezogen" in case.timeline.last().message
    assert selectors.open_task_for_case(case=case) is None
    task = case_task = selectors.human_tasks().get(process__artifact_object_id=case.pk)
    assert case_task.status == STATUS.CANCELED
    assert task


def test_linked_cases_are_shown_both_ways(clerk):
    main = _portal_case()
    sub = open_case(
        process_key="generic", title="Nachforderung", data={}, parent=main, office=main.office
    )
    page = clerk.get(f"/admin/vorgaenge/{main.number}/").content.decode()
    assert sub.number in page
    page = clerk.get(f"/admin/vorgaenge/{sub.number}/").content.decode()
    assert main.number in page

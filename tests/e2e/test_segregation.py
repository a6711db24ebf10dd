"""Four-eyes principle in Chromium: the department head cannot approve his own post's
Wiederbesetzung, and cannot decide HR development's level of a training registration."""

from __future__ import annotations

from playwright.sync_api import expect

from flows import selectors, workspace
from portal_site.accounts.models import User
from portal_site.processes import start_process
from tests.e2e.conftest import admin_login
from tests.factories import case_for
from tests.flows.test_designer_steps import open_tasks
from tests.flows.test_training import register

FOUR_EYES = "Vier-Augen-Prinzip"


def _refused_in_the_browser(page, task_pk: int, number: str) -> None:
    page.goto("/admin/aufgaben/")
    expect(page.locator("body")).to_contain_text("Meine Aufgaben")
    expect(page.locator("tr", has_text=number)).to_have_count(0)  # not offered
    page.goto(f"/admin/aufgaben/{task_pk}/")
    notice = page.get_by_test_id("segregation")
    expect(notice).to_contain_text(FOUR_EYES)
    expect(page.locator(".task-layout").get_by_role("button", name="Übernehmen")).to_have_count(0)


def test_the_department_head_cannot_approve_his_own_post(page):
    values = {
        "personnel_number": "1124",
        "stellennummer": "10-123",
        "entgeltgruppe": "9",
        "grund": "Ruhestand",
        "besetzung_zum": "2027-04-01",
    }
    case = case_for(
        "gestaltet-wiederbesetzung",
        office=None,
        values=values,
        inputs=values,
        applicant_name="Albert Hauptmann",
        applicant_email="abteilungsleitung@kassel.de",
    )
    start_process(key="gestaltet-wiederbesetzung", case=case)
    case.refresh_from_db()
    check = next(t for t in open_tasks(case) if t.data["designed_step"] == "stellenplan")
    admin_login(page, "abteilungsleitung")
    _refused_in_the_browser(page, check.pk, case.number)


def test_the_department_head_cannot_skip_to_hr_developments_level(page):
    case = register()  # Hans Mustermann: team lead Leitner, department head Hauptmann
    for username in ("sachgebietsleitung", "abteilungsleitung"):
        task = selectors.open_task_for_case(case=case)
        workspace.complete_step(
            task_id=task.pk,
            user=User.objects.get(username=username),
            data={"decision": "yes", "comment": ""},
        )
    place = selectors.open_task_for_case(case=case)
    admin_login(page, "abteilungsleitung")  # leads 10, above HR development's queue
    _refused_in_the_browser(page, place.pk, case.number)

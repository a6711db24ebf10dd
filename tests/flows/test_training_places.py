"""Places and the waiting list of the training process, on factory-built rows (no demo).

A department with its head, a team with its lead, employees in the team, HR
development and one course: the registration goes through both supervisors, then
HR development gives places, the waiting list, or none; a freed place moves the
first on the list up, and one who leaves the list ends their case.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail

from flows import selectors, training, workspace
from flows.models import Course, Participation
from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.cases.models import Case, CaseStatus
from portal_site.processes import start_process
from tests.concurrency import run_in_parallel
from tests.factories import (
    CourseFactory,
    EmployeeFactory,
    OrgUnitFactory,
    UserFactory,
    case_for,
)
from tests.flows.test_charts import end_reached

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class TrainingOffice:
    hr: User
    course: Course
    employees: list[Employee]


@pytest.fixture
def office() -> TrainingOffice:
    head = UserFactory(role=roles.DEPARTMENT_HEAD)
    lead = UserFactory(role=roles.TEAM_LEAD)
    department = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT, lead=head)
    team = OrgUnitFactory(parent=department, lead=lead)
    hr_unit = OrgUnitFactory(name="Personalentwicklung", short_name="10.3")
    hr = UserFactory(role=roles.HR_DEVELOPMENT, org_unit=hr_unit)
    employees = EmployeeFactory.create_batch(3, org_unit=team)
    return TrainingOffice(hr=hr, course=CourseFactory(places=1), employees=employees)


def register(office: TrainingOffice, employee: Employee) -> Case:
    case = case_for(
        training.PROCESS_KEY,
        office=OrgUnit.objects.get(short_name="10.3"),
        values={"personnel_number": employee.personnel_number},
        inputs={"fortbildung": office.course.code},
        applicant_name=f"{employee.first_name} {employee.last_name}",
        applicant_email=employee.email,
    )
    start_process(key=training.PROCESS_KEY, case=case)
    return case


def act(case: Case, who: User, **data) -> str:
    task = selectors.open_task_for_case(case=case)
    if task.owner_id is None:
        workspace.claim_task(task_id=task.pk, user=who)
    return workspace.complete_step(task_id=task.pk, user=who, data=data)


def approved(office: TrainingOffice, employee: Employee) -> Case:
    """Registered, recommended by the team lead and agreed by the department head."""
    case = register(office, employee)
    for _supervisor in range(2):
        task = selectors.open_task_for_case(case=case)
        act(case, task.owner, decision="yes", comment="")
    return case


def status_of(case: Case) -> str:
    return Participation.objects.get(case=case).status


def test_the_supervisors_come_from_the_directory_and_hr_gives_the_last_place(office):
    first, second, third = (approved(office, e) for e in office.employees)
    act(first, office.hr, decision="yes", comment="")
    with pytest.raises(training.CourseFull, match="Der einzige Platz"):
        act(second, office.hr, decision="yes", comment="")
    assert status_of(second) == Participation.Status.PENDING  # nothing changed
    act(second, office.hr, decision="waiting", comment="")
    act(third, office.hr, decision="no", comment="")

    assert [status_of(c) for c in (first, second, third)] == ["confirmed", "waiting", "rejected"]
    assert [end_reached(c) for c in (first, second, third)] == ["end", "", "end_no_place"]
    second.refresh_from_db()
    assert second.status == CaseStatus.IN_PROGRESS  # still waiting, a step of its chart
    waiting_mail = [m for m in mail.outbox if m.to == [office.employees[1].email]]
    assert any("Nachrückerliste" in m.subject for m in waiting_mail)


def test_a_freed_place_moves_the_first_on_the_waiting_list_up(office):
    first, second, third = (approved(office, e) for e in office.employees)
    act(first, office.hr, decision="yes", comment="")
    act(second, office.hr, decision="waiting", comment="")
    act(third, office.hr, decision="waiting", comment="")

    moved = training.cancel_participation(
        participation=Participation.objects.get(case=first), actor=office.hr
    )
    assert moved.case_id == second.pk
    assert [status_of(c) for c in (first, second, third)] == ["cancelled", "confirmed", "waiting"]
    assert end_reached(second) == "end" and end_reached(third) == ""
    second.refresh_from_db()
    assert second.status == CaseStatus.COMPLETED
    assert second.timeline.filter(message__contains="Nachrückerliste").exists()
    assert any("nachgerückt" in m.subject for m in mail.outbox if m.to == [moved.email])
    assert training.confirmed_count(office.course) == 1


def test_leaving_the_waiting_list_ends_the_case_and_moves_nobody_up(office):
    first, second, _third = (approved(office, e) for e in office.employees)
    act(first, office.hr, decision="yes", comment="")
    act(second, office.hr, decision="waiting", comment="")
    assert (
        training.cancel_participation(
            participation=Participation.objects.get(case=second), actor=office.hr
        )
        is None
    )
    second.refresh_from_db()
    assert second.status == CaseStatus.CANCELLED and end_reached(second) == "end_withdrawn"
    assert status_of(first) == "confirmed"


def test_two_places_given_at_the_same_moment_never_overbook(postgres_only, office):
    cases = [approved(office, e) for e in office.employees]
    tasks = [selectors.open_task_for_case(case=case) for case in cases]
    for task in tasks:
        workspace.claim_task(task_id=task.pk, user=office.hr)

    def give(task_id):
        return lambda: workspace.complete_step(
            task_id=task_id, user=office.hr, data={"decision": "yes", "comment": ""}
        )

    results, errors = run_in_parallel([give(task.pk) for task in tasks])
    assert len(results) == 1 and len(errors) == 2
    assert all(isinstance(error, training.CourseFull) for error in errors)
    assert training.confirmed_count(office.course) == 1


def test_an_employee_with_a_place_cannot_register_for_the_course_again(office):
    from flows.training.services import registration_refusals

    first = approved(office, office.employees[0])
    act(first, office.hr, decision="yes", comment="")
    again = {"personnel_number": office.employees[0].personnel_number}
    [reason] = registration_refusals({"fortbildung": office.course.code}, again)
    assert "bereits angemeldet" in reason and first.number in reason
    other = {"personnel_number": office.employees[1].personnel_number}
    assert registration_refusals({"fortbildung": office.course.code}, other) == []
    training.cancel_participation(participation=Participation.objects.get(case=first), actor=None)
    assert registration_refusals({"fortbildung": office.course.code}, again) == []


def test_withdrawing_asks_first_then_mails_the_participant(office, client):
    first = approved(office, office.employees[0])
    act(first, office.hr, decision="yes", comment="")
    participation = Participation.objects.get(case=first)
    client.force_login(office.hr)
    url = f"/admin/fortbildung/teilnahmen/{participation.pk}/abmelden/"
    asking = client.get(url)
    assert asking.status_code == 200 and "Ja, abmelden" in asking.content.decode()
    assert Participation.objects.get(pk=participation.pk).status == "confirmed"
    mail.outbox.clear()
    client.post(url)
    assert Participation.objects.get(pk=participation.pk).status == "cancelled"
    [message] = [m for m in mail.outbox if m.to == [office.employees[0].email]]
    assert "Ihre Abmeldung" in message.subject


def test_the_statistics_default_to_the_years_that_have_courses(office):
    import datetime

    from flows.training.admin_views import default_period

    Course.objects.filter(pk=office.course.pk).update(
        starts_on=datetime.date(2016, 3, 1), ends_on=datetime.date(2016, 3, 2)
    )
    assert default_period() == (datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    from django.utils import timezone

    today = timezone.localdate()
    CourseFactory(starts_on=today, ends_on=today)  # one this year: the year itself
    assert default_period() == (today.replace(month=1, day=1), today.replace(month=12, day=31))


def test_the_department_head_reads_the_recommendation_on_the_task(office):
    from flows.training.forms import HeadDecisionForm

    case = register(office, office.employees[0])
    act(case, selectors.open_task_for_case(case=case).owner, decision="yes", comment="Passt gut")
    task = selectors.open_task_for_case(case=case)
    form = HeadDecisionForm(case=case, task=task)
    assert "Empfehlung der Sachgebietsleitung: Ja, empfohlen" in form.fields["decision"].help_text
    assert "Passt gut" in form.fields["decision"].help_text


def test_the_course_list_shows_dates_and_free_places_as_they_change(office):
    from flows.training.services import offer_course
    from serviceportal.catalogues import CatalogueEntry

    offer_course(office.course)
    entry = CatalogueEntry.objects.get(code=office.course.code)
    assert office.course.dates_label in entry.label and "1 Platz frei" in entry.label
    first = approved(office, office.employees[0])
    act(first, office.hr, decision="yes", comment="")
    entry.refresh_from_db()
    assert "ausgebucht" in entry.label
    training.cancel_participation(participation=Participation.objects.get(case=first), actor=None)
    entry.refresh_from_db()
    assert "1 Platz frei" in entry.label

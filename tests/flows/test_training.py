"""Internal training end to end on the demo's directory: approvals, rejection, documents,
statistics (places and the waiting list: test_training_places.py, on factories)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from openpyxl import load_workbook
from pypdf import PdfReader

from flows import selectors, workspace
from flows.models import Course, Participation
from flows.training import documents as training_documents
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.cases.models import CaseStatus
from portal_site.cases.services import open_case
from portal_site.processes import start_process
from serviceportal.submission import status_path
from tests.flows.test_charts import end_reached
from tests.shop.helpers import inputs_for

pytestmark = pytest.mark.django_db(transaction=True)


def register(personnel_number="2001", code="A-2016-01", age="41-55 Jahre"):
    employee = Employee.objects.get(personnel_number=personnel_number)
    values = {
        "personnel_number": personnel_number,
        "fortbildung": code,
        "altersgruppe": age,
        "berufsgruppe": "Allgemeine Verwaltung, einschließlich Kulturbereich",
        "arbeitszeit": "vollzeitbeschäftigt",
        "funktion": "Sachbearbeiter/in bzw. Mitarbeiter/in",
        "erneute_anmeldung": False,
        "besondere_hilfe": True,
        "lernziele": "Sicherer vor Gruppen sprechen",
    }
    case = open_case(
        process_key="training_registration",
        title="Anmeldung für die Teilnahme an einer Fortbildung",
        data={
            "answers": [],
            "values": values,
            "inputs": inputs_for(values, "training_registration"),
        },
        applicant_name=f"{employee.first_name} {employee.last_name}",
        applicant_email=employee.email,
        office=OrgUnit.objects.get(short_name="10.3"),
    )
    start_process(key="training_registration", case=case)
    return case


def user(username: str) -> User:
    return User.objects.get(username=username)


def act(case, username: str, **data) -> str:
    task = selectors.open_task_for_case(case=case)
    assert task is not None, "no open task"
    who = user(username)
    if task.owner_id is None:
        workspace.claim_task(task_id=task.pk, user=who)
    assert task.owner_id in (None, who.pk), f"task belongs to {task.owner}"
    return workspace.complete_step(task_id=task.pk, user=who, data=data)


def supervisor_of(case) -> str:
    """The supervisor's task is theirs; an employee without one has it in HR's queue."""
    task = selectors.open_task_for_case(case=case)
    return task.owner.username if task.owner_id else "personalentwicklung"


def approve_by_supervisors(case):
    act(case, supervisor_of(case), decision="yes", comment="Gut")
    act(case, supervisor_of(case), decision="yes", comment="")


def subjects_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if address in m.to]


def test_the_whole_path_to_a_confirmed_place(demo, client):
    case = register()
    participation = Participation.objects.get(case=case)
    assert participation.course.code == "A-2016-01" and participation.assistance
    lead_task = selectors.open_task_for_case(case=case)
    assert lead_task.owner == user("sachgebietsleitung")  # the applicant's team lead
    assert list(selectors.my_tasks(user=user("sachgebietsleitung"))) == [lead_task]
    assert selectors.can_see_case(user=user("sachgebietsleitung"), case=case)
    case.refresh_from_db()
    assert case.status_label == "Eingegangen – Empfehlung der Führungskraft"

    act(case, "sachgebietsleitung", decision="yes", comment="Sollte unterstützen")
    case.refresh_from_db()  # the status follows the process (the lead never "took" the task)
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.status_label == "In Bearbeitung – Prüfung durch die Amtsleitung"
    status_page = client.get(status_path(case)).content.decode()
    assert "In Bearbeitung – Prüfung durch die Amtsleitung" in status_page
    recommendation = case.files.get(filename=f"Empfehlung-{case.number}.pdf")
    with recommendation.file.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert "Hans Mustermann" in text and "Sollte unterstützen" in text

    head_task = selectors.open_task_for_case(case=case)
    assert head_task.owner == user("abteilungsleitung")
    act(case, "abteilungsleitung", decision="yes", comment="")
    assert any("Zustimmung erteilt" in s for s in subjects_to("hans.mustermann@kassel.de"))

    hr_task = selectors.open_task_for_case(case=case)
    assert hr_task.owner is None  # in HR development's queue
    assert hr_task in selectors.queue_tasks(user=user("personalentwicklung"))
    case.refresh_from_db()
    assert case.due_date is not None
    client.force_login(user("personalentwicklung"))
    workspace.claim_task(task_id=hr_task.pk, user=user("personalentwicklung"))
    page = client.get(f"/admin/aufgaben/{hr_task.pk}/").content.decode()
    assert "0 von 12 Plätzen vergeben" in page
    act(case, "personalentwicklung", decision="yes", comment="")
    participation.refresh_from_db()
    case.refresh_from_db()
    assert participation.status == Participation.Status.CONFIRMED
    assert case.status == CaseStatus.COMPLETED
    assert any("ist bestätigt" in s for s in subjects_to("hans.mustermann@kassel.de"))


def test_department_head_rejection_tells_the_employee_and_ends_the_case(demo):
    case = register()
    act(case, "sachgebietsleitung", decision="no", comment="Zurzeit unabkömmlich")
    act(case, "abteilungsleitung", decision="no", comment="Projektphase bis Juli")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert Participation.objects.get(case=case).status == Participation.Status.REJECTED
    assert selectors.open_task_for_case(case=case) is None
    assert end_reached(case) == "end_rejected"
    [message] = [m for m in mail.outbox if "nicht zugestimmt" in m.body]
    assert "Projektphase bis Juli" in message.body


def test_documents_list_the_confirmed_participants(demo):
    course = Course.objects.get(code="A-2016-12")
    for number in ("2001", "2002"):
        case = register(number, code="A-2016-12")
        approve_by_supervisors(case)
        act(case, "personalentwicklung", decision="yes", comment="")
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(training_documents.attendance_list_pdf(course))).pages
    )
    assert "Anwesenheitsliste" in text and "Englisch 2" in text
    assert "Mustermann, Hans" in text and "Beispiel, Silvia" in text
    cards = PdfReader(io.BytesIO(training_documents.table_cards_pdf(course)))
    assert len(cards.pages) == 2
    assert "Silvia Beispiel" in cards.pages[0].extract_text() + cards.pages[1].extract_text()


def test_certificates_go_out_once_after_the_last_day(demo):
    course = Course.objects.get(code="A-2016-03")
    case = register("2001", code="A-2016-03")
    approve_by_supervisors(case)
    act(case, "personalentwicklung", decision="yes", comment="")

    assert training_documents.send_certificates(today=course.ends_on) == 0
    assert training_documents.send_certificates(today=course.ends_on + timedelta(days=1)) == 1
    assert training_documents.send_certificates(today=course.ends_on + timedelta(days=2)) == 0
    [message] = [m for m in mail.outbox if "Teilnahmebescheinigung" in m.subject]
    assert message.to == ["hans.mustermann@kassel.de"]
    name, content, _mime = message.attachments[0]
    assert name == f"Teilnahmebescheinigung-{case.number}.pdf"
    assert "Hans Mustermann" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_statistics_count_by_course_and_statistics_lists(demo):
    course = Course.objects.get(code="A-2016-01")
    course.places = 1
    course.save()
    a, b, c = register("2001"), register("2002", age="26-40 Jahre"), register("2003")
    for case in (a, b):
        approve_by_supervisors(case)
    act(a, "personalentwicklung", decision="yes", comment="")
    act(b, "personalentwicklung", decision="waiting", comment="")
    act(c, supervisor_of(c), decision="no", comment="")
    act(c, supervisor_of(c), decision="no", comment="")

    figures = training_documents.statistics(
        period_from=date(2027, 1, 1), period_to=date(2027, 12, 31)
    )
    row = figures["course"][str(course)]
    assert (row["registrations"], row["approved"], row["rejected"], row["waiting"]) == (3, 1, 1, 1)
    assert row["participants"] == 1
    assert figures["age_group"]["26-40 Jahre"]["waiting"] == 1
    assert figures["age_group"]["41-55 Jahre"]["registrations"] == 2

    book = load_workbook(
        io.BytesIO(
            training_documents.statistics_xlsx(
                period_from=date(2027, 1, 1), period_to=date(2027, 12, 31)
            )
        )
    )
    assert book.sheetnames == ["Kurse", "Altersgruppe", "Berufsgruppe", "Arbeitszeit", "Funktion"]
    sheet = book["Kurse"]
    assert [c.value for c in sheet[1]] == [
        "Kurse",
        "Anmeldungen",
        "Zusagen",
        "Ablehnungen",
        "Nachrückerliste",
        "Teilnehmende",
    ]
    assert [c.value for c in sheet[2]] == [str(course), 3, 1, 1, 1, 1]
    # Nothing outside the period.
    empty = training_documents.statistics(
        period_from=date(2020, 1, 1), period_to=date(2020, 12, 31)
    )
    assert empty["course"] == {}


def test_a_course_hr_adds_or_renames_in_the_admin_is_offered_in_the_portal(staff, client):
    from serviceportal.catalogues import CatalogueEntry

    client.force_login(user("personalentwicklung"))
    fields = {
        "code": "A-2027-99",
        "title": "Gesprächsführung",
        "starts_on": "2027-06-01",
        "ends_on": "2027-06-02",
        "place": "Rathaus",
        "trainer": "",
        "places": "12",
        "description": "",
    }
    assert client.post("/admin/fortbildung/kurse/new/", fields).status_code == 302
    course = Course.objects.get(code="A-2027-99")
    entry = CatalogueEntry.objects.get(catalogue__name="Fortbildungsprogramm", code=course.code)
    assert entry.label.startswith("Gesprächsführung (") and "Plätze frei" in entry.label
    edit = f"/admin/fortbildung/kurse/edit/{course.pk}/"
    fields["title"] = "Gesprächsführung für Führungskräfte"
    assert client.post(edit, fields).status_code == 302
    entry.refresh_from_db()
    assert entry.label.startswith("Gesprächsführung für Führungskräfte (")

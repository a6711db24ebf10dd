"""The designer's step kinds run on the interpreter: parallel, fee, reservation, document,
routed queues, clerk fields, deadlines; and the shipped processes end to end."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows import deadlines, selectors, workspace
from flows.designer import sharing
from flows.designer.check import problems
from flows.designer.effects import active_reservations
from flows.designer.flow import DesignedFlow
from flows.designer.models import Reservation, Resource
from flows.designer.services import publish, published_processes
from portal_site.accounts import roles
from portal_site.accounts.models import OrgUnit, User
from portal_site.cases.models import Case, CaseFile, CaseStatus
from portal_site.notifications.models import OutboxMessage
from portal_site.processes import start_process
from shop import services
from shop.models import Invoice
from tests.concurrency import run_in_parallel
from tests.factories import UserFactory, case_for
from tests.flows.test_charts import end_reached

pytestmark = pytest.mark.django_db(transaction=True)

END = {"kind": "end", "id": "ende", "outcome": "completed"}


def task(step_id, next_step="", **settings):
    return {
        "kind": "task",
        "id": step_id,
        "title": f"Aufgabe {step_id}",
        "decisions": [{"value": "ja", "label": "Ja"}, {"value": "nein", "label": "Nein"}],
        "next": next_step,
        **settings,
    }


def design(steps, *, inputs=(), office="34", key=None) -> str:
    key = key or f"probe-{uuid.uuid4().hex[:8]}"
    data = {
        "format": sharing.FORMAT,
        "key": key,
        "name": f"Probe {key}",
        "office": office,
        "inputs": [
            {"name": name, "label": name, "kind": "text", "required": False} for name in inputs
        ],
        "steps": list(steps),
    }
    publish(design=sharing.import_design(data))
    return f"gestaltet-{key}"


def start(process_key, email="antrag@example.org", **inputs) -> Case:
    case = case_for(
        process_key,
        office=None,
        values=inputs,
        inputs=inputs,
        applicant_name="Erika Musterfrau",
        applicant_email=email,
    )
    start_process(key=process_key, case=case)
    case.refresh_from_db()
    return case


def do(user, task_obj, decision="ja", **values):
    if task_obj.owner_id is None:
        workspace.claim_task(task_id=task_obj.pk, user=user)
    return workspace.complete_step(
        task_id=task_obj.pk, user=user, data={"decision": decision, "values": values}
    )


def open_tasks(case):
    from portal_site.cases.processes import of_cases

    return Task.objects.filter(
        of_cases(case.pk), flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


@pytest.fixture
def budget(staff):
    """The budget office's clerk (a second office, for tasks routed there)."""
    return User.objects.get(username="kaemmerei")


# -- Parallel


@pytest.mark.parametrize("mode", ["all", "any"])
def test_a_parallel_step_goes_on_when_all_or_the_first_task_is_decided(staff, budget, mode):
    key = design(
        [
            {
                "kind": "parallel",
                "id": "gleichzeitig",
                "tasks": ["a", "b"],
                "mode": mode,
                "next": "ende",
            },
            task("a"),
            task("b", assignee="other_office", office="20"),
            END,
        ]
    )
    case = start(key)
    registrar = User.objects.get(username="standesamt")
    [mine] = selectors.queue_tasks(user=registrar)  # b waits in the budget office's queue
    [theirs] = selectors.queue_tasks(user=budget)
    assert mine.data["designed_step"] == "a" and theirs.data["designed_step"] == "b"
    assert selectors.can_see_case(user=budget, case=case)
    do(registrar, mine)
    case.refresh_from_db()
    if mode == "all":
        assert case.status != CaseStatus.COMPLETED
        do(budget, Task.objects.get(pk=theirs.pk), decision="nein")
        case.refresh_from_db()
        assert Task.objects.get(pk=theirs.pk).status == STATUS.DONE
    else:
        assert Task.objects.get(pk=theirs.pk).status == STATUS.CANCELED
        assert "zurückgezogen" in " ".join(case.timeline.values_list("message", flat=True))
    assert case.status == CaseStatus.COMPLETED and end_reached(case) == "end"
    assert not open_tasks(case).exists()


def test_the_parallel_decisions_are_read_by_a_later_branch(staff):
    key = design(
        [
            {"kind": "parallel", "id": "p", "tasks": ["a", "b"], "mode": "all", "next": "w"},
            task("a"),
            task("b"),
            {
                "kind": "branch",
                "id": "w",
                "conditions": [
                    {
                        "source": "decision:b",
                        "operator": "equals",
                        "value": "nein",
                        "next": "abgelehnt",
                    }
                ],
                "default": "ende",
            },
            {"kind": "end", "id": "abgelehnt", "outcome": "rejected"},
            END,
        ]
    )
    case = start(key)
    registrar = User.objects.get(username="standesamt")
    first, second = sorted(open_tasks(case), key=lambda t: t.data["designed_step"])
    do(registrar, first)
    do(registrar, Task.objects.get(pk=second.pk), decision="nein")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


def test_two_parallel_tasks_decided_at_the_same_moment_go_on_once(postgres_only, budget):
    key = design(
        [
            {"kind": "parallel", "id": "p", "tasks": ["a", "b"], "mode": "all", "next": "mail"},
            task("a"),
            task("b", assignee="other_office", office="20"),
            {
                "kind": "email",
                "id": "mail",
                "to": "applicant",
                "subject": "Fertig {case_number}",
                "body": "Fertig.",
                "next": "ende",
            },
            END,
        ]
    )
    case = start(key)
    registrar = User.objects.get(username="standesamt")
    a = next(t for t in open_tasks(case) if t.data["designed_step"] == "a")
    b = next(t for t in open_tasks(case) if t.data["designed_step"] == "b")
    workspace.claim_task(task_id=a.pk, user=registrar)
    workspace.claim_task(task_id=b.pk, user=budget)
    results, errors = run_in_parallel(
        [
            lambda: workspace.complete_step(task_id=a.pk, user=registrar, data={"decision": "ja"}),
            lambda: workspace.complete_step(task_id=b.pk, user=budget, data={"decision": "ja"}),
        ]
    )
    assert errors == [] and len(results) == 2
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert OutboxMessage.objects.filter(case=case, subject=f"Fertig {case.number}").count() == 1


# -- routed queues, roles, clerk fields, deadlines


def test_a_task_for_a_role_waits_in_the_queue_of_everyone_with_it(staff, budget):
    key = design([task("freigabe", "ende", assignee="role", role=roles.DEPARTMENT_HEAD), END])
    case = start(key)
    head = User.objects.get(username="abteilungsleitung")
    registrar = User.objects.get(username="standesamt")
    [waiting] = selectors.queue_tasks(user=head)
    assert not selectors.queue_tasks(user=registrar)  # not in the case office's queue
    assert not selectors.can_see_case(user=budget, case=case)
    with pytest.raises(workspace.NotAllowed):
        workspace.claim_task(task_id=waiting.pk, user=budget)
    do(head, waiting)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert selectors.can_see_case(user=head, case=case)  # the task stays theirs


def test_the_clerk_fills_in_fields_that_later_steps_read(staff):
    key = design(
        [
            task(
                "termin",
                "mail",
                fields=[
                    {"name": "datum", "label": "Datum", "kind": "date", "required": True},
                    {
                        "name": "raum",
                        "label": "Raum",
                        "kind": "choice",
                        "choices": "Trauzimmer\nSchloss",
                        "required": True,
                    },
                ],
            ),
            {
                "kind": "email",
                "id": "mail",
                "to": "applicant",
                "subject": "Termin am {datum}",
                "body": "Ort: {raum}",
                "next": "ende",
            },
            END,
        ]
    )
    case = start(key)
    registrar = User.objects.get(username="standesamt")
    [todo] = open_tasks(case)
    from flows.designer.task_forms import DesignedTaskForm

    form = DesignedTaskForm(
        data={"field_datum": "2027-05-14", "field_raum": "Mars", "decision": "ja"},
        case=case,
        task=todo,
    )
    assert not form.is_valid() and "field_raum" in form.errors
    form = DesignedTaskForm(
        data={"field_datum": "2027-05-14", "field_raum": "Schloss", "decision": "ja"},
        case=case,
        task=todo,
    )
    assert form.is_valid(), form.errors
    workspace.claim_task(task_id=todo.pk, user=registrar)
    workspace.complete_step(task_id=todo.pk, user=registrar, data=form.cleaned_data)
    [message] = [m for m in mail.outbox if m.subject.startswith("Termin am")]
    assert message.subject == "Termin am 14.05.2027" and "Ort: Schloss" in message.body


def test_a_task_s_own_deadline_reminds_and_escalates(staff):
    key = design([task("pruefen", "ende", days=2, escalate_after_days=1), END])
    case = start(key)
    [todo] = open_tasks(case)
    assert todo.data["deadline_days"] == 2
    assert deadlines.deadline_of(todo).escalate_after_days == 1
    Task.objects.filter(pk=todo.pk).update(created=timezone.now() - datetime.timedelta(days=4))
    counts = deadlines.remind_and_escalate()
    assert counts == {"reminded": 1, "escalated": 1}


# -- Gebühr


def fee_design(**line):
    return design(
        [
            {
                "kind": "fee",
                "id": "gebuehr",
                "subject": "Gebühr {case_number}",
                "lines": [{"booking_key": "300", **line}],
                "next": "danke",
                "unpaid": "storniert",
            },
            {
                "kind": "email",
                "id": "danke",
                "to": "applicant",
                "subject": "Bezahlt: {invoice_reference}",
                "body": "Danke für {invoice_total}.",
                "next": "ende",
            },
            {"kind": "end", "id": "storniert", "outcome": "cancelled"},
            END,
        ],
        inputs=["anzahl"],
    )


def pay(invoice) -> None:
    """The cash office books the whole amount by hand."""
    services.confirm_payment_by_hand(
        invoice=invoice,
        amount=invoice.total,
        received_on=timezone.localdate(),
        note="Kasse",
        actor=User.objects.get(username="stadtkasse"),
        token=str(uuid.uuid4()),
    )


def test_a_fee_step_invoices_waits_for_the_money_and_goes_on_when_paid(staff):
    case = start(fee_design(quantity_from="anzahl"), anzahl="2")
    invoice = Invoice.objects.get(case=case)
    assert invoice.total == Decimal("20.00") and invoice.lines.count() == 2
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT
    pay(invoice)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    [thanks] = [m for m in mail.outbox if m.subject == f"Bezahlt: {invoice.reference}"]
    assert "20,00 €" in thanks.body


def test_a_case_paid_for_is_in_progress_again_while_a_task_follows(staff):
    key = design(
        [
            {
                "kind": "fee",
                "id": "gebuehr",
                "subject": "Gebühr",
                "lines": [{"booking_key": "300"}],
                "next": "einplanen",
                "unpaid": "storniert",
            },
            task("einplanen", "ende"),
            {"kind": "end", "id": "storniert", "outcome": "cancelled"},
            END,
        ]
    )
    case = start(key)
    invoice = Invoice.objects.get(case=case)
    assert case.status == CaseStatus.WAITING_FOR_PAYMENT
    pay(invoice)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert [t.data["designed_step"] for t in open_tasks(case)] == ["einplanen"]


def test_an_unpaid_fee_takes_the_storno_and_the_designer_s_exit(staff):
    case = start(fee_design())
    invoice = Invoice.objects.get(case=case)
    services.cancel_invoice(invoice=invoice, reason="nicht bezahlt", actor=None)
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and end_reached(case) == "end"
    assert case.personal_data_deleted_at is not None


@pytest.mark.parametrize("bad", ["0", "2,5", "abc", "5000"])
def test_a_quantity_that_is_no_whole_number_stops_in_the_error_state(staff, bad):
    case = start(fee_design(quantity_from="anzahl"), anzahl=bad)
    assert not Invoice.objects.filter(case=case).exists()
    process = DesignedFlow.process_class.objects.get(artifact_object_id=case.pk)
    assert "ganze Zahl" in process.error


def test_the_check_knows_the_fee_schedule(staff):
    data = {
        "inputs": [],
        "steps": [
            {
                "kind": "fee",
                "id": "g",
                "subject": "x",
                "lines": [{"booking_key": "999"}],
                "next": "ende",
                "unpaid": "",
            },
            END,
        ],
    }
    found = " ".join(problems(data))
    assert "„999“" in found and "Storno" in found


# -- Reservierung


ROOM_STEPS = [
    {
        "kind": "reserve",
        "id": "reservieren",
        "resource_from": "raum",
        "date_from": "datum",
        "start_from": "beginn",
        "end_from": "ende_zeit",
        "count_from": "personen",
        "next": "bestaetigung",
        "refused": "belegt",
    },
    {
        "kind": "email",
        "id": "bestaetigung",
        "to": "applicant",
        "subject": "{resource} am {reservation}",
        "body": "Reserviert.",
        "attach_calendar": True,
        "next": "warten",
    },
    task("warten", "ende"),
    {"kind": "end", "id": "belegt", "outcome": "rejected"},
    END,
]
ROOM_INPUTS = ["raum", "datum", "beginn", "ende_zeit", "personen"]


@pytest.fixture
def rooms(staff):
    Resource.objects.create(name="Besprechungsraum 101", capacity=12, location="Rathaus")
    Resource.objects.create(name="Sitzplätze Ratssaal", kind=Resource.Kind.SEATS, capacity=10)
    return design(ROOM_STEPS, inputs=ROOM_INPUTS)


def book(key, room="Besprechungsraum 101", start="09:00", end="11:00", people="5"):
    return start_case(
        key, raum=room, datum="2027-03-01", beginn=start, ende_zeit=end, personen=people
    )


def start_case(key, **inputs):
    return start(key, **inputs)


def test_a_reservation_holds_the_room_and_the_confirmation_carries_an_ics(rooms):
    case = book(rooms)
    [reservation] = active_reservations(case)
    assert reservation.resource.name == "Besprechungsraum 101"
    assert timezone.localtime(reservation.starts_at).hour == 9
    message = OutboxMessage.objects.get(case=case)
    assert message.subject == "Besprechungsraum 101 am 01.03.2027, 09:00–11:00 Uhr"
    [attachment] = message.attachments
    ics = CaseFile.objects.get(pk=attachment["case_file"])
    event = icalendar.Calendar.from_ical(ics.file.read()).walk("VEVENT")[0]
    assert event["LOCATION"] == "Rathaus"
    assert event.decoded("DTSTART") == reservation.starts_at
    assert event.decoded("DTEND") == reservation.ends_at


@pytest.mark.parametrize(
    ("room", "start", "end", "people", "reason"),
    [
        ("Besprechungsraum 101", "10:00", "12:00", "2", "bereits reserviert"),
        ("Besprechungsraum 101", "11:00", "12:00", "20", "fasst 12"),
        ("Sitzplätze Ratssaal", "09:00", "10:00", "8", "bereits reserviert"),
    ],
    ids=["overlap", "capacity", "seats-full"],
)
def test_overlapping_or_too_large_reservations_are_refused(rooms, room, start, end, people, reason):
    book(rooms)
    book(rooms, room="Sitzplätze Ratssaal", people="3")
    case = book(rooms, room=room, start=start, end=end, people=people)
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and not active_reservations(case).exists()
    assert reason in " ".join(case.timeline.values_list("message", flat=True))


def test_back_to_back_bookings_and_shared_seats_fit(rooms):
    book(rooms)
    after = book(rooms, start="11:00", end="12:00")
    seats = [book(rooms, room="Sitzplätze Ratssaal", people="5") for _ in range(2)]
    for case in (after, *seats):
        assert active_reservations(case).count() == 1


def test_cancelling_the_case_frees_the_room(rooms):
    first = book(rooms)
    workspace.cancel_with_tasks(
        case=first, user=User.objects.get(username="standesamt"), reason="Termin fällt aus"
    )
    assert not active_reservations(first).exists()
    second = book(rooms)
    assert active_reservations(second).count() == 1


def test_two_bookings_of_one_room_at_the_same_moment_reserve_it_once(postgres_only, rooms):
    results, errors = run_in_parallel([lambda: book(rooms) for _ in range(3)])
    assert errors == [] and len(results) == 3
    assert Reservation.objects.filter(released_at__isnull=True).count() == 1
    assert Case.objects.filter(status=CaseStatus.REJECTED).count() == 2


# -- Dokument


def test_a_document_is_filed_and_attached_to_a_later_mail(staff):
    key = design(
        [
            {
                "kind": "document",
                "id": "bescheid",
                "title": "Bescheid",
                "subject": "Bescheid zu {case_number}",
                "body": "Genehmigt für {applicant_name}.",
                "next": "mail",
            },
            {
                "kind": "email",
                "id": "mail",
                "to": "applicant",
                "subject": "Ihr Bescheid",
                "body": "Anbei.",
                "attach_documents": "bescheid",
                "next": "ende",
            },
            END,
        ]
    )
    case = start(key)
    document = CaseFile.objects.get(case=case, title="Bescheid")
    assert document.filename == f"Bescheid-{case.number}.pdf"
    message = OutboxMessage.objects.get(case=case)
    assert [a["case_file"] for a in message.attachments] == [document.pk]


# -- the shipped processes


@pytest.fixture
def library(staff, budget):
    from flows.designer.demo import load_resources

    load_resources()
    sharing.install_library()


def test_raumplanung_reserves_offers_another_room_and_confirms(library):
    organisation = UserFactory(
        username="organisation", role=roles.CLERK, org_unit=OrgUnit.objects.get(short_name="10.1")
    )
    inputs = {
        "raum": "Besprechungsraum 214",
        "datum": "2027-03-01",
        "beginn": "09:00",
        "ende": "10:00",
        "teilnehmende": "10",
        "anlass": "Klausur",
        "bewirtung": "keine",
    }
    case = start("gestaltet-raumplanung", **inputs)  # 214 holds 8: refused at once
    assert not active_reservations(case).exists()
    [offer] = open_tasks(case)
    do(organisation, offer, decision="angeboten", raum="Besprechungsraum 101")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert active_reservations(case).get().resource.name == "Besprechungsraum 101"
    message = OutboxMessage.objects.get(case=case)
    assert "Besprechungsraum 101 ist für Sie reserviert" in message.subject
    assert message.attachments[0]["filename"].endswith(".ics")


def test_wiederbesetzung_checks_in_parallel_and_files_the_decision(library, budget):
    head = User.objects.get(username="abteilungsleitung")
    clerk = UserFactory(
        username="personal", role=roles.CLERK, org_unit=OrgUnit.objects.get(short_name="10")
    )
    case = start(
        "gestaltet-wiederbesetzung",
        stellennummer="10-123",
        entgeltgruppe="9",
        grund="Ruhestand",
        besetzung_zum="2027-04-01",
    )
    hr = next(t for t in open_tasks(case) if t.data["designed_step"] == "stellenplan")
    money = next(t for t in open_tasks(case) if t.data["designed_step"] == "haushalt")
    do(clerk, hr, bewertung="EG 9")
    do(budget, money)
    assert any(m.to == ["personalrat@kassel.de"] for m in mail.outbox)
    [decision] = selectors.queue_tasks(user=head)
    do(head, decision, decision="zustimmung")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    letter = CaseFile.objects.get(case=case, title="Bescheid Wiederbesetzung")
    reply = OutboxMessage.objects.get(
        case=case, subject=f"Wiederbesetzung {case.number}: freigegeben"
    )
    assert reply.attachments[0]["case_file"] == letter.pk


def test_sterbefall_asks_for_documents_then_books_the_appointment(library):
    registrar = User.objects.get(username="standesamt")
    case = start(
        "gestaltet-sterbefall", familienname="Beispiel", vorname="Berta", sterbedatum="2026-11-20"
    )
    do(registrar, open_tasks(case).get(), decision="nachreichen", fehlt="Todesbescheinigung")
    assert any("Todesbescheinigung" in m.body for m in mail.outbox)
    [again] = selectors.my_tasks(user=registrar)  # the same clerk checks again
    do(registrar, again, decision="vollstaendig")
    [appointment] = open_tasks(case)
    do(
        registrar,
        appointment,
        decision="vergeben",
        termin_datum="2026-11-25",
        termin_uhrzeit="10:30",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert any("25.11.2026 um 10:30 Uhr im Standesamt" in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    ("operator", "compared", "value", "holds"),
    [
        ("equals", "Kassel", "kassel", True),
        ("equals", "Kassel", "Baunatal", False),
        ("one_of", "Kassel, Baunatal", "Baunatal", True),
        ("one_of", "Kassel, Baunatal", "Vellmar", False),
        ("less", "10", "9,5", True),
        ("less", "10", "10", False),
        ("greater", "10", "11", True),
        ("greater", "10", "keine Zahl", False),
        ("empty", "", "", True),
        ("empty", "", "etwas", False),
        ("contains", "müll", "Sperrmüll", True),
        ("contains", "müll", "Altglas", False),
    ],
)
def test_a_running_case_takes_the_branch_its_condition_decides(
    staff, operator, compared, value, holds
):
    key = design(
        [
            {
                "kind": "branch",
                "id": "w",
                "conditions": [
                    {"source": "wert", "operator": operator, "value": compared, "next": "ja"}
                ],
                "default": "nein",
            },
            {"kind": "end", "id": "ja", "outcome": "completed"},
            {"kind": "end", "id": "nein", "outcome": "rejected"},
        ],
        inputs=["wert"],
    )
    case = start(key, wert=value)
    assert case.status == (CaseStatus.COMPLETED if holds else CaseStatus.REJECTED)


def test_a_test_run_uses_the_real_workspace_charges_nothing_and_is_cleaned_up(staff, client):
    from flows.designer.models import ProcessDesign

    key = design(
        [
            {
                "kind": "fee",
                "id": "gebuehr",
                "subject": "Gebühr",
                "lines": [{"booking_key": "300"}],
                "next": "pruefen",
                "unpaid": "ende",
            },
            task("pruefen", "mail"),
            {
                "kind": "email",
                "id": "mail",
                "to": "applicant",
                "subject": "Test {wert}",
                "body": "Hallo",
                "next": "ende",
            },
            END,
        ],
        inputs=["wert"],
    )
    probe = ProcessDesign.objects.get(key=key.removeprefix("gestaltet-"))
    admin = User.objects.get(username="administration")
    numbered = probe.latest_version()
    client.force_login(admin)
    response = client.post(f"/admin/prozesse/{probe.pk}/testlauf/", {"input_wert": "42"})
    [case] = Case.objects.filter(data__test_run=True)
    assert response.status_code == 302 and response.url.endswith(f"/{case.number}/")
    assert not Invoice.objects.exists()  # a test run invoices nothing
    [todo] = selectors.queue_tasks(user=User.objects.get(username="standesamt"))
    do(admin, todo)
    [message] = OutboxMessage.objects.filter(case=case)
    assert message.to == [admin.email] and message.subject == "Test 42"
    assert probe.latest_version() == numbered  # the test version is no published one
    assert probe.process_key in {d.key for d in published_processes()}
    page = client.get(f"/admin/prozesse/{probe.pk}/veroeffentlichen/").content.decode()
    assert case.number in page

    client.post(f"/admin/prozesse/{probe.pk}/testlauf/", {"action": "end"})
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not OutboxMessage.objects.filter(subject="Test 42").exists()
    assert not Task.objects.filter(process__artifact_object_id=case.pk).exists()
    assert not probe.versions.filter(is_test=True).exists()
    assert probe.versions.count() == 1
    client.force_login(User.objects.get(username="stadtarchiv"))
    denied = client.post(f"/admin/prozesse/{probe.pk}/testlauf/", {"input_wert": "1"})
    assert denied.status_code in (302, 403) and not Case.objects.filter(data__test_run=True)


def test_a_time_that_cannot_be_read_takes_the_not_available_step_with_the_reason(rooms):
    case = book(rooms, start="9 Uhr")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and not active_reservations(case).exists()
    assert "9 Uhr" in " ".join(case.timeline.values_list("message", flat=True))


@pytest.mark.parametrize(
    ("ort", "anzahl", "expected"),
    [
        ("Kassel", "5", CaseStatus.COMPLETED),  # both hold (and)
        ("Kassel", "50", CaseStatus.CANCELLED),  # only the first: the second arm (or)
        ("Baunatal", "50", CaseStatus.CANCELLED),
        ("Baunatal", "5", CaseStatus.REJECTED),  # none: the default
    ],
)
def test_conditions_combine_with_and_inside_one_and_or_across_several(staff, ort, anzahl, expected):
    key = design(
        [
            {
                "kind": "branch",
                "id": "w",
                "conditions": [
                    {
                        "source": "ort",
                        "operator": "equals",
                        "value": "Kassel",
                        "also": [{"source": "anzahl", "operator": "less", "value": "10"}],
                        "next": "klein",
                    },
                    {"source": "anzahl", "operator": "greater", "value": "10", "next": "gross"},
                    {"source": "ort", "operator": "equals", "value": "Kassel", "next": "gross"},
                ],
                "default": "sonst",
            },
            {"kind": "end", "id": "klein", "outcome": "completed"},
            {"kind": "end", "id": "gross", "outcome": "cancelled"},
            {"kind": "end", "id": "sonst", "outcome": "rejected"},
        ],
        inputs=["ort", "anzahl"],
    )
    assert start(key, ort=ort, anzahl=anzahl).status == expected


def test_an_and_condition_travels_through_bpmn_and_is_checked(staff):
    from flows.designer.bpmn import export_bpmn
    from flows.designer.bpmn_import import import_bpmn

    steps = [
        {
            "kind": "branch",
            "id": "w",
            "conditions": [
                {
                    "source": "ort",
                    "operator": "equals",
                    "value": "Kassel",
                    "also": [{"source": "gibtsnicht", "operator": "empty", "value": ""}],
                    "next": "ende",
                }
            ],
            "default": "ende",
        },
        END,
    ]
    back = import_bpmn(export_bpmn(key="k", name="k", definition={"steps": steps}))
    assert back["steps"][0]["conditions"][0]["also"] == steps[0]["conditions"][0]["also"]
    found = problems({"inputs": [{"name": "ort", "label": "Ort", "kind": "text"}], "steps": steps})
    assert any("„gibtsnicht“" in problem for problem in found)


def test_a_step_that_fails_unexpectedly_is_undone_and_waits_for_a_retry(staff):
    from flows.designer.models import ProcessDesignVersion

    key = design(
        [
            task("pruefen", "mail"),
            {
                "kind": "email",
                "id": "mail",
                "to": "applicant",
                "subject": "S",
                "body": "B",
                "next": "ende",
            },
            END,
        ]
    )
    version = ProcessDesignVersion.objects.get(design__key=key.removeprefix("gestaltet-"))
    broken = version.definition
    broken["steps"][1].update(to="role", role="gibt_es_nicht")  # as a damaged import might
    ProcessDesignVersion.objects.filter(pk=version.pk).update(definition=broken)
    case = start(key)
    registrar = User.objects.get(username="standesamt")
    do(registrar, open_tasks(case).get())  # the clerk's decision counts
    process = DesignedFlow.process_class.objects.get(artifact_object_id=case.pk)
    assert "„mail“" in process.error
    assert process.decisions == {"pruefen": "ja"}
    assert not OutboxMessage.objects.filter(case=case).exists()


def test_erasing_a_case_erases_what_clerks_filled_in_and_frees_its_room(rooms):
    from portal_site.cases.erasure import erase_personal_data

    case = book(rooms)
    registrar = User.objects.get(username="standesamt")
    [todo] = open_tasks(case)
    do(registrar, todo)
    process = DesignedFlow.process_class.objects.get(artifact_object_id=case.pk)
    process.values = {"notiz": "Frau Musterfrau ruft zurück"}
    process.save(update_fields=["data"])
    erase_personal_data(case=case, reason="Aufbewahrungsfrist")
    process.refresh_from_db()
    assert process.values == {} and process.decisions == {"warten": "ja"}
    assert not active_reservations(case).exists()


# -- a kind is one module


def test_a_new_kind_is_one_module_and_check_drawing_bpmn_and_interpreter_read_it(staff):
    """What a kind module holds is all the designer needs of it: a kind registered
    here (not in any central list) is checked, drawn, exported, imported and run."""
    from wagtail import blocks

    from flows.designer.bpmn import export_bpmn
    from flows.designer.bpmn_import import import_bpmn
    from flows.designer.diagram import dot_source
    from flows.designer.kinds import base
    from flows.designer.models import ProcessDesign, ProcessDesignVersion
    from flows.designer.process import DesignedProcess
    from portal_site.accounts.models import OrgUnit

    @base.register
    class Note(base.StepKind):
        name = "note"
        order = 999

        def block(self):
            return blocks.StructBlock([("text", blocks.CharBlock())])

        def problems(self, step, check):
            found = super().problems(step, check)
            return found + ([] if step.get("text") else [f"„{step['id']}“ has no text"])

        def label(self, step, names):
            return f"Notiz: {step['text']}"

        def act(self, step, run):
            run.process.values = {**(run.process.values or {}), "notiz": step["text"]}

    try:
        definition = {
            "inputs": [],
            "steps": [
                {"kind": "note", "id": "merken", "text": "Akte anlegen", "next": "ende"},
                END,
            ],
        }
        assert problems(definition) == []
        assert problems({**definition, "steps": [{**definition["steps"][0], "text": ""}, END]})
        assert "Notiz: Akte anlegen" in dot_source(definition).source
        xml = export_bpmn(key="notiz", name="Notiz", definition=definition)
        assert b'sp:kind="note"' in xml
        assert import_bpmn(xml)["steps"][0] == definition["steps"][0]

        design = ProcessDesign.objects.create(
            key="notiz", name="Notiz", office=OrgUnit.objects.get(short_name="34")
        )
        ProcessDesignVersion.objects.create(design=design, number=1, definition=definition)
        case = start("gestaltet-notiz")
        process = DesignedProcess.objects.get(artifact_object_id=case.pk)
        assert process.values == {"notiz": "Akte anlegen"}
        assert case.status == CaseStatus.COMPLETED
    finally:
        base._KINDS.pop("note", None)

"""Segregation of duties (Vier-Augen-Prinzip): nobody decides a task of their own case, nor
two approval levels of one case; handing tasks over and escalation respect it.

The segregation matrix walks each approval task of the training registration and of the
designed Wiederbesetzung and asks, for the applicant and every earlier decider, that the
task is not offered to them and that taking, being given and completing it are refused.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows import segregation, selectors, workspace
from flows.designer.check import problems
from flows.designer.sharing import install_library
from flows.models import TaskExclusion
from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.cases.models import CaseStatus
from portal_site.cases.parties import is_party
from portal_site.cases.processes import of_cases
from portal_site.core.demo import DEMO_PASSWORD
from tests.factories import UserFactory
from tests.flows.test_designer_steps import design, do, open_tasks, start, task
from tests.flows.test_training import register

pytestmark = pytest.mark.django_db(transaction=True)

FOUR_EYES = "Vier-Augen-Prinzip"


def user(username: str) -> User:
    return User.objects.get(username=username)


def assert_refused(task_obj: Task, person: User) -> None:
    """``person`` is not offered ``task_obj`` and may neither take, be given nor decide it."""
    task_obj.refresh_from_db()
    assert task_obj not in selectors.queue_tasks(user=person)
    assert task_obj not in selectors.my_tasks(user=person)
    assert segregation.refusal(task_obj, person) is not None
    with translation.override("de"):
        if task_obj.owner_id is None:  # (someone outside the queue: refused for that first)
            with pytest.raises(workspace.NotAllowed):
                workspace.claim_task(task_id=task_obj.pk, user=person)
        # held already (assigned before an upgrade, by hand in the database): still refused
        before = (task_obj.owner_id, task_obj.status)
        Task.objects.filter(pk=task_obj.pk).update(owner=person, status=STATUS.ASSIGNED)
        with pytest.raises(workspace.Separated, match=FOUR_EYES):
            workspace.complete_step(task_id=task_obj.pk, user=person, data={"decision": "ja"})
        Task.objects.filter(pk=task_obj.pk).update(owner_id=before[0], status=before[1])
    task_obj.refresh_from_db()
    assert task_obj.owner_id != person.pk and task_obj.status != STATUS.DONE


def open_human_task(case) -> Task:
    return Task.objects.get(
        of_cases(case.pk), flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


# -- Wiederbesetzung (a designed process): the department head applies for his own post


@pytest.fixture
def personnel_office(staff):
    """Office 10 led by the department head, with a deputy lead and a personnel clerk."""
    install_library()
    head = user("abteilungsleitung")
    head.personnel_number = "1124"
    head.save(update_fields=["personnel_number"])
    Employee.objects.create(
        personnel_number="1124", first_name="Albert", last_name="Hauptmann", user=head
    )
    deputy = UserFactory(
        username="stellvertretung",
        role=roles.TEAM_LEAD,
        org_unit=OrgUnit.objects.get(short_name="10.1"),
    )
    OrgUnit.objects.filter(short_name="10").update(lead=head, deputy=deputy)
    clerk = UserFactory(
        username="personal", role=roles.CLERK, org_unit=OrgUnit.objects.get(short_name="10")
    )
    return {"head": head, "deputy": deputy, "clerk": clerk, "budget": user("kaemmerei")}


def apply_for_post(**extra):
    return start(
        "gestaltet-wiederbesetzung",
        email="albert.hauptmann@stadt.example",
        personnel_number="1124",
        stellennummer="10-123",
        entgeltgruppe="9",
        grund="Ruhestand",
        besetzung_zum="2027-04-01",
        **extra,
    )


def by_step(case, step_id: str) -> Task:
    return next(t for t in open_tasks(case) if t.data["designed_step"] == step_id)


def test_the_department_head_cannot_approve_his_own_post(personnel_office):
    head, deputy = personnel_office["head"], personnel_office["deputy"]
    case = apply_for_post()
    assert is_party(user=head, case=case)
    check = by_step(case, "stellenplan")
    assert_refused(check, head)  # office 10's queue, which he leads
    with translation.override("de"), pytest.raises(workspace.Separated, match=FOUR_EYES):
        workspace.claim_task(task_id=check.pk, user=head)
    do(personnel_office["clerk"], check, bewertung="EG 9")
    do(personnel_office["budget"], by_step(case, "haushalt"))

    # the final decision waits in the department heads' queue, where he is the only one:
    # it goes to the office's deputy lead, never back to him
    decision = by_step(case, "entscheidung")
    assert decision.owner == deputy
    assert decision.data["escalated_to"] == deputy.pk
    assert_refused(decision, head)
    notes = " ".join(case.timeline.values_list("message", flat=True))
    assert "Stellvertretung" in notes or deputy.get_full_name() in notes
    assert "Vier-Augen-Prinzip" in notes
    do(deputy, decision, decision="zustimmung")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_one_person_cannot_give_two_of_the_separated_checks(personnel_office, staff):
    admin = user("administration")  # sees every queue
    case = apply_for_post()
    check = by_step(case, "stellenplan")
    do(admin, check, bewertung="EG 9")
    budget_check = by_step(case, "haushalt")
    assert_refused(budget_check, admin)
    do(personnel_office["budget"], budget_check)
    decision = by_step(case, "entscheidung")
    # the role queue's only member applied, the lead too: the deputy decides
    assert decision.owner == personnel_office["deputy"]
    for person in (admin, personnel_office["budget"], personnel_office["head"]):
        assert_refused(decision, person)


def test_a_task_nobody_may_decide_waits_for_an_administrator(personnel_office):
    OrgUnit.objects.filter(short_name="10").update(deputy=None)
    case = apply_for_post()
    do(personnel_office["clerk"], by_step(case, "stellenplan"))
    do(personnel_office["budget"], by_step(case, "haushalt"))
    decision = by_step(case, "entscheidung")
    assert decision.owner_id is None  # never back to the head
    assert_refused(decision, personnel_office["head"])
    assert case.timeline.filter(message__contains="Administration").exists()
    workspace.claim_task(task_id=decision.pk, user=user("administration"))


def test_the_designer_sets_who_may_not_decide(staff):
    clerk = user("standesamt")
    allowed = design(
        [
            task("eigen", "ende", not_by_applicant=False),
            {"kind": "end", "id": "ende", "outcome": "completed"},
        ]
    )
    case = start(allowed, email=clerk.email)
    do(clerk, open_tasks(case).get())  # the designer switched the applicant's exclusion off
    default = design(
        [task("pruefen", "ende"), {"kind": "end", "id": "ende", "outcome": "completed"}]
    )
    case = start(default, email=clerk.email.upper())  # an account's address, any case
    assert_refused(open_tasks(case).get(), clerk)


def test_the_check_refuses_an_unknown_separated_step():
    definition = {
        "key": "x",
        "name": "X",
        "office": "",
        "inputs": [],
        "steps": [
            task("a", "b", not_by_steps="gibtsnicht"),
            task("b", "ende", not_by_steps="a"),
            {"kind": "end", "id": "ende", "outcome": "completed"},
        ],
    }
    with translation.override("de"):
        found = problems(definition)
    assert any("gibtsnicht" in problem for problem in found)
    assert not any("„b“" in problem and "„a“" in problem for problem in found)


def test_a_clerk_is_matched_by_personnel_number_directory_entry_and_e_mail(staff):
    clerk = user("standesamt")
    clerk.directory_dn = "cn=standke,ou=people,dc=kassel"
    clerk.save(update_fields=["directory_dn"])
    Employee.objects.create(
        personnel_number="7788",
        first_name="S",
        last_name="Standke",
        directory_dn="cn=standke,ou=people,dc=kassel",
    )
    by_number = start(
        design([task("pruefen", "ende"), {"kind": "end", "id": "ende", "outcome": "completed"}]),
        personnel_number="7788",
    )
    assert is_party(user=clerk, case=by_number)  # the directory entry carries the number
    assert_refused(open_tasks(by_number).get(), clerk)
    other = start(
        design([task("pruefen", "ende"), {"kind": "end", "id": "ende", "outcome": "completed"}])
    )
    assert not is_party(user=clerk, case=other)
    assert not TaskExclusion.objects.filter(task__in=open_tasks(other), user=clerk).exists()


# -- Training: team lead, department head and HR development are three people


def test_training_levels_are_three_people(demo):
    case = register()  # Hans Mustermann: team lead Leitner, department head Hauptmann
    head, hr = user("abteilungsleitung"), user("personalentwicklung")
    lead = user("sachgebietsleitung")
    recommend = open_human_task(case)
    workspace.complete_step(
        task_id=recommend.pk, user=lead, data={"decision": "yes", "comment": ""}
    )
    head_task = open_human_task(case)
    assert head_task.owner == head
    assert_refused(head_task, lead)
    # the department head cannot hand his own approval to HR development
    with translation.override("de"), pytest.raises(workspace.Separated, match="persönlich"):
        workspace.reassign_task(task_id=head_task.pk, by=head, to=hr)
    workspace.complete_step(
        task_id=head_task.pk, user=head, data={"decision": "yes", "comment": ""}
    )
    place = open_human_task(case)
    # HR development's decision waits in 10.3's queue, which the head sees (he leads 10)
    for earlier in (lead, head):
        assert_refused(place, earlier)
    assert place in selectors.queue_tasks(user=hr)
    workspace.claim_task(task_id=place.pk, user=hr)
    workspace.complete_step(task_id=place.pk, user=hr, data={"decision": "yes", "comment": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_an_employee_without_supervisors_still_gets_three_deciders(demo):
    case = register(personnel_number="2005")  # Bürgerservice: no team lead, no head
    hr, head = user("personalentwicklung"), user("abteilungsleitung")
    recommend = open_human_task(case)
    workspace.claim_task(task_id=recommend.pk, user=hr)
    workspace.complete_step(task_id=recommend.pk, user=hr, data={"decision": "yes", "comment": ""})
    head_task = open_human_task(case)
    assert_refused(head_task, hr)
    assert head_task.owner == head  # escalated: the lead of 10 above HR development
    workspace.complete_step(
        task_id=head_task.pk, user=head, data={"decision": "yes", "comment": ""}
    )
    place = open_human_task(case)
    assert place.owner == user("sachgebietsleitung")  # 10's deputy lead
    for earlier in (hr, head):
        assert_refused(place, earlier)


def test_an_employee_who_applies_does_not_find_the_task_in_the_queue(demo):
    # the HR clerk registers herself: her own registration is not hers to decide
    case = register(personnel_number="1003")
    hr = user("personalentwicklung")
    for open_task in Task.objects.filter(
        of_cases(case.pk), status__in=[STATUS.NEW, STATUS.ASSIGNED], flow_task_type="HUMAN"
    ):
        assert_refused(open_task, hr)


def test_the_task_page_says_why_and_offers_no_decision(demo, client):
    case = register(personnel_number="1003")
    hr_task = open_human_task(case)
    client.login(username="personalentwicklung", password=DEMO_PASSWORD)
    page = client.get(f"/admin/aufgaben/{hr_task.pk}/").content.decode()
    assert FOUR_EYES in page and 'data-testid="segregation"' in page
    assert "Übernehmen" not in page
    response = client.post(f"/admin/aufgaben/{hr_task.pk}/uebernehmen/", follow=True)
    assert response.status_code == 200 and FOUR_EYES in response.content.decode()
    hr_task.refresh_from_db()
    assert hr_task.owner_id != user("personalentwicklung").pk


def test_tasks_open_before_the_upgrade_get_their_exclusions_from_setup(personnel_office):
    from django.core.management import call_command

    case = apply_for_post()
    TaskExclusion.objects.all().delete()  # as before this rule existed
    check = by_step(case, "stellenplan")
    assert check in selectors.queue_tasks(user=personnel_office["head"]) or check.owner_id
    call_command("setup_portal", verbosity=0)
    assert TaskExclusion.objects.filter(task=check, user=personnel_office["head"]).exists()
    assert check not in selectors.queue_tasks(user=personnel_office["head"])


def test_the_participant_of_a_registration_is_its_subject(demo):
    from flows.models import Participation

    case = register()  # Hans Mustermann (2001)
    # the registration's answers lose the number (a correction): the participant remains
    case.data = {**case.data, "values": {**case.data["values"], "personnel_number": ""}}
    case.save(update_fields=["data"])
    hans = UserFactory(username="hans", role=roles.CLERK, personnel_number="2001")
    Employee.objects.filter(personnel_number="2001").update(user=hans)
    assert Participation.objects.get(case=case).employee.personnel_number == "2001"
    assert is_party(user=hans, case=case)

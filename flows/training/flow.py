"""The training registration process: its typed data, its chain, its start, the waiting list."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import User
from portal_site.accounts.selectors import department_head_of, team_lead_of
from portal_site.cases import events
from portal_site.cases.models import Case, CaseStatus
from portal_site.cases.processes import case_id_of, of_cases
from portal_site.cases.services import change_status, record
from portal_site.documents.services import file_pdf_document

from ..case_process import CaseProcess
from ..deadlines import Deadline
from ..models import Course, Participation
from ..steps import HumanTask, NotBy, StepContext, decider, start_case_process
from .forms import (
    HEAD_CHOICES,
    HR_CHOICES,
    RECOMMEND_CHOICES,
    HeadDecisionForm,
    PlaceDecisionForm,
    RecommendationForm,
)
from .services import (
    INPUTS,
    WAITING,
    YES,
    active_user,
    confirmed_count,
    decide_place,
    offer_course,
    participation_from_case,
    participation_of,
    registration_refusals,
)
from .texts import (
    MAIL_CONFIRMED,
    MAIL_MOVED_UP,
    MAIL_NO_PLACE,
    MAIL_REJECTED,
    MAIL_SUPERVISORS_AGREED,
    MAIL_WAITING,
    MAIL_WITHDRAWN,
    mail_participant,
    register_texts,
)

PROCESS_KEY = "training_registration"


# Three approval levels, three people (four-eyes principle, flows/segregation.py): the
# department head is not who recommended, HR development neither of the two.
SEPARATE_FROM_RECOMMENDATION = NotBy(steps=("recommend",))
SEPARATE_FROM_SUPERVISORS = NotBy(steps=("recommend", "head_decides"))

# A supervisor answers within five days; two days later their own lead hears of it.
SUPERVISOR_DEADLINE = Deadline(days=5, escalate_after_days=2)


def start_training(*, case: Case, actor: User | None = None) -> object:
    participation = participation_from_case(case)
    process = start_case_process(TrainingFlow, case=case, actor=actor)
    lead = active_user(process.team_lead_id)
    record(
        case=case,
        actor=actor,
        message=events.COURSE_RECOMMENDATION_ASKED(
            course=participation.course,
            lead=lead.get_full_name() if lead else gettext_lazy("the office's queue"),
        ),
    )
    return process


class TrainingProcess(CaseProcess):
    """Who recommends and decides, and what each of them decided."""

    team_lead_id = jsonstore.IntegerField(null=True, blank=True)
    department_head_id = jsonstore.IntegerField(null=True, blank=True)
    recommendation = jsonstore.CharField(max_length=20, blank=True)
    recommendation_comment = jsonstore.TextField(blank=True)
    head_decision = jsonstore.CharField(max_length=20, blank=True)
    head_comment = jsonstore.TextField(blank=True)
    place = jsonstore.CharField(max_length=20, blank=True)

    class Meta:
        proxy = True
        verbose_name = gettext_lazy("training process")
        verbose_name_plural = gettext_lazy("training processes")


class TrainingFlow(flow.Flow):
    """The seed's first example: team lead, department head, then HR development's decision."""

    process_class = TrainingProcess
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = gettext_lazy("Registration for internal training")

    start = flow.StartHandle(this.start_case).Next(this.recommend)

    # 1. The team lead recommends (or not); the recommendation is filed as a PDF.
    recommend = (
        HumanTask(
            RecommendationForm,
            this.decide_recommendation,
            submit_label=gettext_lazy("Save recommendation"),
            deadline=SUPERVISOR_DEADLINE,
            stage=gettext_lazy("Recommendation by the team lead"),
        )
        .Annotation(title=gettext_lazy("Recommendation of the team lead"))
        .Assign(lambda activation: active_user(activation.process.team_lead_id))
        .Next(this.file_recommendation)
    )
    file_recommendation = flow.Function(this.file_recommendation_pdf).Next(this.head_decides)

    # 2. The department head agrees or rejects; a rejection is e-mailed with the reason.
    head_decides = (
        HumanTask(
            HeadDecisionForm,
            this.decide_head,
            submit_label=gettext_lazy("Save decision"),
            deadline=SUPERVISOR_DEADLINE,
            stage=gettext_lazy("In review by the department head"),
            not_by=SEPARATE_FROM_RECOMMENDATION,
        )
        .Annotation(title=gettext_lazy("Decision of the department head"))
        .Assign(lambda activation: active_user(activation.process.department_head_id))
        .Next(this.if_agreed)
    )
    if_agreed = (
        flow.If(lambda activation: activation.process.head_decision == YES)
        .Then(this.tell_agreed)
        .Else(this.reject)
    )
    reject = flow.Function(this.reject_registration).Next(this.end_rejected)
    tell_agreed = flow.Function(this.supervisors_agreed).Next(this.hr_decides)

    # 3. HR development: a place, the waiting list, or no place.
    hr_decides = (
        HumanTask(
            PlaceDecisionForm,
            this.decide_hr,
            submit_label=gettext_lazy("Save decision"),
            stage=gettext_lazy("Decision on the place by HR development"),
            not_by=SEPARATE_FROM_SUPERVISORS,
        )
        .Annotation(title=gettext_lazy("Decision on the place (HR development)"))
        .Next(this.which_place)
    )
    which_place = (
        flow.Switch()
        .Case(this.confirm, lambda activation: activation.process.place == YES)
        .Case(this.wait, lambda activation: activation.process.place == WAITING)
        .Default(this.refuse)
    )
    confirm = flow.Function(this.confirm_place).Next(this.end)
    wait = flow.Function(this.put_on_waiting_list).Next(this.on_waiting_list)
    refuse = flow.Function(this.refuse_place).Next(this.end_no_place)

    # 4. The waiting list (Nachrückerliste): when a place frees up the first one moves up
    #    (cancel_participation ends this wait); one who withdraws from the list leaves it.
    on_waiting_list = (
        flow.Handle()
        .Annotation(title=gettext_lazy("On the waiting list (Nachrückerliste)"))
        .Next(this.if_moved_up)
    )
    if_moved_up = flow.If(this.has_place).Then(this.moved_up).Else(this.leave_waiting_list)
    moved_up = flow.Function(this.tell_moved_up).Next(this.end)
    leave_waiting_list = flow.Function(this.close_withdrawn).Next(this.end_withdrawn)

    end = flow.End()
    end_no_place = flow.End()
    end_rejected = flow.End()
    end_withdrawn = flow.End()

    def start_case(self, activation, case: Case, **kwargs):
        participation = Participation.objects.select_related("employee").get(case=case)
        employee = participation.employee
        lead = team_lead_of(employee) if employee else None
        head = department_head_of(employee) if employee else None
        activation.process.start_for(case)
        activation.process.team_lead_id = lead.pk if lead else None
        activation.process.department_head_id = head.pk if head else None
        return activation.process

    # -- the decisions

    def decide_recommendation(self, context: StepContext, data: dict[str, Any]) -> str:
        context.decide(
            "recommendation", RECOMMEND_CHOICES, data, recommendation_comment=data["comment"]
        )
        return _("The recommendation is filed; the department head decides next.")

    def decide_head(self, context: StepContext, data: dict[str, Any]) -> str:
        if context.decide("head_decision", HEAD_CHOICES, data, head_comment=data["comment"]) == YES:
            return _("Agreed; HR development decides on the place.")
        return _("Rejected; the employee has been told.")

    def decide_hr(self, context: StepContext, data: dict[str, Any]) -> str:
        decision = data["decision"]
        participation = participation_of(context.case.pk)
        decide_place(participation=participation, decision=decision, actor=context.user)
        context.decide("place", HR_CHOICES, data)
        if decision == YES:
            return _("The place is confirmed; the employee has been told.")
        if decision == WAITING:
            return _("On the waiting list; the employee has been told.")
        return _("No place; the employee has been told.")

    # -- effects

    def file_recommendation_pdf(self, activation):
        process = activation.process
        participation = participation_of(case_id_of(activation.process))
        lead = decider(activation)
        file_pdf_document(
            case=participation.case,
            template_name="flows/training/recommendation.html",
            title=_("Recommendation"),
            filename=f"Empfehlung-{participation.case.number}.pdf",
            context={
                "participation": participation,
                "recommended": process.recommendation == YES,
                "comment": process.recommendation_comment or "",
                "lead": lead,
            },
            actor=lead,
        )

    def reject_registration(self, activation):
        participation = participation_of(case_id_of(activation.process))
        Participation.objects.filter(pk=participation.pk).update(
            status=Participation.Status.REJECTED
        )
        reason = activation.process.head_comment or "–"
        mail_participant(participation, MAIL_REJECTED, reason=reason)
        change_status(
            case=participation.case, status=CaseStatus.REJECTED, actor=decider(activation)
        )

    def supervisors_agreed(self, activation):
        participation = participation_of(case_id_of(activation.process))
        mail_participant(participation, MAIL_SUPERVISORS_AGREED)

    def confirm_place(self, activation):
        self._tell_and_close(activation, MAIL_CONFIRMED, CaseStatus.COMPLETED)

    def put_on_waiting_list(self, activation):
        participation = participation_of(case_id_of(activation.process))
        mail_participant(participation, MAIL_WAITING)
        change_status(
            case=participation.case, status=CaseStatus.IN_PROGRESS, actor=decider(activation)
        )

    def has_place(self, activation) -> bool:
        participation = participation_of(case_id_of(activation.process))
        return participation.status == Participation.Status.CONFIRMED

    def tell_moved_up(self, activation):
        participation = participation_of(case_id_of(activation.process))
        record(
            case=participation.case,
            message=events.COURSE_MOVED_UP(
                course=participation.course,
            ),
        )
        mail_participant(participation, MAIL_MOVED_UP)
        change_status(case=participation.case, status=CaseStatus.COMPLETED)

    def close_withdrawn(self, activation):
        participation = participation_of(case_id_of(activation.process))
        change_status(case=participation.case, status=CaseStatus.CANCELLED)

    def refuse_place(self, activation):
        self._tell_and_close(activation, MAIL_NO_PLACE, CaseStatus.REJECTED)

    def _tell_and_close(self, activation, mail: str, status: str) -> None:
        participation = participation_of(case_id_of(activation.process))
        mail_participant(participation, mail)
        change_status(case=participation.case, status=status, actor=decider(activation))


@transaction.atomic
def cancel_participation(
    *, participation: Participation, actor: User | None
) -> Participation | None:
    """The participant withdraws; the first on the waiting list moves up and is told."""
    course = Course.objects.select_for_update().get(pk=participation.course_id)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status not in (Participation.Status.CONFIRMED, Participation.Status.WAITING):
        raise ValueError(_("Only a confirmed or waiting participant can withdraw."))
    had_place = participation.status == Participation.Status.CONFIRMED
    participation.status = Participation.Status.CANCELLED
    participation.save(update_fields=["status"])
    record(
        case=participation.case,
        actor=actor,
        message=events.COURSE_WITHDRAWN(course=course),
    )
    mail_participant(participation, MAIL_WITHDRAWN)
    transaction.on_commit(lambda: offer_course(course))  # a place is free again
    if not had_place:
        _end_waiting(participation)  # leaves the waiting list: its process ends
        return None
    if confirmed_count(course) >= course.places:
        return None
    following = (
        course.participations.select_for_update()
        .filter(status=Participation.Status.WAITING)
        .order_by("waiting_since", "pk")
        .first()
    )
    if following is None:
        return None
    following.status = Participation.Status.CONFIRMED
    following.save(update_fields=["status"])
    _end_waiting(following)  # its process takes the "moved up" branch
    return following


def _end_waiting(participation: Participation) -> None:
    """End the wait of the participant's process on the waiting list; the chart's branch
    after it reads the participation (moved up or withdrawn)."""
    node = TrainingFlow.instance.node("on_waiting_list")
    task = Task.objects.filter(
        of_cases(participation.case_id), flow_task=node, status=STATUS.NEW
    ).first()
    if task is not None:
        node.run(task)


def register_training() -> None:
    from portal_site.processes import register_process

    register_process(
        key=PROCESS_KEY,
        label=gettext_lazy("Internal training (team lead, department head, HR development)"),
        start=start_training,
        inputs=INPUTS,
        refusals=registration_refusals,
    )
    register_texts()
    from portal_site.cases.parties import register_subject_lookup

    # the course's participant is who the registration concerns (segregation of duties)
    register_subject_lookup("flows.training", participant_numbers)


def participant_numbers(case: Case) -> list[str]:
    """The personnel number of the employee a training registration is for."""
    return list(
        Participation.objects.filter(case=case, employee__isnull=False).values_list(
            "employee__personnel_number", flat=True
        )
    )

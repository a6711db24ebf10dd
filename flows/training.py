"""Registration for internal training, the seed's first example.

1. The applicant's team lead (Sachgebietsleitung) recommends yes or no with a
   comment; the recommendation (Empfehlung) is filed with the case as a PDF.
2. The department head (Abteilungsleitung) decides; a rejection tells the
   employee and ends the case.
3. The employee is told that the supervisors agreed.
4. HR development decides: place / no / waiting list. The course row is locked
   while a place is given, so a course is never overbooked, even when two
   decisions are made at the same moment. The employee is told the result.
5. On the waiting list the case waits (a step of the chart): when a participant
   withdraws, the first on the list moves up and is told; one who withdraws
   from the list leaves it and the case ends.

Courses, their documents (table cards, attendance list, certificates) and the
statistics are in :mod:`flows.training_documents`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import Employee, User
from portal_site.accounts.selectors import department_head_of, team_lead_of
from portal_site.cases.models import Case, CaseStatus, TimelineEntry
from portal_site.cases.processes import case_id_of, of_cases
from portal_site.cases.services import change_status, record
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.email_texts import register_email_text, render_email_text
from portal_site.notifications.services import queue_email
from portal_site.processes import InputKind, ProcessInput, inputs_of

from .deadlines import Deadline
from .generic import CaseProcess
from .models import Course, Participation
from .steps import HumanTask, StepContext, StepForm, decider, start_case_process

PROCESS_KEY = "training_registration"
# A supervisor answers within five days; two days later their own lead hears of it.
SUPERVISOR_DEADLINE = Deadline(days=5, escalate_after_days=2)

MAIL_REJECTED = "training.rejected"
MAIL_SUPERVISORS_AGREED = "training.supervisors_agreed"
MAIL_CONFIRMED = "training.confirmed"
MAIL_WAITING = "training.waiting"
MAIL_NO_PLACE = "training.no_place"
MAIL_MOVED_UP = "training.moved_up"
MAIL_CERTIFICATE = "training.certificate"
LETTER_CERTIFICATE = "letter.training.certificate"


class CourseFull(ValueError):
    """HR development gave a place that is no longer free."""


def _user(user_id) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def _participation(case_id: int) -> Participation:
    return Participation.objects.select_related("course", "case").get(case_id=case_id)


def _values(participation: Participation, **extra: str) -> dict[str, str]:
    course = participation.course
    return {
        "name": participation.full_name,
        "case_number": participation.case.number,
        "course": str(course),
        "dates": course.dates_label,
        "place": course.place,
        **extra,
    }


def _mail(participation: Participation, key: str, *, attachments=(), **extra: str) -> None:
    if not participation.email:
        return
    subject, body = render_email_text(key=key, values=_values(participation, **extra))
    queue_email(
        to=[participation.email],
        subject=subject,
        body=body,
        case=participation.case,
        attachments=attachments,
    )
    record(
        case=participation.case,
        kind=TimelineEntry.Kind.MESSAGE,
        message=_("E-mail to the employee: %(subject)s") % {"subject": subject},
    )


# -- registration -------------------------------------------------------------


# What the process reads from the registration form; the form maps its fields to them.
INPUTS = (
    ProcessInput("fortbildung", gettext_lazy("Course (code from the programme)"), InputKind.CHOICE),
    ProcessInput("altersgruppe", gettext_lazy("Age group"), InputKind.CHOICE, required=False),
    ProcessInput("berufsgruppe", gettext_lazy("Job group"), InputKind.CHOICE, required=False),
    ProcessInput("arbeitszeit", gettext_lazy("Working time"), InputKind.CHOICE, required=False),
    ProcessInput("funktion", gettext_lazy("Function"), InputKind.CHOICE, required=False),
    ProcessInput(
        "erneute_anmeldung", gettext_lazy("Registered again"), InputKind.YES_NO, required=False
    ),
    ProcessInput(
        "besondere_hilfe", gettext_lazy("Needs assistance"), InputKind.YES_NO, required=False
    ),
    ProcessInput("lernziele", gettext_lazy("Learning goals"), required=False),
)


def participation_from_case(case: Case) -> Participation:
    """The registration's data from the portal form (course code, statistics fields).

    The employee comes from the identification step (personnel number), the rest
    from the inputs the form provides.
    """
    values, inputs = case.data.get("values", {}), inputs_of(case)
    code = str(inputs.get("fortbildung", "")).strip()
    course = Course.objects.filter(code=code).first()
    if course is None:
        raise ValueError(_("The course %(code)s is not in the programme.") % {"code": code})
    employee = Employee.objects.filter(
        personnel_number=str(values.get("personnel_number", ""))
    ).first()
    first_name, _sep, last_name = case.applicant_name.partition(" ")
    return Participation.objects.create(
        course=course,
        case=case,
        employee=employee,
        first_name=employee.first_name if employee else first_name,
        last_name=employee.last_name if employee else last_name,
        email=(employee.email if employee else "") or case.applicant_email,
        org_unit=str(employee.org_unit) if employee and employee.org_unit else "",
        age_group=str(inputs.get("altersgruppe", "")),
        job_group=str(inputs.get("berufsgruppe", "")),
        working_time=str(inputs.get("arbeitszeit", "")),
        function=str(inputs.get("funktion", "")),
        repeat=bool(inputs.get("erneute_anmeldung")),
        assistance=bool(inputs.get("besondere_hilfe")),
        goals=str(inputs.get("lernziele", "")),
    )


def start_training(*, case: Case, actor: User | None = None) -> object:
    participation = participation_from_case(case)
    process = start_case_process(TrainingFlow, case=case, actor=actor)
    lead = _user(process.team_lead_id)
    record(
        case=case,
        kind=TimelineEntry.Kind.TASK,
        actor=actor,
        message=_("Course %(course)s; recommendation asked of %(lead)s.")
        % {
            "course": participation.course,
            "lead": lead.get_full_name() if lead else _("the office's queue"),
        },
    )
    return process


# -- the supervisors' steps ---------------------------------------------------

YES = "yes"
NO = "no"
WAITING = "waiting"
RECOMMEND_CHOICES = [(YES, gettext_lazy("Yes, recommended")), (NO, gettext_lazy("No"))]
HEAD_CHOICES = [(YES, gettext_lazy("Agreed")), (NO, gettext_lazy("Rejected"))]
HR_CHOICES = [
    (YES, gettext_lazy("Yes: a place is confirmed")),
    (NO, gettext_lazy("No")),
    (WAITING, gettext_lazy("Waiting list (Nachrückerliste)")),
]


class RecommendationForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Recommendation"), choices=RECOMMEND_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HeadDecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=HEAD_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (goes to the employee when rejected)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlaceDecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision on the place"), choices=HR_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participation = Participation.objects.select_related("course").filter(case=self.case)
        participation = participation.first()
        if participation is not None:
            course = participation.course
            taken = confirmed_count(course)
            self.fields["decision"].help_text = _(
                "%(course)s, %(dates)s: %(taken)d of %(places)d places taken."
            ) % {
                "course": course,
                "dates": course.dates_label,
                "taken": taken,
                "places": course.places,
            }


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
        )
        .Annotation(title=gettext_lazy("Recommendation of the team lead"))
        .Assign(lambda activation: _user(activation.process.team_lead_id))
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
        )
        .Annotation(title=gettext_lazy("Decision of the department head"))
        .Assign(lambda activation: _user(activation.process.department_head_id))
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
        HumanTask(PlaceDecisionForm, this.decide_hr, submit_label=gettext_lazy("Save decision"))
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
        participation = _participation(context.case.pk)
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
        participation = _participation(case_id_of(activation.process))
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
        participation = _participation(case_id_of(activation.process))
        Participation.objects.filter(pk=participation.pk).update(
            status=Participation.Status.REJECTED
        )
        reason = activation.process.head_comment or "–"
        _mail(participation, MAIL_REJECTED, reason=reason)
        change_status(
            case=participation.case, status=CaseStatus.REJECTED, actor=decider(activation)
        )

    def supervisors_agreed(self, activation):
        participation = _participation(case_id_of(activation.process))
        _mail(participation, MAIL_SUPERVISORS_AGREED)

    def confirm_place(self, activation):
        self._tell_and_close(activation, MAIL_CONFIRMED, CaseStatus.COMPLETED)

    def put_on_waiting_list(self, activation):
        participation = _participation(case_id_of(activation.process))
        _mail(participation, MAIL_WAITING)
        change_status(
            case=participation.case, status=CaseStatus.IN_PROGRESS, actor=decider(activation)
        )

    def has_place(self, activation) -> bool:
        participation = _participation(case_id_of(activation.process))
        return participation.status == Participation.Status.CONFIRMED

    def tell_moved_up(self, activation):
        participation = _participation(case_id_of(activation.process))
        record(
            case=participation.case,
            kind=TimelineEntry.Kind.DECISION,
            message=_("Moved up from the waiting list: a place in %(course)s is confirmed.")
            % {"course": participation.course},
        )
        _mail(participation, MAIL_MOVED_UP)
        change_status(case=participation.case, status=CaseStatus.COMPLETED)

    def close_withdrawn(self, activation):
        participation = _participation(case_id_of(activation.process))
        change_status(case=participation.case, status=CaseStatus.CANCELLED)

    def refuse_place(self, activation):
        self._tell_and_close(activation, MAIL_NO_PLACE, CaseStatus.REJECTED)

    def _tell_and_close(self, activation, mail: str, status: str) -> None:
        participation = _participation(case_id_of(activation.process))
        _mail(participation, mail)
        change_status(case=participation.case, status=status, actor=decider(activation))


def confirmed_count(course: Course) -> int:
    return course.participations.filter(status=Participation.Status.CONFIRMED).count()


@transaction.atomic
def decide_place(*, participation: Participation, decision: str, actor: User | None) -> str:
    """Give a place, put on the waiting list, or refuse; never beyond the course's places."""
    course = Course.objects.select_for_update().get(pk=participation.course_id)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if decision == YES:
        if confirmed_count(course) >= course.places:
            raise CourseFull(
                _("All %(places)d places of %(course)s are taken. Choose the waiting list instead.")
                % {"places": course.places, "course": course}
            )
        participation.status = Participation.Status.CONFIRMED
    elif decision == WAITING:
        participation.status = Participation.Status.WAITING
        participation.waiting_since = timezone.now()
    else:
        participation.status = Participation.Status.REJECTED
    participation.save(update_fields=["status", "waiting_since"])
    return participation.status


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
        kind=TimelineEntry.Kind.STATUS,
        actor=actor,
        message=_("Registration for %(course)s withdrawn.") % {"course": course},
    )
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
    )
    _register_texts()


def _register_texts() -> None:
    placeholders = ("name", "case_number", "course", "dates", "place", "reason")
    signature = "\n\nMit freundlichen Grüßen\nIhre Personalentwicklung"
    texts = [
        (
            MAIL_REJECTED,
            "Fortbildung: Anmeldung abgelehnt (Abteilungsleitung)",
            "Ihre Anmeldung zur Fortbildung {course}",
            "Guten Tag {name},\n\nIhre Abteilungsleitung hat Ihrer Teilnahme an der Fortbildung "
            "{course} ({dates}) leider nicht zugestimmt.\nBegründung: {reason}",
        ),
        (
            MAIL_SUPERVISORS_AGREED,
            "Fortbildung: Vorgesetzte haben zugestimmt",
            "Ihre Anmeldung zur Fortbildung {course}: Zustimmung erteilt",
            "Guten Tag {name},\n\nIhre Vorgesetzten haben Ihrer Teilnahme an der Fortbildung "
            "{course} ({dates}) zugestimmt. Die Personalentwicklung entscheidet jetzt über die "
            "Vergabe der Plätze; Sie erhalten dazu eine weitere Nachricht.",
        ),
        (
            MAIL_CONFIRMED,
            "Fortbildung: Platz bestätigt",
            "Ihre Teilnahme an der Fortbildung {course} ist bestätigt",
            "Guten Tag {name},\n\nSie haben einen Platz in der Fortbildung {course}.\n"
            "Termin: {dates}\nOrt: {place}",
        ),
        (
            MAIL_WAITING,
            "Fortbildung: Nachrückerliste",
            "Fortbildung {course}: Sie stehen auf der Nachrückerliste",
            "Guten Tag {name},\n\ndie Fortbildung {course} ({dates}) ist ausgebucht. Sie stehen "
            "auf der Nachrückerliste und erhalten eine Nachricht, sobald ein Platz frei wird.",
        ),
        (
            MAIL_NO_PLACE,
            "Fortbildung: kein Platz",
            "Fortbildung {course}: leider kein Platz",
            "Guten Tag {name},\n\nfür die Fortbildung {course} ({dates}) können wir Ihnen leider "
            "keinen Platz anbieten.",
        ),
        (
            MAIL_MOVED_UP,
            "Fortbildung: von der Nachrückerliste nachgerückt",
            "Fortbildung {course}: Sie sind nachgerückt",
            "Guten Tag {name},\n\nin der Fortbildung {course} ist ein Platz frei geworden: Ihre "
            "Teilnahme ist bestätigt.\nTermin: {dates}\nOrt: {place}",
        ),
        (
            MAIL_CERTIFICATE,
            "Fortbildung: Teilnahmebescheinigung",
            "Ihre Teilnahmebescheinigung: {course}",
            "Guten Tag {name},\n\nvielen Dank für Ihre Teilnahme an der Fortbildung {course} "
            "({dates}). Anbei erhalten Sie Ihre Teilnahmebescheinigung.",
        ),
    ]
    register_email_text(
        key=LETTER_CERTIFICATE,
        name="Brieftext: Teilnahmebescheinigung",
        subject="Teilnahmebescheinigung",
        body=(
            "{name}\n\nhat an der Fortbildungsveranstaltung\n\n{course}\n\n"
            "am {dates} in {place} teilgenommen."
        ),
        placeholders=placeholders,
    )
    for key, name, subject, body in texts:
        register_email_text(
            key=key,
            name=name,
            subject=subject,
            body=body + signature,
            placeholders=placeholders,
        )

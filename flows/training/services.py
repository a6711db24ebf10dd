"""Registrations and places: what the process reads from the form, and a course never overbooked."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal_site.accounts.models import Employee, User
from portal_site.cases.models import Case
from portal_site.processes import InputKind, ProcessInput, inputs_of
from serviceportal.catalogues import Catalogue, CatalogueEntry

from ..models import Course, Participation


class CourseFull(ValueError):
    """HR development gave a place that is no longer free."""


def active_user(user_id) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def participation_of(case_id: int) -> Participation:
    return Participation.objects.select_related("course", "case").get(case_id=case_id)


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


ACTIVE = (
    Participation.Status.PENDING,
    Participation.Status.CONFIRMED,
    Participation.Status.WAITING,
)


CATALOGUE = "Fortbildungsprogramm"


def course_label(course: Course) -> str:
    """What the portal's course list shows: title, dates and the places still free."""
    free = max(course.places - confirmed_count(course), 0)
    places = (
        ngettext("%(count)d place free", "%(count)d places free", free) % {"count": free}
        if free
        else _("fully booked: waiting list")
    )
    return f"{course.title} ({course.dates_label}, {places})"


def offer_course(course: Course) -> None:
    """A course HR development maintains is offered in the portal's course list (the
    registration form's catalogue) under its code, with its title, dates and free places;
    called again when a place is given or freed."""
    catalogue, _created = Catalogue.objects.get_or_create(name=CATALOGUE)
    label = course_label(course)
    entry = catalogue.entries.filter(code=course.code).first()
    if entry is None:
        CatalogueEntry.objects.create(
            catalogue=catalogue,
            code=course.code,
            label=label,
            sort_order=catalogue.entries.count(),
        )
    elif entry.label != label:
        entry.label = label
        entry.save(update_fields=["label"])


def registration_refusals(inputs: dict, values: dict) -> list[str]:
    """A registration the programme refuses before it becomes a case: the employee holds
    a place (or waits, or is in approval) for the course already."""
    code = str(inputs.get("fortbildung", "")).strip()
    number = str(values.get("personnel_number", "")).strip()
    if not code or not number:
        return []
    earlier = (
        Participation.objects.filter(
            course__code=code, employee__personnel_number=number, status__in=ACTIVE
        )
        .select_related("course", "case")
        .first()
    )
    if earlier is None:
        return []
    return [
        _(
            "You are registered for “%(course)s” already (case %(number)s, %(status)s); "
            "a second registration is not possible."
        )
        % {
            "course": earlier.course.title,
            "number": earlier.case.number,
            "status": earlier.get_status_display(),
        }
    ]


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


YES = "yes"


NO = "no"


WAITING = "waiting"


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
                ngettext(
                    "The only place of %(course)s is taken. Choose the waiting list instead.",
                    "All %(places)d places of %(course)s are taken. Choose the waiting list "
                    "instead.",
                    course.places,
                )
                % {"places": course.places, "course": course}
            )
        participation.status = Participation.Status.CONFIRMED
        transaction.on_commit(lambda: offer_course(course))
    elif decision == WAITING:
        participation.status = Participation.Status.WAITING
        participation.waiting_since = timezone.now()
    else:
        participation.status = Participation.Status.REJECTED
    participation.save(update_fields=["status", "waiting_since"])
    return participation.status

"""The training programme's documents and figures.

Table cards and the attendance list are made on demand for a course's confirmed
participants. After a course's last day the periodic job sends each confirmed
participant a certificate of attendance once (the marker is on the
participation, so the job can run any number of times). The statistics export
counts registrations, approvals, rejections, the waiting list and participants
per course and by the seed's statistics lists.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.documents.rendering import Sheet, render_pdf, render_xlsx
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.email_texts import render_email_text

from ..models import Course, Participation
from .texts import LETTER_CERTIFICATE, MAIL_CERTIFICATE, mail_participant, mail_values


def confirmed(course: Course):
    return course.participations.filter(status=Participation.Status.CONFIRMED).order_by(
        "last_name", "first_name"
    )


def table_cards_pdf(course: Course) -> bytes:
    return render_pdf(
        template_name="flows/training/table_cards.html",
        context={"course": course, "participants": list(confirmed(course))},
    )


def attendance_list_pdf(course: Course) -> bytes:
    return render_pdf(
        template_name="flows/training/attendance_list.html",
        context={
            "course": course,
            "participants": list(confirmed(course)),
            "days": _course_days(course),
        },
    )


def _course_days(course: Course) -> list[date]:
    days: list[date] = []
    day = course.starts_on
    while day <= course.ends_on and len(days) < 10:
        days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


def send_certificates(*, today: date | None = None) -> int:
    """Periodic job: certificates of attendance for courses whose last day has passed."""
    today = today or timezone.localdate()
    sent = 0
    due = Participation.objects.filter(
        status=Participation.Status.CONFIRMED,
        certificate_sent_at__isnull=True,
        course__ends_on__lt=today,
    ).values_list("pk", flat=True)
    for participation_id in list(due):
        with transaction.atomic():
            participation = (
                Participation.objects.select_for_update(of=("self",))
                .select_related("course", "case")
                .get(pk=participation_id)
            )
            if participation.certificate_sent_at is not None:
                continue
            _subject, letter = render_email_text(
                key=LETTER_CERTIFICATE, values=mail_values(participation)
            )
            certificate = file_pdf_document(
                case=participation.case,
                template_name="flows/training/certificate.html",
                title=_("Certificate of attendance"),
                filename=f"Teilnahmebescheinigung-{participation.case.number}.pdf",
                context={
                    "participation": participation,
                    "course": participation.course,
                    "letter": letter,
                },
            )
            mail_participant(
                participation,
                MAIL_CERTIFICATE,
                attachments=[certificate.as_attachment()],
            )
            participation.certificate_sent_at = timezone.now()
            participation.save(update_fields=["certificate_sent_at"])
            sent += 1
    return sent


STATUS_COLUMNS = [
    ("registrations", "Anmeldungen"),
    ("approved", "Zusagen"),
    ("rejected", "Ablehnungen"),
    ("waiting", "Nachrückerliste"),
    ("participants", "Teilnehmende"),
]
DIMENSIONS = [
    ("course", "Kurse"),
    ("age_group", "Altersgruppe"),
    ("job_group", "Berufsgruppe"),
    ("working_time", "Arbeitszeit"),
    ("function", "Funktion"),
]


def _kind_counts(participation: Participation) -> list[str]:
    """Which columns one registration counts in. A place given counts as approval and,
    unless withdrawn, as participant; a withdrawal keeps the approval."""
    kinds = ["registrations"]
    status = participation.status
    if status == Participation.Status.CONFIRMED:
        kinds += ["approved", "participants"]
    elif status == Participation.Status.CANCELLED:
        kinds.append("approved")
    elif status == Participation.Status.WAITING:
        kinds.append("waiting")
    elif status == Participation.Status.REJECTED:
        kinds.append("rejected")
    return kinds


def statistics(*, period_from: date, period_to: date) -> dict[str, dict[str, Counter]]:
    """Counts per dimension value for the courses starting within the period."""
    participations = Participation.objects.filter(
        course__starts_on__gte=period_from, course__starts_on__lte=period_to
    ).select_related("course")
    result: dict[str, dict[str, Counter]] = {name: {} for name, _label in DIMENSIONS}
    for participation in participations:
        for name, _label in DIMENSIONS:
            key = (
                str(participation.course)
                if name == "course"
                else getattr(participation, name) or "–"
            )
            counter = result[name].setdefault(key, Counter())
            counter.update(_kind_counts(participation))
    return result


def statistics_xlsx(*, period_from: date, period_to: date) -> bytes:
    figures = statistics(period_from=period_from, period_to=period_to)
    sheets = []
    for name, label in DIMENSIONS:
        rows: list[list] = [
            [key, *[counter[column] for column, _header in STATUS_COLUMNS]]
            for key, counter in sorted(figures[name].items())
        ]
        totals = [sum(row[i] for row in rows) for i in range(1, len(STATUS_COLUMNS) + 1)]
        rows.append(["Summe", *totals])
        sheets.append(
            Sheet(
                title=label,
                header=[label, *[header for _column, header in STATUS_COLUMNS]],
                rows=rows,
                column_widths=[50, 14, 12, 14, 18, 16],
            )
        )
    return render_xlsx(sheets=sheets)

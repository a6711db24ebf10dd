"""The training process's e-mail and letter texts (editable by editors) and how they are sent."""

from __future__ import annotations

from portal_site.cases import events
from portal_site.cases.services import notify_applicant
from portal_site.notifications.email_texts import register_email_text, render_email_text

from ..models import Participation

MAIL_REJECTED = "training.rejected"


MAIL_SUPERVISORS_AGREED = "training.supervisors_agreed"


MAIL_CONFIRMED = "training.confirmed"


MAIL_WAITING = "training.waiting"


MAIL_NO_PLACE = "training.no_place"


MAIL_MOVED_UP = "training.moved_up"


MAIL_CERTIFICATE = "training.certificate"


MAIL_WITHDRAWN = "training.withdrawn"


LETTER_CERTIFICATE = "letter.training.certificate"


def mail_values(participation: Participation, **extra: str) -> dict[str, str]:
    course = participation.course
    return {
        "name": participation.full_name,
        "case_number": participation.case.number,
        "course": str(course),
        "dates": course.dates_label,
        "place": course.place,
        **extra,
    }


def mail_participant(
    participation: Participation, key: str, *, attachments=(), **extra: str
) -> None:
    if not participation.email:
        return
    subject, body = render_email_text(key=key, values=mail_values(participation, **extra))
    notify_applicant(
        case=participation.case,
        subject=subject,
        body=body,
        event=events.EMAIL_TO_EMPLOYEE,
        to=participation.email,
        attachments=attachments,
    )


def register_texts() -> None:
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
            MAIL_WITHDRAWN,
            "Fortbildung: Abmeldung bestätigt",
            "Fortbildung {course}: Ihre Abmeldung",
            "Guten Tag {name},\n\nSie sind von der Fortbildung {course} ({dates}) abgemeldet. "
            "Ihr Platz bzw. Ihr Platz auf der Nachrückerliste ist wieder frei.",
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

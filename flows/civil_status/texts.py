"""The civil-status process's e-mail and letter texts (editors change them) and how they go out."""

from __future__ import annotations

from portal_site.cases.models import Case
from portal_site.cases.services import notify_applicant
from portal_site.notifications.email_texts import register_email_text, render_email_text
from portal_site.processes import inputs_of

from .application import certificate_request

MAIL_INCOMPLETE = "civil_status.incomplete"


MAIL_NOT_ENTITLED = "civil_status.not_entitled"


MAIL_NOT_ON_RECORD = "civil_status.not_on_record"


MAIL_COMPLETED = "civil_status.completed"


LETTER_COVER = "letter.civil_status.cover"


def certificates_text(kind: str, copies: int) -> str:
    """ "Ihre Geburtsurkunde" for one copy, "Ihre 4 Geburtsurkunden" for several."""
    if copies <= 1:
        return f"Ihre {kind}"
    plural = kind + "n" if kind.endswith("e") else kind
    return f"Ihre {copies} {plural}"


def mail_values(case: Case) -> dict[str, str]:
    kind = str(inputs_of(case).get("urkundenart", ""))
    try:
        _kind, copies = certificate_request(case)
    except (TypeError, ValueError):
        copies = 1
    return {
        "name": case.applicant_name,
        "case_number": case.number,
        "kind": kind,
        "certificates": certificates_text(kind, copies),
        "certificate_number": str(case.data.get("certificate_number", "")),
    }


def mail_applicant(case: Case, key: str, extra: dict[str, str] | None = None) -> None:
    if not case.applicant_email:
        return
    subject, body = render_email_text(key=key, values={**mail_values(case), **(extra or {})})
    notify_applicant(case=case, subject=subject, body=body)


def register_texts() -> None:
    register_email_text(
        key=LETTER_COVER,
        name="Brieftext: Begleitschreiben Personenstandsurkunden",
        subject="Ihre Anforderung von Personenstandsurkunden",
        body=(
            "Guten Tag,\n\n"
            "wir übersenden Ihnen die gewünschten Urkunden: {copies} × {kind}, "
            "Urkunden-Nr. {certificate_number}. Die Gebühren zum Kassenzeichen {reference} "
            "sind bezahlt.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=(
            "name",
            "kind",
            "copies",
            "certificate_number",
            "reference",
            "case_number",
        ),
    )
    placeholders = ("name", "case_number", "kind", "certificates", "certificate_number", "missing")
    register_email_text(
        key=MAIL_INCOMPLETE,
        name="Personenstandsurkunde: Antrag unvollständig",
        subject="Ihr Antrag {case_number}: Angaben fehlen",
        body=(
            "Guten Tag {name},\n\n"
            "Ihr Antrag auf eine {kind} ({case_number}) ist leider nicht vollständig:\n"
            "{missing}\n\n"
            "Bitte stellen Sie den Antrag mit den fehlenden Angaben neu.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=MAIL_NOT_ENTITLED,
        name="Personenstandsurkunde: keine Antragsberechtigung",
        subject="Ihr Antrag {case_number}: keine Berechtigung",
        body=(
            "Guten Tag {name},\n\n"
            "nach Prüfung Ihres Antrags {case_number} können wir Ihnen die gewünschte {kind} "
            "leider nicht ausstellen: Sie sind nicht berechtigt, diese Urkunde anzufordern "
            "(§ 62 Personenstandsgesetz). Gebühren fallen nicht an.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=MAIL_NOT_ON_RECORD,
        name="Personenstandsurkunde: Urkunde nicht vorhanden",
        subject="Ihr Antrag {case_number}: kein Eintrag vorhanden",
        body=(
            "Guten Tag {name},\n\n"
            "zu Ihrem Antrag {case_number} liegt beim Standesamt Kassel kein Eintrag vor, aus "
            "dem die gewünschte {kind} ausgestellt werden könnte. Bitte wenden Sie sich an das "
            "Standesamt des Ereignisortes. Gebühren fallen nicht an.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=MAIL_COMPLETED,
        name="Personenstandsurkunde: Urkunden versandt",
        subject="Ihre Urkunden zum Antrag {case_number}",
        body=(
            "Guten Tag {name},\n\n"
            "vielen Dank für Ihre Zahlung. {certificates} (Urkunden-Nr. {certificate_number}) "
            "erhalten Sie in den nächsten Tagen mit der Post.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )

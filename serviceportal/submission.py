"""Sending an application: one transaction from answers to a case with a running process."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal_site.cases import events
from portal_site.cases.models import Case, CaseFile, Channel
from portal_site.cases.numbering import assign_number
from portal_site.cases.services import attach_file, open_case, record
from portal_site.core.links import absolute_url
from portal_site.notifications.email_texts import fill_placeholders
from portal_site.notifications.services import queue_email
from portal_site.processes import UnknownProcess, start_process

from . import process_inputs, uploads
from .form_submissions import ServiceFormSubmission

if TYPE_CHECKING:
    from .form_pages import ServiceFormPage

logger = logging.getLogger(__name__)

STATUS_SALT = "serviceportal.case-status"
GENERIC_PROCESS = "generic"


@dataclass
class Application:
    """Everything the applicant entered, ready to be sent."""

    token: uuid.UUID
    answers: list[dict[str, str]]
    values: dict[str, Any]
    applicant_name: str
    applicant_email: str
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    applicant_user: Any = None


def status_path(case: Case) -> str:
    """The path of the case's status page, signed so that nobody can guess another's."""
    token = signing.dumps(str(case.public_token), salt=STATUS_SALT)
    return reverse("serviceportal:case_status", args=[token])


def status_url(case: Case) -> str:
    """The absolute status link for e-mails."""
    return absolute_url(status_path(case))


def case_for_status_token(token: str) -> Case | None:
    try:
        public_token = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    return Case.objects.filter(public_token=public_token).first()


def _start(page: ServiceFormPage, case: Case) -> None:
    keys = [page.process_key] if page.process_key else []
    if GENERIC_PROCESS not in keys:
        keys.append(GENERIC_PROCESS)
    for key in keys:
        try:
            start_process(key=key, case=case)
        except UnknownProcess:
            record(
                case=case,
                message=events.NO_PROCESS(key=key),
            )
            continue
        if key != case.process_key:
            case.process_key = key
            case.save(update_fields=["process_key", "updated_at"])
        return
    logger.error("Case %s waits without a process (form %s)", case.number, page.pk)


def submit_application(*, page: ServiceFormPage, application: Application) -> Case:
    """Store the submission, open the case, file uploads, start the process, queue the mail.

    Idempotent per ``application.token``: a double click, a reload or a replayed
    POST returns the case of the first submission instead of creating another.
    """
    try:
        with transaction.atomic():
            submission = ServiceFormSubmission.objects.create(
                page=page,
                token=application.token,
                form_data={a["name"]: a["value"] for a in application.answers},
            )
            case = open_case(
                process_key=page.process_key or GENERIC_PROCESS,
                title=page.case_title or page.title,
                data={
                    "form": {"page_id": page.pk, "title": page.title},
                    "answers": application.answers,
                    "values": application.values,
                    # what the process reads, through the form's mapping of fields to inputs
                    "inputs": process_inputs.resolve(
                        page.all_fields(), application.values, page.process_key
                    ),
                },
                channel=Channel.PORTAL,
                applicant_name=application.applicant_name,
                applicant_email=application.applicant_email,
                applicant_user=application.applicant_user,
                office=page.office,
                number_last=True,
            )
            submission.case = case
            submission.save(update_fields=["case"])
            for name, info in application.uploads.items():
                attach_file(
                    case=case,
                    content=uploads.read_temporary(info),
                    filename=str(info["filename"]),
                    content_type=str(info["content_type"]),
                    kind=CaseFile.Kind.UPLOAD,
                    source=name,
                    actor_label=application.applicant_name or None,
                )
            _start(page, case)
            # The year's counter is locked from here to the commit only (numbering.py).
            assign_number(case)
            if application.applicant_email:
                _queue_confirmation(page=page, case=case, application=application)
    except IntegrityError:
        existing = (
            ServiceFormSubmission.objects.select_related("case")
            .filter(token=application.token)
            .first()
        )
        if existing is None or existing.case is None:
            raise
        return existing.case
    for info in application.uploads.values():
        transaction.on_commit(lambda info=info: uploads.delete_temporary(info))
    return case


def _queue_confirmation(*, page: ServiceFormPage, case: Case, application: Application) -> None:
    summary = "\n".join(
        f"{a['label']}: {a['value']}" for a in application.answers if a.get("value")
    )
    values = {
        "case_number": case.number,
        "form_title": page.title,
        "applicant_name": application.applicant_name,
        "status_url": status_url(case),
        "summary": summary,
        "received_at": case.received_at.astimezone().strftime("%d.%m.%Y %H:%M"),
    }
    queue_email(
        to=[application.applicant_email],
        subject=fill_placeholders(page.confirmation_email_subject, values),
        body=fill_placeholders(page.confirmation_email_body, values),
        case=case,
    )


def erase_submission(case: Case) -> None:
    """The stored form answers of ``case`` go when its personal data is deleted."""
    ServiceFormSubmission.objects.filter(case=case).update(form_data={})

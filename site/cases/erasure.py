"""Deletion of a case's personal data when its retention ends (e.g. after a Storno).

The case keeps its number, type, dates, status and timeline (who did what
when), so that bookings and statistics stay explainable; the applicant's
name, address, answers, uploaded and generated files, and the texts of the
e-mails sent are deleted. Packages that keep personal data of their own about
a case (the portal's stored submission, the finance system's partner record)
register an eraser, called in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.accounts.models import User

from .models import Case, TimelineEntry

Eraser = Callable[[Case], None]
_ERASERS: dict[str, Eraser] = {}


def register_eraser(name: str, eraser: Eraser) -> None:
    _ERASERS[name] = eraser


@transaction.atomic
def erase_personal_data(*, case: Case, actor: User | None = None, reason: str = "") -> Case:
    """Delete the applicant's personal data of ``case``; idempotent."""
    from portal_site.notifications.models import OutboxMessage

    from .services import record

    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.personal_data_deleted_at is not None:
        return locked
    for eraser in _ERASERS.values():
        eraser(locked)
    for case_file in locked.files.all():
        case_file.file.delete(save=False)
        case_file.delete()
    OutboxMessage.objects.filter(case=locked).update(to=[], body="", html_body="", attachments=[])
    # Message texts and payloads may carry the applicant's words; the entry stays.
    TimelineEntry.objects.filter(case=locked).exclude(data={}).update(data={})
    TimelineEntry.objects.filter(case=locked, kind=TimelineEntry.Kind.RECEIVED).update(
        actor_label=_("Applicant")
    )
    locked.applicant_name = ""
    locked.applicant_email = ""
    locked.applicant_user = None
    locked.data = {"erased": True}
    locked.personal_data_deleted_at = timezone.now()
    locked.save(
        update_fields=[
            "applicant_name",
            "applicant_email",
            "applicant_user",
            "data",
            "personal_data_deleted_at",
            "updated_at",
        ]
    )
    record(
        case=locked,
        kind=TimelineEntry.Kind.STATUS,
        actor=actor,
        message=(_("Personal data deleted.") + (f" {reason}" if reason else "")),
    )
    return locked

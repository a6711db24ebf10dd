"""Deletion of a case's personal data when its retention ends (e.g. after a Storno).

The case keeps its number, type, dates, status and timeline (who did what
when), so that bookings and statistics stay explainable; the applicant's
name, address, answers, uploaded and generated files, and the texts of the
e-mails sent are deleted. Packages that keep personal data of their own about
a case (the portal's stored submission, the finance system's partner record)
register an eraser, called in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.registry import Registry

from . import events
from .models import Case, TimelineEntry
from .processes import of_cases

Eraser = Callable[[Case], None]
_ERASERS: Registry[str, Eraser] = Registry("erasers")


def register_eraser(name: str, eraser: Eraser) -> None:
    _ERASERS.register(name, eraser)


ERASED = "[gelöscht]"
# Values this short or without a letter ("ja", "4", dates) say nothing about a person
# on their own and would blank out half of the timeline's own words.
MIN_SCRUB_LENGTH = 4


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings_in(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings_in(item)]
    return []


def personal_strings(case: Case) -> list[str]:
    """What identifies the applicant in free text: name, e-mail, answers, file names."""
    found: set[str] = set()
    name = case.applicant_name.strip()
    if name:
        found.add(name)
        found.update(part for part in name.split() if len(part) >= MIN_SCRUB_LENGTH)
    if case.applicant_email:
        found.add(case.applicant_email)
    data = case.data or {}
    found.update(_strings_in(data.get("values", {})))
    found.update(_strings_in(data.get("inputs", {})))
    found.update(
        answer.get("value", "") for answer in data.get("answers", []) if isinstance(answer, dict)
    )
    for file_name in case.files.values_list("filename", flat=True):
        found.add(file_name)
        found.add(file_name.rsplit(".", 1)[0])
    return sorted(
        (
            text.strip()
            for text in found
            if len(text.strip()) >= MIN_SCRUB_LENGTH
            and any(c.isalpha() for c in text)
            and text.strip() not in ("True", "False")
        ),
        key=len,
        reverse=True,
    )


def scrub(text: str, strings: list[str]) -> str:
    """``text`` with every occurrence of the personal ``strings`` replaced (any case)."""
    if not text or not strings:
        return text
    pattern = re.compile("|".join(re.escape(s) for s in strings), re.IGNORECASE)
    return pattern.sub(ERASED, text)


def _scrub_json(value, strings: list[str]):
    if isinstance(value, str):
        return scrub(value, strings)
    if isinstance(value, dict):
        return {key: _scrub_json(item, strings) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_json(item, strings) for item in value]
    return value


def _delete_files_after_commit(names: list[tuple[str, object]]) -> None:
    """Files go only once the erasure is committed (a rollback keeps them with their rows)."""

    def delete() -> None:
        for name, storage in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _scrub_timeline(case: Case, strings: list[str]) -> None:
    """Timeline entries stay (who did what when); names, file names and comments go."""
    for entry in TimelineEntry.objects.filter(case=case):
        message = entry.message
        comment = (entry.data or {}).get("comment") if isinstance(entry.data, dict) else None
        if comment and message.endswith(f" – {comment}"):
            message = message[: -len(f" – {comment}")]
        message = scrub(message, strings)
        stored = (entry.data or {}).get("message") if isinstance(entry.data, dict) else None
        kept: dict = {}
        if isinstance(stored, dict):
            # the event stays (shown in the reader's language); its words are scrubbed
            kept = {
                "message": {
                    **stored,
                    "params": _scrub_json(stored.get("params") or {}, strings),
                    "suffix": "",
                }
            }
        if isinstance(entry.data, dict) and entry.data.get("correction"):
            # its old value is gone from the case
            erased = events.ANSWER_CORRECTED_ERASED()
            message = str(_(erased.key))
            kept = {"message": {"event": erased.event, "key": erased.key, "params": {}}}
        label = entry.actor_label
        if entry.actor_id is None and (
            entry.kind == TimelineEntry.Kind.RECEIVED or scrub(label, strings) != label
        ):
            label = _("Applicant")  # the applicant acted (sent the form, uploaded a file)
        # Integrity guard of the model is for edits of history; erasure is the one exception.
        TimelineEntry.objects.filter(pk=entry.pk).update(
            message=message, actor_label=label, data=kept
        )


def _scrub_outbox(case: Case, strings: list[str]) -> None:
    from portal_site.notifications.delivery import FINAL, wipe_message
    from portal_site.notifications.models import OutboxMessage

    for message in OutboxMessage.objects.select_for_update().filter(case=case):
        if message.status in FINAL:
            wipe_message(message)
        else:
            # Still to be sent (the Storno notice): it goes out once, then it is wiped.
            message.erase_after_sending = True
            message.last_error = scrub(message.last_error, strings)
        message.save()


def _scrub_processes(case: Case, strings: list[str]) -> None:
    """viewflow keeps decisions and comments in its process and task data."""
    from viewflow.workflow.models import Process, Task

    processes = Process.objects.filter(of_cases(case.pk, via=""))
    for process in processes:
        Process.objects.filter(pk=process.pk).update(data=_scrub_json(process.data, strings))
    for task in Task.objects.filter(process__in=processes).exclude(data=None):
        Task.objects.filter(pk=task.pk).update(data=_scrub_json(task.data, strings))


@transaction.atomic
def erase_personal_data(*, case: Case, actor: User | None = None, reason: str = "") -> Case:
    """Delete the applicant's personal data of ``case`` everywhere; idempotent.

    Gone afterwards: name, e-mail, account link and answers of the case; uploaded
    and generated files (from disk after commit); the recipients and texts of its
    e-mails (a message still to be sent is wiped right after sending); names,
    file names and comments in its timeline and process data; and whatever the
    packages keep (registered erasers: the stored form submission, the archive
    order, the business partner). Kept: number, type, dates, status and the
    timeline's "who did what when", so bookings and statistics stay explainable.
    """
    from .services import record

    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.personal_data_deleted_at is not None:
        return locked
    strings = personal_strings(locked)
    for eraser in _ERASERS.values():
        eraser(locked)
    files = [(f.file.name, f.file.storage) for f in locked.files.all() if f.file.name]
    locked.files.all().delete()
    _delete_files_after_commit(files)
    _scrub_outbox(locked, strings)
    _scrub_timeline(locked, strings)
    _scrub_processes(locked, strings)
    locked.applicant_name = ""
    locked.applicant_email = ""
    locked.applicant_user = None
    locked.data = {"erased": True}
    locked.title = scrub(locked.title, strings)
    locked.personal_data_deleted_at = timezone.now()
    locked.save(
        update_fields=[
            "applicant_name",
            "applicant_email",
            "applicant_user",
            "data",
            "title",
            "personal_data_deleted_at",
            "updated_at",
        ]
    )
    record(
        case=locked,
        actor=actor,
        message=events.PERSONAL_DATA_DELETED(suffix=f" {scrub(reason, strings)}" if reason else ""),
    )
    return locked

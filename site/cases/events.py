"""Every kind of case timeline entry, as a named event with parameters.

A timeline entry is written with :func:`portal_site.cases.services.record` from one of
the events below, e.g. ``record(case=case, message=events.TASK_TAKEN(task=title))``.
It is stored as the event's name and its parameters (``TimelineEntry.data["message"]``)
and shown in the reader's language (:attr:`TimelineEntry.text`); the German text is
kept beside it for search, exports and documents. :func:`record` refuses anything
that is not an event, so no timeline text is frozen in the writer's language.

Entries written before events existed are given their event by
:func:`key_legacy_entries` (a setup step after ``migrate``): it recognises the German
text of each event and stores the event with the parameters it finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .messages import EVENT_TEXTS, Keyed, keyed

# Kinds as stored in TimelineEntry.kind (kept as strings: this module is imported by models).
RECEIVED, STATUS, TASK, DECISION, MESSAGE = "received", "status", "task", "decision", "message"
NOTE, DOCUMENT, EMAIL, PAYMENT, LINK, SYSTEM = (
    "note",
    "document",
    "email",
    "payment",
    "link",
    "system",
)


@dataclass(frozen=True)
class CaseEvent:
    """One kind of timeline entry: its name, the timeline kind it is filed under and
    its text (a translatable message with ``%(name)s`` parameters)."""

    name: str
    kind: str
    text: Promise

    def __call__(self, *, suffix: str = "", **params: Any) -> Keyed:
        return keyed(self.text, suffix=suffix, event=self.name, kind=self.kind, **params)


EVENTS: dict[str, CaseEvent] = {}


def define(name: str, kind: str, text: Promise) -> CaseEvent:
    """A new event (its name unique among all events)."""
    if name in EVENTS:
        raise ValueError(f"Case event {name!r} is defined twice.")
    event = CaseEvent(name, kind, text)
    EVENTS[name] = event
    EVENT_TEXTS[name] = text
    return event


# -- The case
CASE_RECEIVED = define("case_received", RECEIVED, _("Case received via %(channel)s."))
SUB_CASE_LINKED = define("sub_case_linked", LINK, _("Sub-case %(number)s linked."))
STATUS_CHANGED = define("status_changed", STATUS, _("Status changed from %(old)s to %(new)s."))
PERSONAL_DATA_DELETED = define("personal_data_deleted", STATUS, _("Personal data deleted."))
FILE_FILED = define("file_filed", DOCUMENT, _("File filed: %(title)s"))
NOTE_ADDED = define("note", NOTE, _("Note: %(text)s"))
ANSWER_CORRECTED = define(
    "answer_corrected", NOTE, _("Answer “%(label)s” corrected from “%(old)s” to “%(new)s”.")
)
ANSWER_CORRECTED_ERASED = define("answer_corrected_erased", NOTE, _("An answer was corrected."))
NO_PROCESS = define("no_process", SYSTEM, _("No process is registered under “%(key)s”."))
FORWARDED = define("forwarded", NOTE, _("Forwarded from %(from)s to %(to)s: %(note)s"))

# -- Messages and e-mails
MESSAGE_TO_APPLICANT = define(
    "message_to_applicant", MESSAGE, _("Message to the applicant: %(subject)s")
)
EMAIL_TO_APPLICANT = define(
    "email_to_applicant", MESSAGE, _("E-mail to the applicant: %(subject)s")
)
EMAIL_TO_EMPLOYEE = define("email_to_employee", MESSAGE, _("E-mail to the employee: %(subject)s"))
EMAIL_SENT = define("email_sent", MESSAGE, _("E-mail “%(subject)s” to %(to)s."))
EMAIL_NOT_SENT = define("email_not_sent", MESSAGE, _("E-mail “%(subject)s” not sent: no address."))
ANSWER_SENT = define("answer_sent", MESSAGE, _("Answer sent to the applicant: %(subject)s"))
USAGE_PERMISSION_SENT = define(
    "usage_permission_sent", MESSAGE, _("Usage permission and %(count)s download links sent.")
)

# -- Tasks and decisions
TASK_CREATED = define("task_created", TASK, _("Task “%(task)s” created for %(office)s."))
TASK_TAKEN = define("task_taken", TASK, _("Task “%(task)s” taken."))
TASK_RELEASED = define("task_released", TASK, _("Task “%(task)s” released to the queue."))
TASK_COMPLETED = define("task_completed", TASK, _("Task “%(task)s” completed."))
TASK_REASSIGNED = define("task_reassigned", TASK, _("Task “%(task)s” reassigned to %(name)s."))
TASK_RETURNED_LEAVER = define(
    "task_returned_leaver",
    TASK,
    _("Task “%(task)s” returned to the queue: %(name)s is no longer active in the directory."),
)
TASK_TO_DEPUTY = define(
    "task_to_deputy",
    TASK,
    _("Task “%(task)s” handed to %(deputy)s, who stands in for %(absent)s until %(until)s."),
)
TASK_RETURNED_SEPARATED = define(
    "task_returned_separated",
    TASK,
    _("Task “%(task)s” returned to the queue: %(name)s may not decide it (four-eyes principle)."),
)
TASK_NOBODY_MAY_DECIDE = define(
    "task_nobody_may_decide",
    TASK,
    _(
        "Nobody in the queue may decide task “%(task)s” (four-eyes principle); an administrator "
        "must assign it."
    ),
)
TASK_GIVEN_SEPARATED = define(
    "task_given_separated",
    TASK,
    _(
        "Task “%(task)s” given to %(name)s: nobody else in its queue may decide it (four-eyes "
        "principle)."
    ),
)
TASK_NOBODY_FOUND = define(
    "task_nobody_found",
    TASK,
    _("Nobody found for the task “%(task)s”; it waits in the office's queue."),
)
PARALLEL_WITHDRAWN = define(
    "parallel_withdrawn",
    TASK,
    _("Parallel tasks withdrawn: %(count)s; one decision was enough."),
)
DECIDED = define("decision", DECISION, _("Decision: %(decision)s"))
DEADLINE_REMINDED = define("deadline_reminded", SYSTEM, _("Deadline passed; reminder sent."))
DEADLINE_ESCALATED = define(
    "deadline_escalated", SYSTEM, _("Deadline passed by %(days)s days; escalated to the lead.")
)

# -- Designed processes
TEST_RUN_FEE_SKIPPED = define(
    "test_run_fee_skipped", SYSTEM, _("Test run: fee “%(fee)s” not invoiced; going on as paid.")
)
DEFINITION_ERROR = define(
    "definition_error", SYSTEM, _("Error in the process definition at step “%(step)s”: %(error)s")
)
WAITING_UNTIL = define("waiting_until", SYSTEM, _("Waiting until %(date)s."))
RESERVED = define("reserved", SYSTEM, _("%(resource)s reserved for %(span)s."))
RESERVATION_REFUSED = define("reservation_refused", SYSTEM, _("Not reserved: %(reason)s"))
RESERVATION_RELEASED = define("reservation_released", SYSTEM, _("Reservation released."))

# -- Payments
INVOICE_ISSUED = define(
    "invoice_issued", PAYMENT, _("Fee invoice %(reference)s issued: %(amount)s, due on %(date)s.")
)
PAYMENT_RECEIVED = define(
    "payment_received",
    PAYMENT,
    _("Payment of %(amount)s received (%(method)s) for invoice %(reference)s."),
)
PAYMENT_RECEIVED_FLAGGED = define(
    "payment_received_flagged",
    PAYMENT,
    _(
        "Payment of %(amount)s received (%(method)s) for invoice %(reference)s. "
        "Needs checking: %(flag)s."
    ),
)
PAYMENT_CHECKED = define(
    "payment_checked", PAYMENT, _("Payment of invoice %(reference)s checked by the cash office.")
)
INVOICE_CANCELLED = define(
    "invoice_cancelled", PAYMENT, _("Invoice %(reference)s cancelled (Storno): %(reason)s")
)
PAYMENT_REMINDER = define(
    "payment_reminder",
    PAYMENT,
    _("Payment reminder for invoice %(reference)s sent; final date %(date)s."),
)

# -- Processes of the packages
CERTIFICATE_NUMBER = define(
    "certificate_number", DECISION, _("Certificate number recorded: %(number)s")
)
COURSE_RECOMMENDATION_ASKED = define(
    "course_recommendation_asked", TASK, _("Course %(course)s; recommendation asked of %(lead)s.")
)
COURSE_MOVED_UP = define(
    "course_moved_up",
    DECISION,
    _("Moved up from the waiting list: a place in %(course)s is confirmed."),
)
COURSE_WITHDRAWN = define("course_withdrawn", STATUS, _("Registration for %(course)s withdrawn."))


def text_of(name: str) -> str | None:
    """The event's message (its source text) by name, None for an unknown name."""
    event = EVENTS.get(name)
    return None if event is None else str(event.text)


# -- Entries written before events existed


# Events whose entries carry a suffix after the text (a reason, a clerk's comment).
_SUFFIXED = {"status_changed": " ", "personal_data_deleted": " ", "decision": " – "}


def _pattern(german: str, separator: str | None) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)[sd]", german)
    regex = ""
    for index, part in enumerate(parts):
        regex += re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)"
    if separator:
        regex += f"(?P<_suffix>{re.escape(separator)}.*)?"
    return re.compile(f"^{regex}$", re.DOTALL)


def _patterns() -> list[tuple[CaseEvent, re.Pattern[str]]]:
    with translation.override("de"):
        found = [
            (event, _pattern(str(event.text), _SUFFIXED.get(event.name)))
            for event in EVENTS.values()
        ]
    # the longest fixed text first: "Payment … Needs checking" before "Payment …"
    return sorted(found, key=lambda pair: -len(re.sub(r"\(\?P<\w+>[^)]*\)", "", pair[1].pattern)))


def recognise(
    message: str, patterns: list[tuple[CaseEvent, re.Pattern[str]]] | None = None
) -> dict[str, Any] | None:
    """The stored form of an event whose German text ``message`` is, or None."""
    for event, pattern in patterns or _patterns():
        match = pattern.match(message)
        if match is not None:
            found = match.groupdict()
            suffix = found.pop("_suffix", None) or ""
            return {
                "event": event.name,
                "key": text_of(event.name),
                "params": found,
                "suffix": suffix,
            }
    return None


def key_legacy_entries(model=None) -> dict[str, int]:
    """Give every timeline entry kept as plain text its event (idempotent; the data
    migration ``cases 0009`` runs it once with the historical model)."""
    TimelineEntry = model or apps.get_model("cases", "TimelineEntry")
    counts = {"keyed": 0, "left": 0}
    patterns = _patterns()  # compiled once for every entry
    legacy = TimelineEntry.objects.exclude(data__has_key="message").order_by("pk")
    batch: list = []

    def flush() -> None:
        # bulk_update writes without save(): the model refuses edits of history, and
        # giving an entry its event changes no word of it.
        TimelineEntry.objects.bulk_update(batch, ["data"])
        counts["keyed"] += len(batch)
        batch.clear()

    for entry in legacy.only("pk", "message", "data").iterator(chunk_size=2000):
        stored = recognise(entry.message, patterns)
        if stored is None:
            counts["left"] += 1
            continue
        entry.data = {**(entry.data if isinstance(entry.data, dict) else {}), "message": stored}
        batch.append(entry)
        if len(batch) >= 1000:
            flush()
    flush()
    return counts

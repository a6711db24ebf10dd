"""Deadlines of case tasks: due dates, reminders and escalation, run by a periodic job.

Each human step declares its deadline in the process's chain
(``HumanTask(..., deadline=Deadline(days=5, escalate_after_days=2))``); a step
without one is due on the case's due date (``DEFAULT_DAYS_TO_DECIDE`` calendar
days after receipt, or the form's own setting). When the step is overdue, the
clerk who has the task (or the office, for an unclaimed one) is reminded once;
``escalate_after_days`` later the office's lead is told once. Both are on the
case timeline. The job is idempotent: markers in ``task.data`` make each message
go out once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from portal_site.cases import events
from portal_site.cases.messages import Keyed
from portal_site.cases.models import Case
from portal_site.cases.processes import case_of
from portal_site.cases.services import record
from portal_site.notifications.email_texts import register_email_text, render_email_text
from portal_site.notifications.services import queue_email

from .selectors import OPEN, human_tasks
from .step_titles import step_title

DEFAULT_DAYS_TO_DECIDE = 10


@dataclass(frozen=True)
class Deadline:
    """When a human step is due, and when its lateness goes to the lead.

    ``days``: calendar days from the task's creation; ``None`` means the case's due
    date (set when the case starts, changeable per form). After the due date the clerk
    with the task (or the office) is reminded once, ``escalate_after_days`` later the
    office's lead is told once (:mod:`flows.deadlines`, a periodic job).
    """

    days: int | None = None
    escalate_after_days: int = 3

    def due_on(self, *, task: Task, case: Case):
        if self.days is None:
            return case.due_date
        return timezone.localtime(task.created).date() + timedelta(days=self.days)


CASE_DEADLINE = Deadline()


def deadline_of(task: Task) -> Deadline:
    """The task's own deadline (a designed task carries it in its data), else its step's."""
    data = task.data or {}
    if "deadline_days" in data or "escalate_after_days" in data:
        return Deadline(
            days=data.get("deadline_days"),
            escalate_after_days=data.get("escalate_after_days", CASE_DEADLINE.escalate_after_days),
        )
    return getattr(task.flow_task, "deadline", None) or CASE_DEADLINE


def due_date_for(*, case: Case):
    return timezone.localtime(case.received_at).date() + timedelta(days=DEFAULT_DAYS_TO_DECIDE)


def _recipient_for_reminder(task: Task, case: Case) -> list[str]:
    if task.owner_id and task.owner.email:
        return [task.owner.email]
    if case.office and case.office.email:
        return [case.office.email]
    return []


def _lead_of(case: Case) -> list[str]:
    unit = case.office
    while unit is not None:
        if unit.lead is not None and unit.lead.email:
            return [unit.lead.email]
        unit = unit.parent
    return []


def _notify_once(
    *,
    task: Task,
    case: Case,
    marker: str,
    text_key: str,
    recipients: list[str],
    values: dict[str, str],
    note: Keyed,
) -> None:
    """Send one e-mail text (if anyone can receive it), note it, and mark the task."""
    if recipients:
        subject, body = render_email_text(key=text_key, values=values)
        queue_email(to=recipients, subject=subject, body=body, case=case)
    record(case=case, message=note)
    task.data[marker] = timezone.localdate().isoformat()
    task.save(update_fields=["data"])


def remind_and_escalate() -> dict[str, int]:
    """Periodic job: remind about overdue tasks once, escalate to the lead once."""
    today = timezone.localdate()
    counts = {"reminded": 0, "escalated": 0}
    for task in human_tasks().filter(status__in=OPEN):
        with transaction.atomic():
            task = Task.objects.select_for_update().get(pk=task.pk)
            case = case_of(task.process, cases=Case.objects.select_related("office__lead"))
            deadline = deadline_of(task)
            due_on = deadline.due_on(task=task, case=case)
            if due_on is None or due_on >= today or not case.is_open:
                continue
            values = {
                "case_number": case.number,
                "case_title": case.title,
                "due_date": due_on.strftime("%d.%m.%Y"),
                "task": str(step_title(task)),
            }
            if not task.data.get("reminded"):
                _notify_once(
                    task=task,
                    case=case,
                    marker="reminded",
                    text_key="task_reminder",
                    recipients=_recipient_for_reminder(task, case),
                    values=values,
                    note=events.DEADLINE_REMINDED(),
                )
                counts["reminded"] += 1
            escalate_on = due_on + timedelta(days=deadline.escalate_after_days)
            if not task.data.get("escalated") and today >= escalate_on:
                _notify_once(
                    task=task,
                    case=case,
                    marker="escalated",
                    text_key="task_escalation",
                    recipients=_lead_of(case),
                    values=values,
                    note=events.DEADLINE_ESCALATED(
                        days=deadline.escalate_after_days,
                    ),
                )
                counts["escalated"] += 1
    return counts


def register_deadline_texts() -> None:
    register_email_text(
        key="task_reminder",
        name="Erinnerung: Frist überschritten",
        subject="Frist überschritten: Vorgang {case_number}",
        body=(
            "Guten Tag,\n\ndie Frist des Vorgangs {case_number} ({case_title}) endete am "
            "{due_date}. Bitte erledigen Sie die Aufgabe „{task}“.\n\nIhr Serviceportal"
        ),
        placeholders=("case_number", "case_title", "due_date", "task"),
    )
    register_email_text(
        key="task_escalation",
        name="Eskalation an die Leitung",
        subject="Eskalation: Vorgang {case_number} ist überfällig",
        body=(
            "Guten Tag,\n\nder Vorgang {case_number} ({case_title}) ist seit {due_date} "
            "überfällig. Offene Aufgabe: „{task}“.\n\nIhr Serviceportal"
        ),
        placeholders=("case_number", "case_title", "due_date", "task"),
    )

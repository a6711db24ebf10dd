"""Who gets a designed task (:func:`route`, :func:`assignee_of`: the office's queue,
another office's or a role's queue, a named person, a supervisor from the directory, the
clerk of an earlier task) and who may not decide it (:func:`designed_not_by`)."""

from __future__ import annotations

from portal_site.accounts import roles
from portal_site.accounts.models import Employee, OrgUnit, User
from portal_site.accounts.selectors import department_head_of, team_lead_of
from portal_site.cases import events
from portal_site.cases.processes import case_of
from portal_site.cases.services import record

from ..steps import NotBy
from .blocks import Assignee
from .process import DesignedProcess


def designed_not_by(task):
    """Who may not decide a designed task: its step's "not by" setting (the applicant unless
    switched off, and whoever decided the named tasks)."""
    from .definition import not_by_steps

    step = DesignedProcess.objects.get(pk=task.process_id).task_step(task)
    return NotBy(applicant=step.get("not_by_applicant") is not False, steps=not_by_steps(step))


def route(activation) -> User | None:
    """Who gets a new task: a person (returned), or a queue noted on the task (another
    office's, a role's; None and no note: the responsible office's queue). Its own
    deadline goes on the task too, where the deadlines job reads it."""
    process, task = activation.process, activation.task
    step = process.task_step(task)
    data = dict(task.data or {})
    data["designed_step"] = step["id"]
    if step.get("days"):
        data["deadline_days"] = int(step["days"])
    if step.get("escalate_after_days") not in (None, ""):
        data["escalate_after_days"] = int(step["escalate_after_days"])
    assignee = step.get("assignee") or Assignee.OFFICE
    if assignee == Assignee.OTHER_OFFICE:
        office = OrgUnit.objects.filter(short_name=step.get("office") or "").first()
        if office is not None:
            data["queue_office"] = office.pk
    elif assignee == Assignee.ROLE and step.get("role") in roles.ROLES:
        data["queue_role"] = step["role"]
    task.data = data
    return assignee_of(process, step, task)


def assignee_of(process: DesignedProcess, step: dict, task=None) -> User | None:
    """The person a task goes to; None leaves it in a queue (also when the directory knows
    no supervisor, which the timeline says)."""
    assignee = step.get("assignee") or Assignee.OFFICE
    if assignee in (Assignee.OFFICE, Assignee.OTHER_OFFICE, Assignee.ROLE):
        return None
    case = case_of(process)
    user: User | None = None
    if assignee == Assignee.PERSON:
        user = User.objects.filter(username=step.get("person") or "", is_active=True).first()
    elif assignee in (Assignee.TEAM_LEAD, Assignee.DEPARTMENT_HEAD):
        number = str((case.data.get("values") or {}).get("personnel_number") or "")
        employee = Employee.objects.filter(personnel_number=number).first() if number else None
        if employee is not None:
            lookup = team_lead_of if assignee == Assignee.TEAM_LEAD else department_head_of
            user = lookup(employee)
    elif assignee == Assignee.EARLIER_CLERK:
        earlier = (
            process.task_set.filter(flow_task_type="HUMAN", status="DONE", owner__isnull=False)
            .filter(data__designed_step=step.get("earlier_task"))
            .order_by("-finished")
            .first()
        )
        user = earlier.owner if earlier else None
    if user is None or not user.is_active:
        record(
            case=case,
            message=events.TASK_NOBODY_FOUND(task=step["title"]),
        )
        return None
    return user

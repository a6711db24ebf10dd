"""Telling staff that a task arrived: an e-mail and a notice in the administration.

Each member of staff chooses in their account settings (*Benachrichtigungen*)
whether they get an e-mail for tasks given to them, also for new tasks in their
queues, or none (:class:`~portal_site.accounts.models.TaskMail`), and whether new
tasks are marked in the administration (``task_notice``).

The periodic job :func:`announce_new_tasks` finds the open tasks of the last day
that nobody was told of yet (an owner without a notice, a queue without any) and
tells everyone they arrived for: the task's owner
(assigned by the process, by a lead, to a deputy) or, for a task in a queue, the
queue's members (the office's members and its lead, or the role's holders). Each
person is told once per task (:class:`~flows.models.TaskNotice`); a clerk who
takes a task from the queue is not told about it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import TaskMail, User
from portal_site.cases.models import Case
from portal_site.cases.processes import case_id_of
from portal_site.core.links import absolute_url
from portal_site.notifications.services import queue_email

from .models import TaskExclusion, TaskNotice
from .selectors import queue_members
from .step_titles import step_title

LOOK_BACK = timedelta(days=1)


def _recipients(task: Task, case: Case) -> list[tuple[User, bool]]:
    """(person, whether they want a mail) for everyone the task arrived for."""
    if task.owner_id:
        owner = task.owner
        if not owner.is_active:
            return []
        return [(owner, owner.task_mail in (TaskMail.MINE, TaskMail.ALL))]
    members = queue_members(task, case).exclude(
        pk__in=TaskExclusion.objects.filter(task=task).values("user_id")
    )
    return [(user, user.task_mail == TaskMail.ALL) for user in members.distinct()]


def _mail(user: User, task: Task, case: Case, *, queued: bool) -> None:
    language = getattr(getattr(user, "wagtail_userprofile", None), "preferred_language", "")
    with translation.override(language or settings.LANGUAGE_CODE):
        names = {
            "task": step_title(task),
            "number": case.number,
            "title": case.title,
            "link": absolute_url(reverse("flows_task", args=[task.pk])),
        }
        body = (
            _("A new task is waiting in your queue:\n\n%(task)s\nCase %(number)s “%(title)s”")
            if queued
            else _("A task has been given to you:\n\n%(task)s\nCase %(number)s “%(title)s”")
        )
        queue_email(
            to=[user.email],
            subject=_("New task: %(task)s – case %(number)s") % names,
            body=body % names
            + "\n\n"
            + names["link"]
            + "\n\n"
            + _("You can choose which tasks you are mailed about in your account settings."),
        )


def announce_new_tasks() -> int:
    """Tell the people a task arrived for (periodic); returns how many were told."""
    since = timezone.now() - LOOK_BACK
    notices = TaskNotice.objects.filter(task=OuterRef("pk"))
    tasks = (
        Task.objects.filter(flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .filter(Q(created__gte=since) | Q(assigned__gte=since))
        # not yet told: an owner without a notice, or a queue nobody was told of
        .filter(
            Q(owner__isnull=False) & ~Exists(notices.filter(user=OuterRef("owner")))
            | Q(owner__isnull=True) & ~Exists(notices)
        )
        .select_related("owner__wagtail_userprofile", "process")
        .order_by("created", "pk")
    )
    told = 0
    for task in tasks:
        case = Case.objects.filter(pk=case_id_of(task.process) or 0).first()
        if case is None or not case.is_open:
            continue
        # nobody of them was told yet (the filter above); a runner faster than this one
        # is caught by the notice's unique constraint
        for user, wants_mail in _recipients(task, case):
            if not (wants_mail or user.task_notice):
                continue
            mailed = wants_mail and bool(user.email)
            try:
                with transaction.atomic():
                    TaskNotice.objects.create(
                        task=task,
                        user=user,
                        mailed=mailed,
                        # a notice nobody wants to see is kept read (it only stops a repeat)
                        read_at=None if user.task_notice else timezone.now(),
                    )
                    if mailed:
                        _mail(user, task, case, queued=not task.owner_id)
            except IntegrityError:  # another runner told them in the meantime
                continue
            told += 1
    return told


def note_taken(*, task: Task, user: User) -> None:
    """The clerk took the task themselves: nothing to tell them about it."""
    TaskNotice.objects.update_or_create(task=task, user=user, defaults={"read_at": timezone.now()})


def unread_notices(*, user: User) -> QuerySet[TaskNotice]:
    """The user's notices of tasks still waiting for them (not taken by someone else);
    none for a user who chose no notices in the administration."""
    if not user.task_notice:
        return TaskNotice.objects.none()
    return TaskNotice.objects.filter(
        user=user,
        read_at__isnull=True,
        task__status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).filter(Q(task__owner__isnull=True) | Q(task__owner=user))


def unread_task_ids(*, user: User) -> set[int]:
    return set(unread_notices(user=user).values_list("task_id", flat=True))


def mark_read(*, user: User, task_ids=None) -> int:
    notices = TaskNotice.objects.filter(user=user, read_at__isnull=True)
    if task_ids is not None:
        notices = notices.filter(task_id__in=list(task_ids))
    return notices.update(read_at=timezone.now())

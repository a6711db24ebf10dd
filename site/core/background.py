"""The task queue seen from operations: health, stale and failed tasks, retry.

Two backends are supported (see docs/operations.md): the database queue
(django-tasks-db, ``manage.py db_worker``) and RQ on Redis (django-tasks-rq,
``manage.py rqworker``). Tasks of this project are idempotent, so running one
again after a crash does no harm.

- A worker killed in the middle of a task leaves it ``RUNNING``. After
  ``TASKS_STALE_MINUTES`` the periodic job :func:`requeue_stale_tasks` puts it
  back in the queue (RQ: a job whose worker stopped sending heartbeats).
- A task that raised is ``FAILED``; administrators see it under
  *Hintergrundaufgaben* and send it off again with :func:`retry_task`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class FailedTask:
    id: str
    name: str
    enqueued_at: datetime | None
    finished_at: datetime | None
    error: str
    traceback: str


def _backend_path() -> str:
    return settings.TASKS["default"]["BACKEND"]


def uses_rq() -> bool:
    return _backend_path().startswith("django_tasks_rq.")


def uses_database() -> bool:
    return _backend_path().startswith("django_tasks_db.")


def _rq_queues():
    import django_rq

    return [django_rq.get_queue(name) for name in settings.RQ_QUEUES]


def check_task_queue() -> None:
    """Raise when the queue cannot be reached (health check)."""
    if uses_rq():
        for queue in _rq_queues():
            queue.connection.ping()
    elif uses_database():
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.ready().exists()


def _stale_before() -> datetime:
    return timezone.now() - timedelta(minutes=settings.TASKS_STALE_MINUTES)


def requeue_stale_tasks() -> int:
    """Put tasks whose worker vanished back in the queue; returns how many."""
    if uses_database():
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        stale = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=_stale_before()
        )
        ids = list(stale.values_list("id", flat=True))
        for task_id in ids:
            logger.warning("Task %s was left running by a stopped worker; queued again", task_id)
        # the status condition again: a worker that finished meanwhile keeps its result
        return DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None, run_after=timezone.now()
        )
    if uses_rq():
        from rq.registry import FailedJobRegistry, StartedJobRegistry

        count = 0
        for queue in _rq_queues():
            StartedJobRegistry(queue=queue).cleanup()  # abandoned jobs move to "failed"
            failed = FailedJobRegistry(queue=queue)
            for job_id in failed.get_job_ids():
                job = queue.fetch_job(job_id)
                if job is not None and "AbandonedJobError" in (job.exc_info or ""):
                    logger.warning("Job %s was abandoned by a stopped worker; queued again", job_id)
                    failed.requeue(job_id)
                    count += 1
        return count
    return 0


def _first_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def failed_tasks(limit: int = 200) -> list[FailedTask]:
    if uses_database():
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.failed().order_by("-finished_at")[:limit]
        return [
            FailedTask(
                id=str(row.id),
                name=row.task_path,
                enqueued_at=row.enqueued_at,
                finished_at=row.finished_at,
                error=_first_line(row.traceback) or row.exception_class_path,
                traceback=row.traceback,
            )
            for row in rows
        ]
    if uses_rq():
        from rq.registry import FailedJobRegistry

        found = []
        for queue in _rq_queues():
            for job_id in FailedJobRegistry(queue=queue).get_job_ids(0, limit - 1, desc=True):
                job = queue.fetch_job(job_id)
                if job is None:
                    continue
                found.append(
                    FailedTask(
                        id=job.id,
                        name=job.func_name,
                        enqueued_at=job.enqueued_at,
                        finished_at=job.ended_at,
                        error=_first_line(job.exc_info or ""),
                        traceback=job.exc_info or "",
                    )
                )
        return found
    return []


def retry_task(task_id: str) -> bool:
    """Queue a failed task again; False when there is no such failed task."""
    if not TASK_ID.match(task_id):
        return False
    if uses_database():
        import uuid

        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        try:
            key = uuid.UUID(task_id)
        except ValueError:
            return False
        return bool(
            DBTaskResult.objects.filter(id=key, status=TaskResultStatus.FAILED).update(
                status=TaskResultStatus.READY,
                run_after=timezone.now(),
                started_at=None,
                finished_at=None,
            )
        )
    if uses_rq():
        from rq.registry import FailedJobRegistry

        for queue in _rq_queues():
            registry = FailedJobRegistry(queue=queue)
            if task_id in registry.get_job_ids():
                registry.requeue(task_id)
                return True
    return False

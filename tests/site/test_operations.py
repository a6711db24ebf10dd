"""Operations: health checks, periodic jobs on several machines, stale and failed tasks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal_site.accounts.models import User
from portal_site.core import background, periodic
from portal_site.notifications.models import OutboxMessage
from shop import bank_import
from shop.models import Booking, Invoice
from tests.concurrency import database_url
from tests.shop import camt_builder
from tests.shop.helpers import approve_up_to_invoice, certificate_case

ROOT = Path(__file__).resolve().parents[2]


# -- health -------------------------------------------------------------------


@pytest.mark.django_db
def test_ready_reports_database_cache_and_queue(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok"},
    }
    assert client.get("/health/").json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_fails_when_the_cache_is_gone_but_live_still_answers(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "error", "queue": "ok"}
    assert "127.0.0.1" not in response.content.decode()  # no details for the outside
    assert client.get("/health/live/").status_code == 200


# -- periodic jobs ------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_held_by_another_runner_is_skipped(monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "_JOBS", {"demo.job": lambda: calls.append(1) or "ran"})
    with periodic.job_lock("demo.job") as first:
        assert first
        assert periodic.run_periodic_jobs() == {"demo.job": periodic.SKIPPED}
    assert periodic.run_periodic_jobs() == {"demo.job": "ran"}
    assert calls == [1]


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(periodic, "_JOBS", {"a": broken, "b": lambda: "ok"})
    assert periodic.run_periodic_jobs() == {"a": "error", "b": "ok"}


def _runner_env(redis_db: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.test",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CACHE_KEY_PREFIX": uuid.uuid4().hex,  # this test's own locks
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _overdue_and_expired_invoices() -> tuple[Invoice, Invoice]:
    """One invoice past its due date (reminder due), one past its final date (Storno due)."""
    today = timezone.localdate()
    overdue, expired = certificate_case(), certificate_case(email="b@example.org")
    approve_up_to_invoice(overdue, "G 1/1960")
    approve_up_to_invoice(expired, "G 2/1960")
    assert OutboxMessage.objects.count() == 2  # the two invoices
    Invoice.objects.filter(case=overdue).update(due_on=today - timedelta(days=3))
    Invoice.objects.filter(case=expired).update(
        due_on=today - timedelta(days=20),
        reminded_on=today - timedelta(days=10),
        final_due_on=today - timedelta(days=2),
    )
    bank_import.import_bank_file(content=camt_builder.statement(covers=today), filename="k.xml")
    return Invoice.objects.get(case=overdue), Invoice.objects.get(case=expired)


def test_two_runners_at_the_same_moment_remind_and_cancel_once(
    postgres_only, transactional_db, demo, tmp_path
):
    overdue, expired = _overdue_and_expired_invoices()
    env = _runner_env(redis_db=11)
    # both processes start their round at the same moment and each job lasts 0.5 s,
    # so they overlap on every job, however long each took to start
    command = [
        sys.executable,
        str(ROOT / "tests" / "periodic_runner.py"),
        str(tmp_path),
        "2",
        "0.5",
    ]
    runners = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [runner.communicate(timeout=300) for runner in runners]
    assert all(runner.returncode == 0 for runner in runners), outputs
    # both began with the same job at the same moment: one of them had to skip it;
    # later they may leapfrog and run a job the other has finished (jobs are idempotent)
    first_job = next(iter(periodic.periodic_jobs()))
    starts = [out.decode().splitlines()[0] for out, _err in outputs]
    assert sorted(line.endswith(periodic.SKIPPED) for line in starts) == [False, True], starts
    assert all(line.startswith(f"{first_job}: ") for line in starts), starts
    reminders = OutboxMessage.objects.filter(subject__icontains="Zahlungserinnerung")
    assert reminders.count() == 1
    # each invoice mail, the reminder, the Storno notice (its case erased: subject scrubbed)
    assert OutboxMessage.objects.count() == 4
    cancellations = Booking.objects.filter(
        reference=expired.reference, kind=Booking.Kind.CANCELLATION
    )
    assert cancellations.count() == 4  # receivable lines and payment: reversed once
    overdue.refresh_from_db()
    expired.refresh_from_db()
    assert overdue.reminded_on == timezone.localdate()
    assert expired.status == Invoice.Status.CANCELLED


def _terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _read_rounds(runner: subprocess.Popen, rounds: int, timeout: float = 180) -> list[str]:
    """Lines of ``run_periodic -v 2`` until ``rounds`` rounds have ended."""
    deadline, lines, seen = time.monotonic() + timeout, [], 0
    while seen < rounds:
        assert time.monotonic() < deadline, lines
        line = runner.stdout.readline()
        assert line, "the runner stopped"
        lines.append(line.strip())
        seen += line.startswith("-- round ")
    return lines


def test_the_runner_recovers_after_its_connection_is_killed(postgres_only, transactional_db):
    env = _runner_env(redis_db=12)
    runner = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_periodic", "--interval", "1", "-v", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        before = _read_rounds(runner, 1)
        assert not [line for line in before if line.endswith(": error")], before
        assert _terminate_other_connections() >= 1
        # the round running when the connection died may fail; the ones after must not
        after = _read_rounds(runner, 3)
        assert after[-1].endswith(" 0 errors") and after[-1] != "-- round 4: 0 jobs, 0 errors"
        assert not [line for line in after[-len(before) :] if line.endswith(": error")], after
        assert runner.poll() is None  # still running
    finally:
        runner.terminate()
        runner.wait(timeout=20)


# -- stale and failed tasks ---------------------------------------------------


def _task_row(status: str, *, started_minutes_ago: int | None = None) -> DBTaskResult:
    started = None
    if started_minutes_ago is not None:
        started = timezone.now() - timedelta(minutes=started_minutes_ago)
    return DBTaskResult.objects.create(
        status=status,
        started_at=started,
        args_kwargs={"args": ["00000000-0000-0000-0000-000000000000"], "kwargs": {}},
        task_path="portal_site.notifications.delivery.deliver_message",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        exception_class_path="builtins.OSError" if status == TaskResultStatus.FAILED else "",
        traceback="Traceback …\nOSError: [Errno 28] No space left on device"
        if status == TaskResultStatus.FAILED
        else "",
    )


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_a_task_left_running_by_a_killed_worker_is_queued_again(database_queue, settings):
    settings.TASKS_STALE_MINUTES = 30
    stale = _task_row(TaskResultStatus.RUNNING, started_minutes_ago=45)
    busy = _task_row(TaskResultStatus.RUNNING, started_minutes_ago=5)
    assert background.requeue_stale_tasks() == 1
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert stale.status == TaskResultStatus.READY and stale.started_at is None
    assert busy.status == TaskResultStatus.RUNNING
    assert stale in DBTaskResult.objects.ready()


def _administrator() -> User:
    return User.objects.create_superuser("admin-ops", "ops@example.org", "Lang-genug-2026")


@pytest.mark.django_db
def test_administrators_see_failed_tasks_and_run_them_again(database_queue):
    failed = _task_row(TaskResultStatus.FAILED)
    client = Client()
    client.force_login(_administrator())
    page = client.get("/admin/hintergrundaufgaben/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "deliver_message" in text and "No space left on device" in text
    response = client.post(f"/admin/hintergrundaufgaben/{failed.pk}/erneut/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.READY
    # a task that is not failed (any more) is not queued twice
    again = client.post(f"/admin/hintergrundaufgaben/{failed.pk}/erneut/")
    assert again.status_code == 404
    assert client.post("/admin/hintergrundaufgaben/not-a-uuid/erneut/").status_code == 404


@pytest.mark.django_db
def test_staff_who_are_not_administrators_cannot_see_or_retry_tasks(database_queue):
    failed = _task_row(TaskResultStatus.FAILED)
    clerk = User.objects.create_user("clerk-ops", password="Lang-genug-2026", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Stadtkasse"))
    client = Client()
    client.force_login(clerk)
    assert client.get("/admin/hintergrundaufgaben/").status_code in (302, 403)
    assert client.post(f"/admin/hintergrundaufgaben/{failed.pk}/erneut/").status_code in (
        302,
        403,
    )
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.FAILED

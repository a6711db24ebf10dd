"""Periodic jobs (deadlines, reminders, mail retries), run by ``manage.py run_periodic``.

Each package registers idempotent functions at start-up. ``run_periodic`` runs
them every minute, on one machine or on several at once: each job run takes a
lock in the shared cache (Redis in production) for at most
``PERIODIC_LOCK_SECONDS``, so two runners never run the same job at the same
time, and every job still locks rows or checks state before acting. Before each
job the runner drops database connections that broke or aged (a restarted or
failed-over database, ``pg_terminate_backend``), so one lost connection costs at
most one failed run, never a silent stop.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from portal_site.registry import Registry

logger = logging.getLogger(__name__)

_JOBS: Registry[str, Callable[[], object]] = Registry("periodic jobs")
SKIPPED = "skipped: running elsewhere"


def register_periodic(name: str, job: Callable[[], object], *, replace: bool = False) -> None:
    _JOBS.register(name, job, replace=replace)


def periodic_jobs() -> dict[str, Callable[[], object]]:
    return dict(_JOBS.items())


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Hold the shared lock of job ``name``; yields whether this runner got it."""
    key = f"periodic-lock:{name}"
    token = uuid.uuid4().hex
    acquired = cache.add(key, token, timeout=settings.PERIODIC_LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


def _drop_broken_connections() -> None:
    """Close connections that failed or outlived CONN_MAX_AGE; the next query reconnects.

    A connection inside a transaction (a caller's, a test's) is left alone.
    """
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue
        conn.close_if_unusable_or_obsolete()
        if conn.connection is not None and not conn.is_usable():
            conn.close()


def run_periodic_jobs() -> dict[str, object]:
    """Run every job once; a failing job is logged and does not stop the others."""
    results: dict[str, object] = {}
    for name, job in periodic_jobs().items():
        try:
            _drop_broken_connections()
            with job_lock(name) as acquired:
                if not acquired:
                    results[name] = SKIPPED
                    continue
                results[name] = job()
        except Exception:  # noqa: BLE001 - the job, its lock (cache down) or the connection
            logger.exception("Periodic job %s failed", name)
            results[name] = "error"
    _drop_broken_connections()
    return results

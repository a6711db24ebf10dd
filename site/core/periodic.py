"""Periodic jobs (deadlines, reminders, mail retries), run by ``manage.py run_periodic``.

Each package registers idempotent functions at start-up. The command runs them
every minute; with several app servers, run it once (it is safe to run twice:
every job takes row locks or checks state before acting).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_JOBS: dict[str, Callable[[], object]] = {}


def register_periodic(name: str, job: Callable[[], object]) -> None:
    _JOBS[name] = job


def periodic_jobs() -> dict[str, Callable[[], object]]:
    return dict(_JOBS)


def run_periodic_jobs() -> dict[str, object]:
    """Run every job once; a failing job is logged and does not stop the others."""
    results: dict[str, object] = {}
    for name, job in _JOBS.items():
        try:
            results[name] = job()
        except Exception:  # noqa: BLE001
            logger.exception("Periodic job %s failed", name)
            results[name] = "error"
    return results

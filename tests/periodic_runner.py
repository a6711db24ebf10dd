"""``run_periodic --once`` in its own process, started at the same moment as its peers.

Used by the test of several runners: each process sets Django up (which takes a
different time on a loaded machine), waits until all peers have too, and each job
is held open a moment, so the runners really overlap instead of by chance.

    python tests/periodic_runner.py BARRIER_DIR PEERS JOB_SECONDS
"""

from __future__ import annotations

import functools
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _slowed(job, seconds: float):
    @functools.wraps(job)
    def run():
        time.sleep(seconds)
        return job()

    return run


def main(barrier: Path, peers: int, job_seconds: float) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from portal_site.core import periodic

    for name, job in periodic.periodic_jobs().items():
        periodic.register_periodic(name, _slowed(job, job_seconds), replace=True)
    (barrier / uuid.uuid4().hex).touch()
    deadline = time.monotonic() + 120
    while len(list(barrier.iterdir())) < peers:
        if time.monotonic() > deadline:
            sys.exit("the other runners did not start")
        time.sleep(0.01)
    call_command("run_periodic", "--once")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    main(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))

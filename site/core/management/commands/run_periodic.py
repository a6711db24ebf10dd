import logging
import time

from django.core.management.base import BaseCommand

from portal_site.core.periodic import run_periodic_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (deadlines, reminders, e-mail retries, stale tasks) every "
        "--interval seconds. Safe on several machines at once: each job takes a shared lock."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, interval: int, once: bool, **options):
        rounds = 0
        while True:
            rounds += 1
            try:
                results = run_periodic_jobs()
            except Exception:  # noqa: BLE001 - the loop must outlive any single failure
                logger.exception("Periodic round %s failed", rounds)
                results = {}
            if once or options["verbosity"] > 1:
                for name, result in results.items():
                    self.stdout.write(f"{name}: {result}")
                errors = sum(result == "error" for result in results.values())
                self.stdout.write(f"-- round {rounds}: {len(results)} jobs, {errors} errors")
            if once:
                return
            time.sleep(interval)

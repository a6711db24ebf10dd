import time

from django.core.management.base import BaseCommand

from portal_site.core.periodic import run_periodic_jobs


class Command(BaseCommand):
    help = "Run the periodic jobs (deadlines, reminders, e-mail retries) every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, interval: int, once: bool, **options):
        while True:
            results = run_periodic_jobs()
            if once or options["verbosity"] > 1:
                for name, result in results.items():
                    self.stdout.write(f"{name}: {result}")
            if once:
                return
            time.sleep(interval)

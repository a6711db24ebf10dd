"""Set up and run everything a local installation needs, in one command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal_site.accounts.roles import ROLES
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.core.demo_kernel import DEMO_USERS


class Command(BaseCommand):
    help = (
        "Migrate, load the demo content, then run the web server, the background "
        "worker and the periodic jobs until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument(
            "--setup-only", action="store_true", help="Migrate and load the demo, start nothing."
        )

    def handle(self, *args, addr: str, setup_only: bool, **options):
        Path(settings.BASE_DIR, "var").mkdir(exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(_("The database is up to date.")))
        call_command("load_demo", stdout=self.stdout)
        self._print_logins(addr)
        if setup_only:
            return
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        # links in e-mails follow the address the portal runs on (make start PORT=8080)
        environment = {**os.environ}
        environment.setdefault("PORTAL_BASE_URL", f"http://{addr}")
        commands = [
            [*manage, "db_worker", "--interval", "1"],
            [*manage, "run_periodic"],
            [*manage, "runserver", addr, "--noreload"],
        ]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        # Ctrl-C and SIGTERM both stop everything, even when started in the background.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Each child gets its own process group, so its own children stop with it.
        processes = [
            subprocess.Popen(command, start_new_session=True, env=environment)  # noqa: S603
            for command in commands
        ]
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            self.stdout.write(_("Stopping the web server, worker and periodic jobs …"))
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    def _print_logins(self, addr: str) -> None:
        base = f"http://{addr}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Service portal: %(url)s") % {"url": f"{base}/"}))
        self.stdout.write(
            self.style.SUCCESS(_("Staff workspace: %(url)s") % {"url": f"{base}/admin/"})
        )
        self.stdout.write(
            _("Demo password for every account: %(password)s") % {"password": DEMO_PASSWORD}
        )
        for username, first, last, role, _unit, _number in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {ROLES[role].group_name:<22} {first} {last}")
        self.stdout.write(
            _("Portal login of the demo funeral home: %(username)s (%(url)s)")
            % {"username": "bestattungshaus", "url": f"{base}/anmelden/"}
        )
        self.stdout.write(
            _(
                "E-mails are not sent from here: they are printed in this terminal and kept "
                "in the administration under “E-mail outbox” (%(url)s)."
            )
            % {"url": f"{base}/admin/"}
        )
        self.stdout.write("")

"""The quick start's own command, run as a user runs it, twice, on a fresh database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup(database: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.dev",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "start_portal", "--setup-only"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


def _row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # Sessions, the admin log and the task queue are not content.
        skip = {"django_session", "django_admin_log"}
        return {
            t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in tables
            if t not in skip and not t.startswith("django_tasks")
        }


def test_setup_prints_the_logins_and_a_second_run_changes_nothing(tmp_path):
    database = tmp_path / "quickstart.sqlite3"
    first = _setup(database)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/admin/" in first.stdout
    for username in [
        "redaktion",
        "sachbearbeitung",
        "sachgebietsleitung",
        "abteilungsleitung",
        "personalentwicklung",
        "standesamt",
        "stadtkasse",
        "stadtarchiv",
        "administration",
    ]:
        assert username in first.stdout
    counts = _row_counts(database)
    second = _setup(database)
    assert second.returncode == 0, second.stderr
    assert _row_counts(database) == counts


def test_start_portal_on_another_port_gives_its_address_to_the_servers_it_starts(
    demo, monkeypatch, capsys
):
    """``make start PORT=8123``: the web server, the worker and the periodic jobs get
    ``PORTAL_BASE_URL`` of that port, so the links in e-mails lead there."""
    from django.core.management import call_command

    from portal_site.core.management.commands import start_portal

    started = []

    class Finished:
        pid = 0

        def __init__(self, command, **kwargs):
            started.append((command, kwargs["env"]))

        def poll(self):
            return 0  # exits at once: nothing is left running

        def wait(self, timeout=None):
            return 0

    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setattr(start_portal.subprocess, "Popen", Finished)
    call_command("start_portal", addr="127.0.0.1:8123")
    assert len(started) == 3
    assert {env["PORTAL_BASE_URL"] for _command, env in started} == {"http://127.0.0.1:8123"}
    assert any("runserver" in command and "127.0.0.1:8123" in command for command, _ in started)
    assert "http://127.0.0.1:8123/admin/" in capsys.readouterr().out

"""An installation without the demo: migrate, createsuperuser, then one case per process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return result


@pytest.fixture
def empty_database(tmp_path):
    """A database nobody has touched: a new PostgreSQL database, or a new SQLite file."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'install.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    server = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}"
    )
    name = f"install_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_install_without_demo_runs_a_case_of_every_process(empty_database):
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.test",
        "DJANGO_SUPERUSER_PASSWORD": "Ein-langes-Passwort-2026",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    _manage(env, "migrate", "--noinput")
    _manage(env, "createsuperuser", "--noinput", "--username", "admin", "--email", "a@b.de")
    journey = _manage(
        env, "shell", "-c", "from tests.site.install_journey import main; main()"
    ).stdout
    for key in ["generic", "civil_status_certificate", "training_registration", "archive_order"]:
        assert f"{key}: " in journey and "completed" in journey.split(f"{key}: ")[1].split("\n")[0]
    # the setup step is idempotent: running it again (as every migrate does) changes nothing
    _manage(env, "setup_portal")

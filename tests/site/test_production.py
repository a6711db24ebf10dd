"""The production settings start, collect their static files and serve pages with DEBUG off."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-long-random-production-secret-" + "x" * 40


def _production(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "portal.kassel.de",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


def test_production_settings_pass_the_deploy_check():
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _production("check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_a_cache_that_lives_in_one_process():
    result = _production("check", REDIS_URL=None)
    assert result.returncode != 0
    assert "Set REDIS_URL" in result.stderr


def test_production_logs_one_json_object_per_line():
    result = _production(
        "shell", "-c", "import logging; logging.getLogger('portal').warning('Kasse %s', 'zu')"
    )
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "Kasse" in line]
    event = json.loads(line)
    assert event["message"] == "Kasse zu" and event["level"] == "WARNING"
    assert event["logger"] == "portal" and "time" in event


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """``collectstatic`` exactly as the production install runs it."""
    static_root = tmp_path_factory.mktemp("static")
    result = _production("collectstatic", "--noinput", STATIC_ROOT=str(static_root))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return static_root


def test_collectstatic_succeeds_with_the_manifest_storage(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert "wagtailadmin/css/core.css" in manifest
    # viewflow's unused front end (its stylesheet names fonts it does not ship) is left out
    assert not any(name.startswith("viewflow/") for name in manifest)
    assert (collected / (manifest["wagtailadmin/css/core.css"] + ".gz")).exists()


@pytest.mark.django_db
def test_pages_render_with_debug_off_from_the_manifest(collected, demo, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(DEBUG=False, STATIC_ROOT=str(collected), STORAGES=storages):
        client = Client()
        login = client.get("/admin/login/")
        home = client.get("/")
        archive = client.get("/archiv/")
    assert login.status_code == home.status_code == archive.status_code == 200
    hashed = set(json.loads((collected / "staticfiles.json").read_text())["paths"].values())
    for page in (login, home):
        linked = re.findall(r"/static/([^\"'?#) ]+)", page.content.decode())
        assert linked and set(linked) <= hashed  # every static link is a collected, hashed file

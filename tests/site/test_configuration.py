from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_german_first_with_english_and_berlin_time():
    assert settings.LANGUAGE_CODE == "de"
    assert [code for code, _ in settings.LANGUAGES] == ["de", "en"]
    assert settings.TIME_ZONE == "Europe/Berlin"


def test_custom_user_and_image_models_are_in_place():
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert settings.WAGTAILIMAGES_IMAGE_MODEL == "media_archive.ArchiveImage"


@pytest.mark.django_db
def test_migrations_are_complete():
    out = io.StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)


def test_database_url_selects_postgresql_and_sqlite_is_the_default(monkeypatch):
    from portal_site.settings.environment import database_config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_config(ROOT / "var" / "x.sqlite3")["ENGINE"].endswith("sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/portal")
    config = database_config(ROOT / "var" / "x.sqlite3")
    assert config["ENGINE"].endswith("postgresql")
    assert config["NAME"] == "portal"

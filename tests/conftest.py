from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from tests.demo_snapshot import load_demo_content
from tests.mail_server import SMTPServer


@pytest.fixture(autouse=True)
def german_by_default():
    """Each test starts in the portal's default language (requests may switch it)."""
    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture
def demo(db):
    """The whole demo content, loaded the way the quick start loads it (once per session,
    then put back from a snapshot: tests/demo_snapshot.py)."""
    load_demo_content()


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL set)")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django sends to it through its SMTP backend."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres_only" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)

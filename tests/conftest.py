from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import TransactionTestCase
from django.utils import translation

from tests.demo_snapshot import (
    keep_installed_state,
    load_demo_content,
    reset_to_installed_state,
)
from tests.mail_server import SMTPServer


@pytest.fixture(autouse=True)
def german_by_default():
    """Each test starts in the portal's default language (requests may switch it)."""
    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated; its installed state is kept to reset it quickly."""
    with django_db_blocker.unblock():
        keep_installed_state()


_flush_and_migrate = TransactionTestCase._fixture_teardown


def _reset_after_transactional_test(self) -> None:
    """What Django's flush + ``post_migrate`` give, from the kept installed state."""
    simple = not self.serialized_rollback and self.available_apps is None
    if simple and set(self._databases_names(include_mirrors=False)) == {"default"}:
        try:
            if reset_to_installed_state():
                return
        except Exception:  # e.g. a migration test left another schema: Django's way
            logging.getLogger(__name__).warning("Reset by flush after %s", self, exc_info=True)
    _flush_and_migrate(self)


TransactionTestCase._fixture_teardown = _reset_after_transactional_test


@pytest.fixture
def demo(db):
    """The whole demo content, loaded the way the quick start loads it (once per session,
    then put back from a snapshot: tests/demo_snapshot.py)."""
    load_demo_content()


@pytest.fixture
def staff(db):
    """The offices and logins service tests act as (factories, not the demo)."""
    from tests.factories import city_staff

    return city_staff()


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

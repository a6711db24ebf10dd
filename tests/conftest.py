from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture
def demo(db):
    """The whole demo content, loaded the way the quick start loads it."""
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL set)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres_only" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)

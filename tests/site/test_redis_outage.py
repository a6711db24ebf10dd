"""Redis down: the portal keeps serving its pages and forms (cache misses, not errors)
and the health check reports the fault."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches
from django.test import Client

from serviceportal.form_pages import ServiceFormPage

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A loopback port nothing listens on (Redis 'down')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings, demo):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "portal_site.core.resilient_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert caches["default"].__class__.__name__ == "ResilientRedisCache"  # reset by Django


def test_pages_and_forms_are_served(redis_down):
    visitor = Client()
    assert visitor.get("/").status_code == 200
    assert visitor.get("/en/").status_code == 200
    page = ServiceFormPage.objects.filter(locale__language_code="de").first()
    response = visitor.get(page.url)
    assert response.status_code == 200
    assert visitor.get("/archiv/").status_code == 200


def test_the_health_check_reports_the_cache(redis_down):
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    assert b"cache" in response.content


def test_a_lock_is_not_taken_while_redis_is_down(redis_down):
    from django.core.cache import cache

    assert cache.add("periodic-lock:probe", "1", timeout=5) is False
    assert cache.get("anything", "fallback") == "fallback"
    cache.set("x", 1)  # dropped, not raised
    with pytest.raises(ValueError):
        cache.incr("counter")

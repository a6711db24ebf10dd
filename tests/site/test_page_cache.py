"""Anonymous visitors' portal pages come from the shared cache and are purged on publish."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from portal_site.accounts.models import User
from serviceportal.form_pages import ServiceFormPage
from serviceportal.models import HomePage, PortalSettings
from tests.redis_server import require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, demo):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    return settings


def _home(client=None):
    return (client or Client()).get("/")


def test_the_second_visitor_gets_the_page_without_a_query(page_cache):
    first = _home()
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = _home()
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries.captured_queries) == 0
    # the security headers of the rendered page come along
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "Set-Cookie" not in second


def test_publishing_purges_what_was_cached(page_cache):
    home = HomePage.objects.get(locale__language_code="de")
    assert _home()["X-Page-Cache"] == "miss"
    assert _home()["X-Page-Cache"] == "hit"
    home.intro = "Frisch veröffentlichte Einleitung"
    home.save_revision().publish()
    fresh = _home()
    assert fresh["X-Page-Cache"] == "miss"
    assert "Frisch veröffentlichte Einleitung" in fresh.content.decode()
    # a draft changes nothing public and keeps the cache
    home.intro = "Nur ein Entwurf"
    home.save_revision()
    assert "Nur ein Entwurf" not in _home().content.decode()


def test_site_settings_and_unpublishing_purge_too(page_cache):
    _home()
    portal = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    portal.phone = "0561 999 999"
    portal.save()
    assert "0561 999 999" in _home().content.decode()
    form_page = ServiceFormPage.objects.live().filter(locale__language_code="de").first()
    assert Client().get(form_page.url).status_code == 200
    _home()
    form_page.unpublish()
    assert _home()["X-Page-Cache"] == "miss"


def test_signed_in_users_and_visitors_with_a_session_are_never_served_from_it(page_cache):
    _home()
    staff = Client()
    staff.force_login(User.objects.get(username="redaktion"))
    response = _home(staff)
    assert "X-Page-Cache" not in response
    with_session = Client()
    with_session.cookies["sessionid"] = "abc"
    assert "X-Page-Cache" not in _home(with_session)


def test_form_steps_with_a_csrf_token_are_not_stored(page_cache):
    form_page = ServiceFormPage.objects.live().get(
        locale__language_code="de", process_key="civil_status_certificate"
    )
    first = Client().get(form_page.url)
    assert first.status_code == 200
    second = Client().get(form_page.url)
    assert second.get("X-Page-Cache") != "hit"
    assert "csrfmiddlewaretoken" in second.content.decode()


def test_the_archive_research_is_not_a_cached_page(page_cache):
    assert "X-Page-Cache" not in Client().get("/archiv/")


def test_switched_off_with_zero_seconds(page_cache):
    page_cache.PAGE_CACHE_SECONDS = 0
    _home()
    assert "X-Page-Cache" not in _home()


def test_app_servers_share_the_cache_and_its_purge(page_cache):
    """Two app servers on one Redis: a purge by either is seen by both."""
    import redis
    from django.core.cache import caches

    require_redis()
    page_cache.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
        }
    }
    caches["default"].clear()
    assert _home()["X-Page-Cache"] == "miss"
    other_server = redis.Redis(host="127.0.0.1", port=6379, db=11)
    assert any(b"page-cache" in key for key in other_server.scan_iter())
    assert _home()["X-Page-Cache"] == "hit"
    home = HomePage.objects.get(locale__language_code="de")
    home.intro = "Für alle Server neu"
    home.save_revision().publish()
    assert "Für alle Server neu" in _home().content.decode()
    caches["default"].clear()


def _site_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"wagtailcore_site"' in q["sql"]]


def test_a_rendered_page_is_routed_from_the_cached_site_until_the_site_changes(page_cache):
    visitor = Client()
    visitor.cookies["csrftoken"] = "a" * 32  # not served from the page cache: rendered
    assert visitor.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get("/")
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert _site_queries(queries) == []
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Stadtportal Kassel"
    site.save()  # purges: the next request reads the site again
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get("/").status_code == 200
    assert _site_queries(queries)  # read from the database again

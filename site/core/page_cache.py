"""Rendered portal pages for anonymous visitors, kept in the shared cache, purged on publish.

A visitor without a session or CSRF cookie who asks for a Wagtail page (GET or
HEAD) gets the page as it was rendered for the previous such visitor, from the
shared cache (Redis in production, so every app server sees the same pages),
with all its headers except cookies. Nothing else is cached: signed-in users,
visitors with a session (a form in progress, a basket), the admin, the archive
research, form steps (they carry a CSRF token and set its cookie) and every
response that sets a cookie, is not a 200 or asks not to be stored.

An editor's publish, unpublish, move or deletion of a page, a change of a site,
of a site setting, or of a snippet purges every cached page at once (all
pages show the navigation, so any of them may have changed): the cache key
carries a generation number that the purge increments. ``PAGE_CACHE_SECONDS``
(default 300, 0 switches the cache off) bounds how old a page can get for
anything else that changes it (a scheduled publish fires the same signals).

The parts every page shows (header navigation, footer, the home page's
service lists) are cached as template fragments under the same generation, so
that pages rendered for signed-in users and visitors with a session are cheap
too (:func:`template_context`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from . import generations

GENERATION = "pages"
SERVE_VIEW = "wagtail_serve"
HIT_HEADER = "X-Page-Cache"
SKIPPED_HEADERS = {"set-cookie", "content-length"}
NOT_STORED = {"private", "no-store", "no-cache"}


def purge(**kwargs) -> None:
    """Forget every cached page (a signal receiver: publish, unpublish, move, delete …)."""
    generations.advance(GENERATION)


def _generation(request=None) -> int:
    """The pages' generation, read once per request."""
    if request is None:
        return generations.current(GENERATION)
    if not hasattr(request, "_page_generation"):
        request._page_generation = generations.current(GENERATION)
    return request._page_generation


def template_context(request) -> dict:
    """For ``{% cache page_cache_seconds name page_generation … %}`` around the parts
    every page shows (navigation, footer): they are read once per publish, for
    everyone, signed in or not."""
    return {
        "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
        "page_generation": SimpleLazyObject(lambda: _generation(request)),
    }


def _serves_page(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name == SERVE_VIEW


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _use_cached_site(request) -> None:
    """The request's Wagtail site and its root page from the shared cache, under the pages'
    generation (a site's change purges it): routing a page reads no site from the database."""
    from wagtail.models import Site

    host = request.get_host()  # checked against ALLOWED_HOSTS: no key for a made-up host
    where = hashlib.sha256(f"{host}|{request.get_port()}".encode("utf-8", "surrogateescape"))
    key = f"page-site:{_generation(request)}:{where.hexdigest()}"
    site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)
        if site is None:
            return
        site.root_page.specific  # noqa: B018 - resolved once, kept with the site
        cache.set(key, site, settings.PAGE_CACHE_SECONDS)
    request._wagtail_site = site


def _key(request) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{get_language()}"
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page-cache:{_generation(request)}:{digest}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request, "session", None)
        and (request.session.modified)
    ):
        return False
    control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not control & NOT_STORED


class PageCacheMiddleware:
    """Serves and stores anonymous visitors' Wagtail pages (after LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _serves_page(request):
            return self.get_response(request)
        if not _anonymous(request):  # rendered for this visitor, but routed from the cache
            _use_cached_site(request)
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[HIT_HEADER] = "hit"
            return response
        _use_cached_site(request)
        response = self.get_response(request)
        if request.method == "GET" and _storable(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in SKIPPED_HEADERS
            }
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response[HIT_HEADER] = "miss"
        return response


def _watched(sender, *, deleted: bool) -> bool:
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page, Site
    from wagtail.snippets.models import get_snippet_models

    if issubclass(sender, (Site, BaseSiteSetting, BaseGenericSetting)):
        return True
    if deleted and issubclass(sender, Page):  # a draft's save changes nothing public
        return True
    return sender in get_snippet_models()


def _saved(sender, **kwargs) -> None:
    if _watched(sender, deleted=False):
        purge()


def _deleted(sender, **kwargs) -> None:
    if _watched(sender, deleted=True):
        purge()


def connect() -> None:
    """Purge on every change an editor publishes (called from the app's ``ready()``)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    page_published.connect(purge, dispatch_uid="page-cache-published")
    page_unpublished.connect(purge, dispatch_uid="page-cache-unpublished")
    page_slug_changed.connect(purge, dispatch_uid="page-cache-slug")
    post_page_move.connect(purge, dispatch_uid="page-cache-moved")
    post_save.connect(_saved, dispatch_uid="page-cache-saved")
    post_delete.connect(_deleted, dispatch_uid="page-cache-deleted")

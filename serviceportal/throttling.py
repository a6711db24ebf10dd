"""Limit failed identification and login attempts per client and form (shared cache)."""

from __future__ import annotations

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(scope: str, request) -> str:
    return f"portal-throttle:{scope}:{client_ip(request)}"


def is_locked(*, scope: str, request) -> bool:
    return cache.get(_key(scope, request), 0) >= MAX_FAILURES


def register_failure(*, scope: str, request) -> int:
    key = _key(scope, request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def reset(*, scope: str, request) -> None:
    cache.delete(_key(scope, request))

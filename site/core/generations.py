"""Generation numbers in the shared cache: retire many cached entries at once.

Cached entries carry the generation of what they were made from in their key
(``f"{name}:{current(name)}:…"``); :func:`advance` moves it on, so every
server stops finding the old entries at the same moment (they expire by
themselves). Used by the page cache and the archive's facet counts.
"""

from __future__ import annotations

from django.core.cache import cache


def _key(name: str) -> str:
    return f"generation:{name}"


def current(name: str) -> int:
    return cache.get_or_set(_key(name), 1, None)


def advance(name: str) -> None:
    key = _key(name)
    cache.add(key, 1, None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 2, None)

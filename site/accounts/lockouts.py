"""Lifting every login lockout at once, wherever django-axes keeps its counters.

With Redis (production) the counters are cache entries ``axes-<hash>`` that expire
by themselves after ``LOGIN_COOLOFF_MINUTES``; without it they are database rows.
Axes' own ``axes_reset`` can only clear the database rows (its cache handler refuses
to clear "all entries"), so ``manage.py reset_lockouts`` clears either store.
"""

from __future__ import annotations

from django.conf import settings


def uses_cache_counters() -> bool:
    return settings.AXES_HANDLER.endswith("AxesCacheHandler")


def reset_all_lockouts() -> int:
    """Remove every failed-login counter; returns how many were removed."""
    if not uses_cache_counters():
        from axes.utils import reset

        return reset()
    from axes.helpers import get_cache

    cache = get_cache()
    pattern = cache.make_key("axes-*")
    client = cache._cache.get_client(write=True)  # the shared Redis behind the cache
    removed = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) == 500:
            removed += client.delete(*batch)
            batch = []
    if batch:
        removed += client.delete(*batch)
    return removed

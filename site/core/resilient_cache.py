"""Redis as the shared cache, where an outage is a cache miss, not an error.

The page cache, the fragment caches, the periodic jobs' locks and the throttling
counters all live in Redis (``REDIS_URL``). When Redis cannot be reached, every
read here is a miss and every write is dropped (logged as a warning), so the
portal keeps serving its pages and forms, only slower; nothing that was submitted
depends on the cache. A periodic job's lock cannot be taken while Redis is down
(``add`` answers False), so no job runs twice. ``/health/ready/`` writes and reads a
value and reports the cache as failing (HTTP 503) for the whole outage
(:mod:`portal_site.core.views`). See docs/scaling.md and docs/security.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _missed(operation: str, error: Exception) -> None:
    logger.warning("Cache unreachable (%s): %s", operation, error)


class ResilientRedisCache(RedisCache):
    """:class:`RedisCache` whose reads miss and whose writes are dropped while Redis is
    unreachable."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _missed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _missed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _missed("has_key", error)
            return False

    def add(self, key, value, timeout=..., version=None):
        try:
            return super().add(key, value, self._timeout(timeout), version)
        except UNREACHABLE as error:
            _missed("add", error)
            return False

    def set(self, key, value, timeout=..., version=None):
        try:
            super().set(key, value, self._timeout(timeout), version)
        except UNREACHABLE as error:
            _missed("set", error)

    def set_many(self, data, timeout=..., version=None):
        try:
            return super().set_many(data, self._timeout(timeout), version)
        except UNREACHABLE as error:
            _missed("set_many", error)
            return list(data)

    def touch(self, key, timeout=..., version=None):
        try:
            return super().touch(key, self._timeout(timeout), version)
        except UNREACHABLE as error:
            _missed("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _missed("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            _missed("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _missed("incr", error)
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).") from error

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            _missed("clear", error)
            return False

    def _timeout(self, timeout):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        return DEFAULT_TIMEOUT if timeout is ... else timeout

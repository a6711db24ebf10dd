"""The Redis server on loopback that production-like tests use (skipped without one)."""

from __future__ import annotations

import pytest


def require_redis() -> None:
    """Skip the calling test unless Redis answers on 127.0.0.1:6379."""
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")

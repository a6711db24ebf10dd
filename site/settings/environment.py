"""The one place that reads configuration from the process environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_config(default_sqlite_path: Path) -> dict:
    """PostgreSQL (or any other server) when ``DATABASE_URL`` is set, SQLite otherwise."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"].endswith("postgresql"):
            # The data lives in memory or on SSDs: a random read costs about as much
            # as a sequential one, so the planner uses the full-text and trigram
            # indexes where PostgreSQL's default (4.0, for spinning disks) would
            # scan the whole table. DATABASE_RANDOM_PAGE_COST overrides it.
            cost = env_str("DATABASE_RANDOM_PAGE_COST", "1.1")
            config.setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={float(cost)}"
        return config
    default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite_path),
        # Writers wait for each other instead of failing at once.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }

"""The demo content loaded once per test session and put back for every test that asks.

Loading the demo through its command takes one to two seconds (pages, images,
processes, search index); about two hundred tests start from it. The first test
that asks loads it the way the quick start does and the rows of every table are
kept in memory (PostgreSQL: ``COPY … TO STDOUT``; SQLite: the raw rows); each
later test gets exactly those rows back in one transaction, with the sequences
moved past them. Files the demo wrote (images, letters) are kept too and written
again if a test removed them. A test that changes the demo changes only its own
copy: the next one starts from the snapshot again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from wagtail.contrib.forms import utils as forms_utils

SKIPPED = {"django_migrations", "sqlite_sequence"}
FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


@dataclass
class Snapshot:
    vendor: str
    database: str
    tables: dict[str, object] = field(default_factory=dict)
    files: dict[Path, bytes] = field(default_factory=dict)


_snapshot: Snapshot | None = None
_installed: Snapshot | None = None  # the database right after ``migrate`` (no demo)


def _file_roots() -> list[Path]:
    return [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]


def _files() -> dict[Path, float]:
    found = {}
    for root in _file_roots():
        if root.exists():
            for path in root.rglob("*"):
                if path.is_file():
                    found[path] = path.stat().st_mtime
    return found


def _tables(cursor) -> list[str]:
    names = [n for n in connection.introspection.table_names(cursor) if n not in SKIPPED]
    if connection.vendor != "sqlite":
        return names
    # Full-text tables (Wagtail's search index) are filled by triggers on their entries.
    virtual = _virtual(cursor)
    shadows = {v + suffix for v in virtual for suffix in FTS_SHADOWS}
    return [name for name in names if name not in shadows | virtual]


def _virtual(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
    return {row[0] for row in cursor.fetchall()}


def _read(cursor, table: str):
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:  # noqa: S608
            for block in copy:
                buffer.write(block)
        return buffer.getvalue()
    cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
    return [c[0] for c in cursor.description], cursor.fetchall()


def _write(cursor, table: str, data) -> None:
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        if data:
            with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                copy.write(data)
        return
    columns, rows = data
    if rows:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _forget_process_caches() -> None:
    # Content types are cached per process by id, Wagtail keeps its form page types.
    ContentType.objects.clear_cache()
    forms_utils.get_form_types.cache_clear()
    for cache in caches.all():
        cache.clear()


def _take() -> Snapshot:
    before = _files()
    _forget_process_caches()
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    snapshot = Snapshot(vendor=connection.vendor, database=connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            snapshot.tables[table] = _read(cursor, table)
    for path, mtime in _files().items():
        if before.get(path) != mtime:
            snapshot.files[path] = path.read_bytes()
    return snapshot


def _restore(snapshot: Snapshot) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # Django's foreign keys are deferred to the commit: the order of tables is free.
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in _tables(cursor):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        for table, data in snapshot.tables.items():
            _write(cursor, table, data)
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    for path, content in snapshot.files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    _forget_process_caches()


def load_demo_content() -> None:
    """The demo, as the quick start loads it: the first call loads, later calls restore."""
    global _snapshot
    if _snapshot is None or (
        _snapshot.vendor,
        _snapshot.database,
    ) != (connection.vendor, connection.settings_dict["NAME"]):
        _snapshot = _take()
    else:
        _restore(_snapshot)


def _matches(snapshot: Snapshot | None) -> bool:
    return snapshot is not None and (snapshot.vendor, snapshot.database) == (
        connection.vendor,
        connection.settings_dict["NAME"],
    )


def keep_installed_state() -> None:
    """Remember the freshly migrated test database (roles, permissions, texts, fees)."""
    global _installed
    snapshot = Snapshot(vendor=connection.vendor, database=connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            snapshot.tables[table] = _read(cursor, table)
    _installed = snapshot


def reset_to_installed_state() -> bool:
    """After a transactional test: the database as ``migrate`` left it.

    Django's own reset empties every table and sends ``post_migrate`` again, which
    re-creates the content types, permissions, roles, texts and fees (0.8 s a test);
    putting the remembered rows back gives the same state in a few milliseconds.
    """
    if not _matches(_installed):
        return False
    _restore(_installed)
    return True

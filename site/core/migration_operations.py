"""Migration operations for what only PostgreSQL has (full-text and trigram indexes).

SQLite (the quick start) skips them; the searches that use them fall back to
plain comparisons there. They are not part of the model state, so
``makemigrations`` never asks for them again.
"""

from __future__ import annotations

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL and nowhere else."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_extension() -> PostgreSQLOnly:
    """pg_trgm: a trusted extension, so the portal's database owner may create it."""
    return PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop)


def trigram_index(table: str, column: str) -> PostgreSQLOnly:
    """A GIN trigram index for Django's ``icontains`` on PostgreSQL (UPPER(col) LIKE …)."""
    name = f"{table}_{column}_trgm"
    return PostgreSQLOnly(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
        f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops);',
        f'DROP INDEX IF EXISTS "{name}";',
    )

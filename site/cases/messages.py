"""Timeline texts kept as message keys and parameters, shown in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


@dataclass(frozen=True)
class Keyed:
    """A timeline text as its message key and parameters (see :func:`keyed`)."""

    key: str
    params: dict[str, Any]
    suffix: str = ""


def keyed(key: str | Promise, *, suffix: str = "", **params: Any) -> Keyed:
    """A timeline text kept as the source text and its parameters, so that each reader
    gets it in their language. ``key`` is marked for translation (``gettext_lazy`` or
    ``gettext_noop``); a parameter that is itself a lazy translation (a task's title,
    a status) is translated too; ``suffix`` (a clerk's comment) is kept as written."""
    with translation.override(None):
        source = str(key)
        stored = {
            name: {"t": str(value)} if isinstance(value, Promise) else str(value)
            for name, value in params.items()
        }
    return Keyed(source, stored, suffix)


def render_keyed(stored: dict[str, Any]) -> str | None:
    """A stored keyed text in the active language (None when it cannot be rendered)."""
    try:
        params = {
            name: gettext(value["t"]) if isinstance(value, dict) else value
            for name, value in (stored.get("params") or {}).items()
        }
        return gettext(stored["key"]) % params + (stored.get("suffix") or "")
    except (KeyError, TypeError, ValueError):
        return None

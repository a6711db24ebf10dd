"""Timeline texts kept as message keys and parameters, shown in the reader's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from portal_site.core.values import euros, readable

# The text of every case event by its name, filled by portal_site.cases.events.define:
# an entry is shown with its event's current text even if the wording changed since.
EVENT_TEXTS: dict[str, Promise] = {}


@dataclass(frozen=True)
class Keyed:
    """A timeline text as its message key and parameters (see :func:`keyed`)."""

    key: str
    params: dict[str, Any]
    suffix: str = ""
    event: str = ""  # the name of its case event (portal_site.cases.events)
    kind: str = ""  # the timeline kind the event is filed under


def keyed(
    key: str | Promise, /, *, suffix: str = "", event: str = "", kind: str = "", **params: Any
) -> Keyed:
    """A timeline text kept as the source text and its parameters, so that each reader
    gets it in their language. ``key`` is marked for translation (``gettext_lazy`` or
    ``gettext_noop``); a parameter that is itself a lazy translation (a task's title,
    a status) is translated too, a date and an amount in euros (a ``Decimal``) are
    written the way the reader's language writes them; ``suffix`` (a clerk's comment)
    is kept as written."""
    with translation.override(None):
        source = str(key)
        stored = {name: _stored(value) for name, value in params.items()}
    return Keyed(source, stored, suffix, event, kind)


def _stored(value: Any) -> Any:
    if isinstance(value, Promise):
        return {"t": str(value)}
    if isinstance(value, dt.datetime):
        return {"d": value.date().isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"eur": str(value.quantize(Decimal("0.01")))}
    return str(value)


def _rendered(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "t" in value:
        return gettext(value["t"])
    if "d" in value:
        return readable(dt.date.fromisoformat(value["d"]))
    if "eur" in value:
        return euros(Decimal(value["eur"]))  # German "1.234,50 €", English "€1,234.50"
    raise KeyError(value)


def render_keyed(stored: dict[str, Any]) -> str | None:
    """A stored keyed text in the active language (None when it cannot be rendered)."""
    try:
        params = {name: _rendered(value) for name, value in (stored.get("params") or {}).items()}
        text = EVENT_TEXTS.get(stored.get("event") or "")
        source = str(text) if text else gettext(stored["key"])
        return source % params + (stored.get("suffix") or "")
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None

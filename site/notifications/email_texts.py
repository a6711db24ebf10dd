"""E-mail texts with placeholders: defaults in code, changes by editors in the admin."""

from __future__ import annotations

from dataclasses import dataclass

from portal_site.registry import Registry

from .letters import (  # noqa: F401 - the texts' API, used by every package
    fill_placeholders,
    is_letter,
    preview_of,
    register_letter_preview,
    split_closing,
)
from .models import EmailText


@dataclass(frozen=True)
class DefaultText:
    key: str
    name: str
    subject: str
    body: str
    placeholders: tuple[str, ...]


_DEFAULTS: Registry[str, DefaultText] = Registry("e-mail texts")


def register_email_text(
    *, key: str, name: str, subject: str, body: str, placeholders: tuple[str, ...]
) -> None:
    _DEFAULTS.register(key, DefaultText(key, name, subject, body, placeholders))


def ensure_email_texts() -> int:
    """Create a database record for every registered text that editors have not seen yet."""
    created = 0
    for default in _DEFAULTS.values():
        _text, was_created = EmailText.objects.get_or_create(
            key=default.key,
            defaults={
                "name": default.name,
                "subject": default.subject,
                "body": default.body,
                "placeholders": ", ".join(f"{{{p}}}" for p in default.placeholders),
            },
        )
        created += was_created
    return created


def render_email_text(*, key: str, values: dict[str, str]) -> tuple[str, str]:
    """Subject and body of ``key`` with placeholders filled (the editor's version wins)."""
    text = EmailText.objects.filter(key=key).first() or _DEFAULTS[key]
    return fill_placeholders(text.subject, values), fill_placeholders(text.body, values)

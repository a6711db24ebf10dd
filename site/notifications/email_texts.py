"""E-mail texts with placeholders: defaults in code, changes by editors in the admin."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .models import EmailText

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` for known names; anything else stays as the editor wrote it."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


@dataclass(frozen=True)
class DefaultText:
    key: str
    name: str
    subject: str
    body: str
    placeholders: tuple[str, ...]


_DEFAULTS: dict[str, DefaultText] = {}


def register_email_text(
    *, key: str, name: str, subject: str, body: str, placeholders: tuple[str, ...]
) -> None:
    _DEFAULTS[key] = DefaultText(key, name, subject, body, placeholders)


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


# -- previews -----------------------------------------------------------------

_LETTER_PREVIEWS: dict[str, Callable[[str, str], bytes]] = {}


def register_letter_preview(key: str, render: Callable[[str, str], bytes]) -> None:
    """A letter text's preview: ``render(subject, body)`` gives the PDF it becomes."""
    _LETTER_PREVIEWS[key] = render


def is_letter(key: str) -> bool:
    return key in _LETTER_PREVIEWS or key.startswith("letter.") or key.endswith("_letter")


def sample_values(placeholders: str) -> dict[str, str]:
    """Placeholders stay visible in a preview: ``{name}`` shows as ``{name}``."""
    return {name: "{" + name + "}" for name in _PLACEHOLDER.findall(placeholders)}


def preview_of(text: EmailText) -> tuple[bytes, str]:
    """What the text becomes: the letter's PDF, or the e-mail as plain text."""
    values = sample_values(text.placeholders)
    subject = fill_placeholders(text.subject, values)
    body = fill_placeholders(text.body, values)
    if not is_letter(text.key):
        return f"{subject}\n\n{body}".encode(), "text/plain; charset=utf-8"
    render = _LETTER_PREVIEWS.get(text.key, _generic_letter)
    return render(subject, body), "application/pdf"


def _generic_letter(subject: str, body: str) -> bytes:
    from django.utils import timezone

    from portal_site.documents.rendering import render_pdf

    return render_pdf(
        template_name="documents/text_preview.html",
        context={"name": subject, "subject": subject, "letter": body, "now": timezone.localtime()},
    )

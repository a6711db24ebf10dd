"""Placeholders and previews of e-mail and letter texts (no database, no rendering engine).

A letter text's preview is the PDF it becomes: the package that renders the
letter registers ``render(subject, body)`` for its key, and the documents app
registers the default one for all other letters. E-mails preview as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from portal_site.registry import Registry

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A known placeholder with its leading space, and whether punctuation follows it:
# "Guten Tag {name}," for an organisation without a contact reads "Guten Tag,".
_SPACED_PLACEHOLDER = re.compile(r"( ?)\{(\w+)\}(?=([,.;:!?]?))")

Render = Callable[[str, str], bytes]
_LETTER_PREVIEWS: Registry[str, Render] = Registry("letter previews")
_DEFAULT = ""  # the key of the preview for letters without one of their own


class Text(Protocol):
    key: str
    subject: str
    body: str
    placeholders: str


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` for known names; anything else stays as the editor wrote it.

    A placeholder whose value is empty takes the space before it along when
    punctuation follows, so no text reads "Guten Tag ,".
    """

    def fill(match: re.Match) -> str:
        space, name, punctuation = match.groups()
        if name not in values:
            return match.group(0)
        value = str(values[name])
        if not value and punctuation:
            return ""
        return space + value

    return _SPACED_PLACEHOLDER.sub(fill, text)


# How German (and English) letters close; the closing and signature follow.
_CLOSINGS = (
    "Mit freundlichen Grüßen",
    "Mit freundlichem Gruß",
    "Freundliche Grüße",
    "Mit besten Grüßen",
    "Viele Grüße",
    "Kind regards",
    "Best regards",
    "Yours sincerely",
    "Yours faithfully",
)


def split_closing(text: str) -> tuple[str, str]:
    """A letter text as (body, closing): the closing line ("Mit freundlichen Grüßen")
    and what follows it, so a letter can print its details between the two."""
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip().startswith(_CLOSINGS):
            return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).strip()
    return text, ""


def placeholders_in(text: str) -> list[str]:
    """The names of the ``{name}`` placeholders a text uses."""
    return _PLACEHOLDER.findall(text)


def register_letter_preview(key: str, render: Render) -> None:
    """A letter text's preview: ``render(subject, body)`` gives the PDF it becomes."""
    _LETTER_PREVIEWS.register(key, render)


def register_default_letter_preview(render: Render) -> None:
    """The preview of a letter text without one of its own."""
    _LETTER_PREVIEWS.register(_DEFAULT, render)


def is_letter(key: str) -> bool:
    return (
        (bool(key) and key in _LETTER_PREVIEWS)
        or key.startswith("letter.")
        or key.endswith("_letter")
    )


def sample_values(placeholders: str) -> dict[str, str]:
    """Placeholders stay visible in a preview: ``{name}`` shows as ``{name}``."""
    return {name: "{" + name + "}" for name in placeholders_in(placeholders)}


def preview_of(text: Text) -> tuple[bytes, str]:
    """What the text becomes: the letter's PDF, or the e-mail as plain text."""
    values = sample_values(text.placeholders)
    subject = fill_placeholders(text.subject, values)
    body = fill_placeholders(text.body, values)
    render = _LETTER_PREVIEWS.get(text.key) or _LETTER_PREVIEWS.get(_DEFAULT)
    if not is_letter(text.key) or render is None:
        return f"{subject}\n\n{body}".encode(), "text/plain; charset=utf-8"
    return render(subject, body), "application/pdf"

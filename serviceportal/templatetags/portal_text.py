"""Text filters for the portal's pages."""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen
from django import template
from django.utils.translation import get_language

register = template.Library()

SOFT_HYPHEN = "\u00ad"
# Words shorter than this fit any tile; hyphenating them only adds noise.
MIN_WORD = 11
_WORD = re.compile(rf"\w{{{MIN_WORD},}}")
_DICTIONARIES = {"de": "de_DE", "en": "en_GB"}


@lru_cache(maxsize=4)
def _dictionary(language: str) -> pyphen.Pyphen:
    # At least three letters either side: no "A-bend" or "Kassel-er".
    return pyphen.Pyphen(lang=_DICTIONARIES.get(language, "de_DE"), left=3, right=3)


@register.filter(is_safe=True)
def hyphenate(value: object) -> str:
    """Long words with soft hyphens where the page's language may break them.

    Browsers hyphenate with ``hyphens: auto`` only where they ship a dictionary
    for the language (Chromium on Linux does not), so a long German compound
    such as "Personenstandsurkunden" would otherwise break mid-syllable or overflow
    a narrow tile. The soft hyphens are invisible unless the word is broken there.
    """
    text = str(value or "")
    if SOFT_HYPHEN in text:
        return text
    language = (get_language() or "de").split("-")[0]
    dictionary = _dictionary(language)
    return _WORD.sub(lambda match: dictionary.inserted(match.group(0), SOFT_HYPHEN), text)


@register.filter
def lead_in(label: object) -> str:
    """A field's label leading into its error message in the error summary.

    "Name" → "Name:"; "Ich habe die Hinweise gelesen." → "…gelesen:" (never
    "gelesen.:"); a question keeps its mark: "Sind Sie verheiratet?".
    """
    text = str(label or "").strip()
    if text.endswith(("?", "!")):
        return text
    return text.rstrip(".:;, ") + ":"

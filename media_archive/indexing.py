"""The archive's search column: one normalized text per image, kept current.

``ArchiveImage.search_text`` holds the title on its first line, then the
description, signature, photographer, place, series and keywords, lower-cased
with umlauts and accents folded (``Königsstraße`` → ``konigsstrasse``) and
punctuation turned into spaces. On SQLite the search compares words against
this one column; on PostgreSQL a generated ``tsvector`` column (German
configuration, title weighted highest) and a trigram index are built from it
(migration ``0003``), so the search uses GIN indexes instead of scanning seven
fields per word.

The column is derived data: it is refreshed whenever an image is saved and
when its keywords, its series' name or a keyword's name change
(:mod:`media_archive.search_index`). Each such
change also moves the holdings' generation on, which retires the cached facet
counts of the research (see :func:`generation`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from portal_site.core import generations

FOLDS = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"})
NON_WORD = re.compile(r"[\W_]+")
BATCH = 1000
GENERATION = "archive"


def generation() -> int:
    """A number that changes whenever the public holdings may have changed."""
    return generations.current(GENERATION)


def changed(**kwargs) -> None:
    """The holdings changed: cached counts of the research are retired (shared cache)."""
    generations.advance(GENERATION)


def normalize(text: str) -> str:
    """Lower-case, fold umlauts and accents, and keep only letters and digits as words."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(FOLDS))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return NON_WORD.sub(" ", plain).strip()


def words(text: str) -> list[str]:
    return normalize(text).split()


def text_of(image, *, series_name: str = "", tag_names: Iterable[str] = ()) -> str:
    """The search text of an image: its title on the first line, everything else after."""
    rest = [
        image.description,
        image.signature,
        image.photographer,
        image.place,
        series_name,
        *tag_names,
    ]
    return normalize(image.title) + "\n" + normalize(" ".join(r for r in rest if r))

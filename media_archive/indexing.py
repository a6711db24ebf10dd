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
when its keywords, its series' name or a keyword's name change. Each such
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


def refresh(image_ids: Iterable[int]) -> int:
    """Recompute the search text of the given images, in batches; returns how many."""
    from .models import ArchiveImage

    ids = sorted(set(image_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        images = list(
            ArchiveImage.objects.filter(pk__in=chunk)
            .select_related("series")
            .prefetch_related("tags")
            .only(
                "pk",
                "title",
                "description",
                "signature",
                "photographer",
                "place",
                "series__name",
                "search_text",
            )
        )
        updated = []
        for image in images:
            text = text_of(
                image,
                series_name=image.series.name if image.series else "",
                tag_names=sorted(t.name for t in image.tags.all()),
            )
            if text != image.search_text:
                image.search_text = text
                updated.append(image)
        ArchiveImage.objects.bulk_update(updated, ["search_text"])
        done += len(updated)
    if done:
        changed()
    return done


def on_image_saved(image) -> None:
    """Called by ``ArchiveImage.save()``: the image's own fields, its series and keywords."""
    from .models import ArchiveImage

    tag_names = sorted(image.tags.names()) if image.pk else []
    text = text_of(
        image, series_name=image.series.name if image.series_id else "", tag_names=tag_names
    )
    if text != image.search_text:
        image.search_text = text
        ArchiveImage.objects.filter(pk=image.pk).update(search_text=text)
    changed()  # also when only "published" or the year changed


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh([instance.pk])
    elif pk_set:
        refresh(pk_set)


def _series_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        refresh(instance.images.values_list("pk", flat=True))


def _tag_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        from .models import ArchiveImageTag

        refresh(
            ArchiveImageTag.objects.filter(tag=instance).values_list("content_object", flat=True)
        )


def connect() -> None:
    """Keep the column current when keywords, a series or a keyword's name change."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from taggit.models import Tag

    from .models import ArchiveImage, ArchiveImageTag, Series

    m2m_changed.connect(_tags_changed, sender=ArchiveImageTag, dispatch_uid="archive-search-tags")
    post_save.connect(_series_saved, sender=Series, dispatch_uid="archive-search-series")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="archive-search-tag-name")
    post_delete.connect(changed, sender=ArchiveImage, dispatch_uid="archive-search-deleted")
    post_delete.connect(changed, sender=Series, dispatch_uid="archive-search-series-deleted")

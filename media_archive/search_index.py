"""Keeps the archive's search column current when keywords, a series or a keyword change.

The image's own fields are covered by :meth:`ArchiveImage.save`; this module
recomputes the column of the images a keyword, series or keyword name touches,
in batches, and retires the cached facet counts (:func:`indexing.changed`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from .indexing import BATCH, changed, text_of
from .models import ArchiveImage, ArchiveImageTag, Series


def refresh(image_ids: Iterable[int]) -> int:
    """Recompute the search text of the given images, in batches; returns how many."""
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
        refresh(
            ArchiveImageTag.objects.filter(tag=instance).values_list("content_object", flat=True)
        )


def connect() -> None:
    """Keep the column current when keywords, a series or a keyword's name change."""
    m2m_changed.connect(_tags_changed, sender=ArchiveImageTag, dispatch_uid="archive-search-tags")
    post_save.connect(_series_saved, sender=Series, dispatch_uid="archive-search-series")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="archive-search-tag-name")
    post_delete.connect(changed, sender=ArchiveImage, dispatch_uid="archive-search-deleted")
    post_delete.connect(changed, sender=Series, dispatch_uid="archive-search-series-deleted")

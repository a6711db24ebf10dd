"""Migration 0003: keywords move from taggit's generic table; the search text is filled."""

from __future__ import annotations

import pytest

from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("media_archive", "0002_archive_metadata")]
AFTER = [("media_archive", "0003_search")]


def test_existing_keywords_and_texts_are_carried_over():
    old = migrate(BEFORE)
    try:
        Image = old.get_model("media_archive", "ArchiveImage")
        Tag = old.get_model("taggit", "Tag")
        TaggedItem = old.get_model("taggit", "TaggedItem")
        ContentType = old.get_model("contenttypes", "ContentType")
        Collection = old.get_model("wagtailcore", "Collection")
        image = Image.objects.create(
            title="Königsplatz mit Straßenbahn",
            file="original_images/k.jpg",  # the name is enough: no file is read
            width=40,
            height=30,
            signature="S 01 Nr. 1955-014",
            collection=Collection.objects.order_by("depth").first(),
        )
        tag = Tag.objects.create(name="Verkehr", slug="verkehr")
        content_type, _ = ContentType.objects.get_or_create(
            app_label="media_archive", model="archiveimage"
        )
        TaggedItem.objects.create(tag=tag, content_type=content_type, object_id=image.pk)
        new = migrate(AFTER)
        migrated = new.get_model("media_archive", "ArchiveImage").objects.get(pk=image.pk)
        assert migrated.search_text.splitlines()[0] == "konigsplatz mit strassenbahn"
        assert "s 01 nr 1955 014" in migrated.search_text and "verkehr" in migrated.search_text
        through = new.get_model("media_archive", "ArchiveImageTag")
        assert list(through.objects.values_list("content_object_id", "tag_id")) == [
            (image.pk, tag.pk)
        ]
        assert (
            not new.get_model("taggit", "TaggedItem")
            .objects.filter(content_type_id=content_type.pk)
            .exists()
        )
    finally:
        migrate_to_latest()

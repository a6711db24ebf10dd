"""The archive's images: the project's Wagtail image model, with archive metadata.

Every image an editor uploads is an ``ArchiveImage``. Those marked as archive
holdings (``in_archive``) appear in the public research once ``published`` is
set; their originals and unmarked renditions are for staff only (see
:mod:`media_archive.storage`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    Image,
    WagtailImageField,
    get_upload_to,
)
from wagtail.search import index

from . import indexing
from .storage import archive_storage


class Series(models.Model):
    """A collection or series of the archive's holdings (e.g. "Stadtbildstelle")."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.name


class RightsStatus(models.TextChoices):
    CITY = "city", _("Rights held by the city archive")
    PUBLIC_DOMAIN = "public_domain", _("Public domain")
    THIRD_PARTY = "third_party", _("Third-party rights: ask the archive")
    RESTRICTED = "restricted", _("Restricted: not for order")


ORDERABLE_RIGHTS = (RightsStatus.CITY, RightsStatus.PUBLIC_DOMAIN, RightsStatus.THIRD_PARTY)


class ArchiveImage(AbstractImage):
    """An image of the city archive's holdings (or any image an editor uploads)."""

    file = WagtailImageField(
        verbose_name=_("file"),
        upload_to=get_upload_to,
        width_field="width",
        height_field="height",
        storage=archive_storage,
    )
    in_archive = models.BooleanField(
        _("archive holding"),
        default=False,
        help_text=_("Part of the city archive's holdings (not a picture for a web page)."),
    )
    published = models.BooleanField(
        _("published in the research"),
        default=False,
        help_text=_("Shown to the public (watermarked previews only)."),
    )
    signature = models.CharField(_("signature"), max_length=100, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    date_label = models.CharField(
        _("date or period"), max_length=100, blank=True, help_text=_("As shown, e.g. “um 1955”.")
    )
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    photographer = models.CharField(_("photographer"), max_length=255, blank=True)
    place = models.CharField(_("place"), max_length=150, blank=True, db_index=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="images",
    )
    rights_status = models.CharField(
        _("rights status"), max_length=20, choices=RightsStatus.choices, default=RightsStatus.CITY
    )
    # Keywords through a table of their own: a real foreign key to the image (the
    # generic one compares taggit's integer object_id with a bigint and skips its index).
    tags = TaggableManager(
        through="media_archive.ArchiveImageTag",
        help_text=None,
        blank=True,
        verbose_name=_("tags"),
    )
    # Derived from the fields above, the series and the keywords (see indexing.py).
    search_text = models.TextField(editable=False, blank=True, default="")

    admin_form_fields = (
        *Image.admin_form_fields,
        "in_archive",
        "published",
        "signature",
        "description",
        "date_label",
        "year_from",
        "year_to",
        "photographer",
        "place",
        "series",
        "rights_status",
    )
    search_fields = [
        *AbstractImage.search_fields,
        index.SearchField("signature"),
        index.SearchField("description"),
        index.SearchField("photographer"),
        index.SearchField("place"),
        index.FilterField("in_archive"),
        index.FilterField("published"),
    ]

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.UniqueConstraint(
                fields=["signature"],
                condition=~models.Q(signature=""),
                name="media_archive_signature_unique",
            )
        ]
        indexes = [
            # The research's default order, and its filter, in one index.
            models.Index(
                fields=["year_from", "signature"],
                condition=models.Q(in_archive=True, published=True),
                name="media_archive_public_year",
            )
        ]

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.refresh_search_text()

    def refresh_search_text(self) -> None:
        """The search column from the image's fields, its series and keywords (derived data)."""
        tag_names = sorted(self.tags.names()) if self.pk else []
        series_name = self.series.name if self.series_id else ""
        text = indexing.text_of(self, series_name=series_name, tag_names=tag_names)
        if text != self.search_text:
            self.search_text = text
            type(self).objects.filter(pk=self.pk).update(search_text=text)
        indexing.changed()  # also when only "published" or the year changed

    @property
    def decade(self) -> int | None:
        return self.year_from - self.year_from % 10 if self.year_from else None

    @property
    def orderable(self) -> bool:
        return self.rights_status in ORDERABLE_RIGHTS


class ArchiveImageTag(TaggedItemBase):
    """A keyword of an archive image."""

    content_object = models.ForeignKey(
        ArchiveImage, on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("keyword of an image")
        verbose_name_plural = _("keywords of images")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="media_archive_image_tag_unique"
            )
        ]


class ArchiveRendition(AbstractRendition):
    image = models.ForeignKey(ArchiveImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class SyncedItem(models.Model):
    """An item of a synchronised source (media_archive.sync) and the version last taken."""

    source = models.CharField(_("source"), max_length=50)
    item_id = models.CharField(_("item in the source"), max_length=1000)
    version = models.CharField(_("version"), max_length=255)
    fields_hash = models.CharField(_("metadata checksum"), max_length=64)
    image = models.ForeignKey(
        ArchiveImage, verbose_name=_("image"), null=True, on_delete=models.SET_NULL
    )
    synced_at = models.DateTimeField(_("synchronised at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "item_id"], name="media_synced_item_once")
        ]
        verbose_name = _("synchronised item")
        verbose_name_plural = _("synchronised items")

    def __str__(self) -> str:
        return self.item_id


class SyncRun(models.Model):
    """One synchronisation run with its report."""

    source = models.CharField(_("source"), max_length=50)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.JSONField(_("refused"), default=list, blank=True)
    error = models.TextField(_("broke off with"), blank=True)
    # A change-tracking source's position (Graph's delta link) after this run.
    cursor = models.TextField(_("continue from"), blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("archive synchronisation")
        verbose_name_plural = _("archive synchronisations")

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"

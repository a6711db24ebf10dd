"""The archive's images: the project's Wagtail image model from migration 0001."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class ArchiveImage(AbstractImage):
    """An image of the city archive's holdings (or any image an editor uploads).

    Archive metadata lives on the image so that search, the shop and the
    editor's image chooser see one record.
    """

    signature = models.CharField(_("signature"), max_length=100, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    photographer = models.CharField(_("photographer"), max_length=255, blank=True)

    admin_form_fields = (*Image.admin_form_fields, "signature", "description", "photographer")

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class ArchiveRendition(AbstractRendition):
    image = models.ForeignKey(ArchiveImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

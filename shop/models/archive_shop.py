"""The archive shop: usage types, image products, orders, their items and download grants.

An order is paid through the money module's invoice (:mod:`shop.models.money`)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .money import BusinessPartner, Fee, Invoice


class EnglishNamed(models.Model):
    """A price list entry with a name for the English pages (German documents keep
    ``name``)."""

    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("Shown on the English pages; empty: the German name."),
    )

    class Meta:
        abstract = True

    @property
    def shown_name(self) -> str:
        """The name in the reader's language."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name  # type: ignore[attr-defined]


class UsageType(EnglishNamed):
    """What a customer may do with an ordered image (private use, publication, ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    licence_text = models.TextField(
        _("licence text"), help_text=_("Printed in the usage permission (Nutzungsgenehmigung).")
    )
    requires_approval = models.BooleanField(_("needs the archive's approval"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("usage type")
        verbose_name_plural = _("usage types")

    def __str__(self) -> str:
        return self.name


class ImageProduct(EnglishNamed):
    """One line of the archive's price list: a usage type in a delivery size."""

    usage_type = models.ForeignKey(
        UsageType, verbose_name=_("usage type"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=100)
    long_edge = models.PositiveIntegerField(
        _("long edge (pixels)"),
        null=True,
        blank=True,
        help_text=_("Empty: the full resolution of the scan."),
    )
    fee = models.ForeignKey(
        Fee, verbose_name=_("fee"), on_delete=models.PROTECT, related_name="image_products"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["usage_type__sort_order", "fee__amount"]
        verbose_name = _("price list entry")
        verbose_name_plural = _("price list")

    def __str__(self) -> str:
        return f"{self.usage_type}: {self.name}"


class Order(models.Model):
    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("waiting for the archive's approval")
        AWAITING_PAYMENT = "awaiting_payment", _("waiting for payment")
        DELIVERED = "delivered", _("delivered")
        REJECTED = "rejected", _("rejected by the archive")
        CANCELLED = "cancelled", _("cancelled")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="order"
    )
    partner = models.ForeignKey(
        BusinessPartner, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    purpose = models.TextField(_("intended use"), blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    invoice = models.OneToOneField(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="order"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("archive order")
        verbose_name_plural = _("archive orders")

    def __str__(self) -> str:
        return self.case.number


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    image = models.ForeignKey(
        "media_archive.ArchiveImage",
        verbose_name=_("image"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        ImageProduct, verbose_name=_("price list entry"), on_delete=models.PROTECT
    )
    price = models.DecimalField(_("price (€)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("ordered image")
        verbose_name_plural = _("ordered images")

    def __str__(self) -> str:
        return f"{self.image.signature} – {self.product}"


class DownloadGrant(models.Model):
    """A signed, expiring, count-limited link to one ordered file."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(OrderItem, on_delete=models.CASCADE, related_name="grant")
    expires_at = models.DateTimeField(_("valid until"))
    max_downloads = models.PositiveSmallIntegerField(_("downloads allowed"), default=5)
    download_count = models.PositiveSmallIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("download link")
        verbose_name_plural = _("download links")

    def __str__(self) -> str:
        return f"{self.item} ({self.download_count}/{self.max_downloads})"


@register_setting(icon="doc-full")
class ArchiveShopSettings(BaseSiteSetting):
    """What the archive shop links: the terms of use a customer accepts when ordering."""

    terms_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("terms of use"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page with the archive's terms of use, linked where they are accepted."),
    )

    panels = [FieldPanel("terms_page")]

    class Meta:
        verbose_name = _("archive shop")

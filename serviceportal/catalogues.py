"""Editor-managed lists (course catalogue, age groups, kinds of certificate, ...).

A catalogue is a snippet reused by any number of forms; a form field of type
"catalogue" offers its active entries.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index


class Catalogue(index.Indexed, ClusterableModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("entries", label=_("Entries")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def choices(self) -> list[tuple[str, str]]:
        return [(entry.value, entry.display) for entry in self.entries.filter(active=True)]


class CatalogueEntry(Orderable):
    catalogue = ParentalKey(Catalogue, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(
        _("code"), max_length=50, blank=True, help_text=_("Optional, e.g. A-2016-01.")
    )
    label = models.CharField(_("label"), max_length=255)
    active = models.BooleanField(_("active"), default=True)

    panels = [FieldPanel("code"), FieldPanel("label"), FieldPanel("active")]

    class Meta(Orderable.Meta):
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self) -> str:
        return self.display

    @property
    def value(self) -> str:
        return self.code or self.label

    @property
    def display(self) -> str:
        return f"{self.code} {self.label}" if self.code else self.label


class ApplicantOrganisation(ClusterableModel):
    """A registered organisation that applies with an account (e.g. a funeral home)."""

    class Kind(models.TextChoices):
        FUNERAL_HOME = "funeral_home", _("Funeral home")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        AUTHORITY = "authority", _("Authority")

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.COMPANY)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"))
    members = models.ManyToManyField(
        "accounts.User",
        verbose_name=_("members"),
        related_name="applicant_organisations",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("address"),
        FieldPanel("email"),
        FieldPanel("members"),
    ]

    class Meta:
        verbose_name = _("applicant organisation")
        verbose_name_plural = _("applicant organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

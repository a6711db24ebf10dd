"""Pages of the service portal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index

from .slugs import GermanSlugMixin


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Office"))
    address = blocks.TextBlock(label=_("Address"), required=False)
    phone = blocks.CharBlock(label=_("Phone"), required=False)
    email = blocks.EmailBlock(label=_("E-mail"), required=False)
    opening_hours = blocks.TextBlock(label=_("Opening hours"), required=False)

    class Meta:
        icon = "user"
        label = _("Contact")
        template = "serviceportal/blocks/contact.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title")
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    image = ImageChooserBlock(label=_("Image"))
    contact = ContactBlock()


class HomePage(GermanSlugMixin, Page):
    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count = 1
    subpage_types = [
        "serviceportal.ServiceIndexPage",
        "serviceportal.ContentPage",
        "serviceportal.ServiceFormPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["service_indexes"] = ServiceIndexPage.objects.child_of(self).live()
        return context


class ContentPage(GermanSlugMixin, Page):
    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("content page")


class ServiceIndexPage(GermanSlugMixin, Page):
    """A list of the city's online services, grouped by topic."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = [
        "serviceportal.ContentPage",
        "serviceportal.ServicePage",
        "serviceportal.ServiceFormPage",
    ]

    class Meta:
        verbose_name = _("service index page")

    def service_pages(self):
        """The service descriptions; their online forms are reached from each service page."""
        return self.get_children().live().public().not_type(ServiceFormPage).specific()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = self.service_pages()
        return context


class ServicePage(GermanSlugMixin, Page):
    """Information about one service: what it is, what it costs, whom to ask."""

    summary = models.CharField(_("summary"), max_length=300)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    fees = models.CharField(_("fees"), max_length=255, blank=True)
    processing_time = models.CharField(_("processing time"), max_length=255, blank=True)
    online_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("online application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("fees"), FieldPanel("processing_time"), FieldPanel("online_link")],
            heading=_("At a glance"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["serviceportal.ServiceIndexPage"]

    class Meta:
        verbose_name = _("service page")


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """The city's name and contact details shown on every page."""

    city_name = models.CharField(_("city"), max_length=100, default="Stadt Kassel")
    address = models.TextField(_("address"), default="Rathaus\nObere Königsstraße 8\n34117 Kassel")
    phone = models.CharField(_("phone"), max_length=50, default="0561 115")
    email = models.EmailField(_("e-mail"), default="buergerservice@kassel.de")
    opening_hours = models.TextField(
        _("opening hours"), blank=True, default="Mo–Fr 8:00–18:00 (Servicecenter 115)"
    )

    panels = [
        FieldPanel("city_name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("opening_hours"),
    ]

    class Meta:
        verbose_name = _("portal settings")


# Models defined in their own modules, imported so that Django registers them.
from .catalogues import ApplicantOrganisation, Catalogue, CatalogueEntry  # noqa: E402, F401
from .form_pages import ServiceFormPage  # noqa: E402, F401
from .form_submissions import ServiceFormSubmission  # noqa: E402, F401
from .saved import SavedApplication  # noqa: E402, F401

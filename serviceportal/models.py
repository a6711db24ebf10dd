"""Pages of the service portal."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index

from portal_site.documents.models import lines

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


class ServiceTopic(models.TextChoices):
    """The topics the service catalogue (Leistungen) groups services by."""

    CIVIL_STATUS = "personenstand", _("Civil status, family and death")
    CITIZENS = "buergerservice", _("Citizens' services and enquiries")
    CULTURE = "kultur", _("Culture and city archive")
    BUILDING = "bauen", _("Building, housing and the environment")
    BUSINESS = "wirtschaft", _("Business and trade")
    STAFF = "verwaltung", _("For the city's employees")


class ServiceIndexPage(GermanSlugMixin, Page):
    """The service catalogue (Leistungen): every published service page under it, grouped
    by topic, with a search (:mod:`serviceportal.service_catalogue`)."""

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
        query = (request.GET.get("q") or "").strip()[:100]
        context["query"] = query
        context["topics"] = catalogue(self, query=query)  # defined below
        context["services"] = self.service_pages()
        return context


leika_key = RegexValidator(
    r"^\d{14}$", _("A LeiKa key has 14 digits (Leistungsschlüssel of the FIM catalogue).")
)


class ServicePage(GermanSlugMixin, Page):
    """One entry of the service catalogue (Leistung): what it is, who is responsible, what
    it costs, what to bring, and its online application (a form of this portal or
    another online service of it)."""

    summary = models.CharField(_("summary"), max_length=300)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    topic = models.CharField(
        _("topic"), max_length=30, choices=ServiceTopic.choices, default=ServiceTopic.CITIZENS
    )
    office = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("responsible office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fees = models.CharField(_("fees"), max_length=255, blank=True)
    fee_items = models.ManyToManyField(
        "shop.Fee",
        verbose_name=_("fees from the fee schedule"),
        blank=True,
        related_name="+",
        help_text=_("Shown with their amounts beside the text above."),
    )
    documents_to_bring = models.TextField(
        _("documents to bring"), blank=True, help_text=_("One per line.")
    )
    processing_time = models.CharField(_("processing time"), max_length=255, blank=True)
    leika_key = models.CharField(
        _("LeiKa key"),
        max_length=14,
        blank=True,
        validators=[leika_key],
        help_text=_("The service's 14-digit key in the federal service catalogue (optional)."),
    )
    online_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("online application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The form citizens apply with; a form is published only with its service."),
    )
    online_path = models.CharField(
        _("other online service of the portal"),
        max_length=200,
        blank=True,
        validators=[RegexValidator(r"^/[\w\-/]*$", _("A path of this portal, e.g. /archiv/."))],
        help_text=_("Instead of a form, e.g. the archive's image shop: /archiv/."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("office"),
                FieldPanel("fees"),
                FieldPanel("fee_items", widget=forms.CheckboxSelectMultiple),
                FieldPanel("documents_to_bring"),
                FieldPanel("processing_time"),
                FieldPanel("leika_key"),
                FieldPanel("online_link"),
                FieldPanel("online_path"),
            ],
            heading=_("At a glance"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("documents_to_bring"),
        index.FilterField("topic"),
    ]
    parent_page_types = ["serviceportal.ServiceIndexPage"]

    class Meta:
        verbose_name = _("service page")

    @property
    def documents_to_bring_lines(self) -> list[str]:
        return lines(self.documents_to_bring)

    def application_url(self) -> str:
        """Where to apply online: the live form, else the other online service, else ""."""
        link = self.online_link
        if link is not None and link.live:
            return link.url or ""
        return self.online_path


@dataclass
class TopicGroup:
    topic: str
    label: str
    services: list[ServicePage] = field(default_factory=list)


def catalogue(index: ServiceIndexPage, *, query: str = "") -> list[TopicGroup]:
    """The index's live service pages by topic (in the topics' order), those matching
    ``query`` only: by name, summary, documents to bring, responsible office, topic or
    LeiKa key."""
    pages = (
        ServicePage.objects.live()
        .public()
        .child_of(index)
        .select_related("office", "online_link")
        .prefetch_related("fee_items")
        .order_by("title")
    )
    if query:
        topics = [
            value for value, label in ServiceTopic.choices if query.lower() in str(label).lower()
        ]
        pages = pages.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(documents_to_bring__icontains=query)
            | Q(office__name__icontains=query)
            | Q(leika_key=query)
            | Q(topic__in=topics)
        )
    groups = {value: TopicGroup(value, str(label)) for value, label in ServiceTopic.choices}
    for page in pages:
        groups.setdefault(page.topic, TopicGroup(page.topic, page.topic)).services.append(page)
    return [group for group in groups.values() if group.services]


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

"""The city's letterhead: what every generated letter prints around its text.

One record, edited in the admin under Settings → "Briefkopf und Fußzeile", with
a PDF preview. Letters follow DIN 5008 form B (see ``documents/letter.html``):
the return-address line and the address sit in the window of a DL envelope,
the information block at 125 mm, and the footer carries the address, opening
hours and the cash office's bank details.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.images.widgets import AdminImageChooser

DEFAULT_LEGAL_REMEDY = (
    "Rechtsbehelfsbelehrung: Gegen diesen Bescheid können Sie innerhalb eines Monats nach "
    "seiner Bekanntgabe Widerspruch erheben. Der Widerspruch ist schriftlich, elektronisch "
    "oder zur Niederschrift beim Magistrat der Stadt Kassel, Obere Königsstraße 8, "
    "34117 Kassel, einzulegen. Die Frist ist auch gewahrt, wenn der Widerspruch innerhalb "
    "der Frist bei der Widerspruchsbehörde eingeht."
)


def lines(text: str) -> list[str]:
    """A text field's non-empty lines, stripped (addresses, opening hours)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _setting(name: str, default: str = "") -> str:
    return getattr(settings, name, default)


@register_setting(icon="doc-full")
class Letterhead(BaseGenericSetting):
    authority = models.CharField(
        _("authority"), max_length=200, default="Magistrat der Stadt Kassel"
    )
    department = models.CharField(_("department"), max_length=200, default="Stadtkasse")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Printed at the top right of every letter (PNG or JPEG)."),
    )
    return_address = models.CharField(
        _("return-address line"),
        max_length=120,
        default="Stadt Kassel · Obere Königsstraße 8 · 34117 Kassel",
        help_text=_("The small sender line above the address in the envelope window."),
    )
    address = models.TextField(_("postal address"), default="Obere Königsstraße 8\n34117 Kassel")
    phone = models.CharField(_("phone"), max_length=50, blank=True, default="0561 787-0")
    email = models.CharField(
        _("e-mail"), max_length=100, blank=True, default="stadtkasse@kassel.de"
    )
    website = models.CharField(_("website"), max_length=100, blank=True, default="www.kassel.de")
    opening_hours = models.TextField(
        _("opening hours"), blank=True, default="Mo–Fr 8:00–12:00 Uhr\nDo 14:00–17:00 Uhr"
    )
    bank_name = models.CharField(
        _("bank"), max_length=100, blank=True, default="Kasseler Sparkasse"
    )
    iban = models.CharField(_("IBAN"), max_length=42, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True, default="HELADEF1KAS")
    legal_remedy = models.TextField(
        _("legal-remedy notice"),
        blank=True,
        default=DEFAULT_LEGAL_REMEDY,
        help_text=_("Printed at the end of every fee invoice (Rechtsbehelfsbelehrung)."),
    )

    panels = [
        HelpPanel(
            content=_(
                "Save, then open the <a href='/admin/briefkopf/vorschau/' target='_blank'>"
                "PDF preview</a> of a fee invoice with this letterhead."
            )
        ),
        MultiFieldPanel(
            [
                FieldPanel("authority"),
                FieldPanel("department"),
                FieldPanel("logo", widget=AdminImageChooser),
            ],
            heading=_("Letterhead"),
        ),
        FieldPanel("return_address"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("website"),
                FieldPanel("opening_hours"),
            ],
            heading=_("Footer: address and opening hours"),
        ),
        MultiFieldPanel(
            [FieldPanel("bank_name"), FieldPanel("iban"), FieldPanel("bic")],
            heading=_("Footer: bank details of the cash office"),
        ),
        FieldPanel("legal_remedy"),
    ]

    class Meta:
        verbose_name = _("letterhead and footer")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def bank_iban(self) -> str:
        """The IBAN printed on letters: the one entered here, else ``SHOP_CASH_OFFICE_IBAN``."""
        return self.iban or _setting("SHOP_CASH_OFFICE_IBAN")

    @property
    def address_lines(self) -> list[str]:
        return lines(self.address)

    @property
    def opening_hours_lines(self) -> list[str]:
        return lines(self.opening_hours)

    def logo_data_uri(self) -> str:
        """The logo as a ``data:`` URI: documents load nothing from outside (rendering.py)."""
        import base64

        if self.logo is None:
            return ""
        rendition = self.logo.get_rendition("max-400x200|format-png")
        with rendition.file.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode()
        return f"data:image/png;base64,{data}"


class IssuedLetterhead:
    """The city's letterhead as one office issues a document: the office's name under the
    authority and, where the office has its own (its admin record under Organisation),
    its address, phone, e-mail and opening hours; everything else (logo, bank details,
    legal remedy) is the city's."""

    def __init__(self, city: Letterhead, office) -> None:
        self._city = city
        self.office = office

    def __getattr__(self, name: str):
        return getattr(self._city, name)

    @property
    def department(self) -> str:
        return self.office.letter_name or self.office.name

    @property
    def address_lines(self) -> list[str]:
        return lines(self.office.postal_address) or self._city.address_lines

    @property
    def return_address(self) -> str:
        own = lines(self.office.postal_address)
        if not own:
            return self._city.return_address
        sender = self._city.return_address.split(" · ")[0]
        return " · ".join([sender, self.department, *own])

    @property
    def phone(self) -> str:
        return self.office.phone or self._city.phone

    @property
    def email(self) -> str:
        return self.office.email or self._city.email

    @property
    def opening_hours_lines(self) -> list[str]:
        return lines(self.office.opening_hours) or self._city.opening_hours_lines


def letterhead_for(office=None) -> Letterhead | IssuedLetterhead:
    """The letterhead a document of ``office`` carries (the city's without an office)."""
    city = Letterhead.load()
    return city if office is None else IssuedLetterhead(city, office)

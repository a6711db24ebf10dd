from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from portal_site.core.admin_columns import yes_no

from . import admin_views, services
from .models import BusinessPartner, Fee, ImageProduct, UsageType


@hooks.register("register_admin_urls")
def cash_office_urls():
    return [
        path("stadtkasse/", admin_views.invoice_list, name="shop_invoices"),
        path("stadtkasse/rechnungen/<int:pk>/", admin_views.invoice_detail, name="shop_invoice"),
        path(
            "stadtkasse/rechnungen/<int:pk>/pdf/",
            admin_views.invoice_pdf,
            name="shop_invoice_pdf",
        ),
        path("stadtkasse/kontoauszug/", admin_views.statement_import, name="shop_statement_import"),
        path(
            "stadtkasse/nicht-zugeordnet/", admin_views.unassigned_payments, name="shop_unassigned"
        ),
        path("stadtkasse/erstattungen/", admin_views.refunds, name="shop_refunds"),
        path("briefkopf/vorschau/", admin_views.letter_preview, name="documents_letter_preview"),
        path("stadtkasse/finanzexport/", admin_views.finance_export, name="shop_finance_export"),
        path(
            "stadtkasse/finanzexport/<int:pk>/<str:fmt>/",
            admin_views.finance_export_file,
            name="shop_finance_export_file",
        ),
    ]


class CashOfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("shop.view_invoice")


@hooks.register("register_admin_menu_item")
def cash_office_menu_item():
    return CashOfficeMenuItem(
        _("Cash office"), reverse("shop_invoices"), icon_name="doc-full", order=70
    )


class FeeViewSet(ModelViewSet):
    model = Fee
    icon = "list-ul"
    menu_label = _("Fee schedule")
    url_prefix = "gebuehren"
    list_display = [
        "booking_key",
        "name",
        "description",
        "direction",
        "amount",
        yes_no("active", Fee),
    ]
    list_filter = ["active", "direction"]
    search_fields = ["booking_key", "name", "description"]
    search_backend_name = None
    form_fields = [
        "booking_key",
        "name",
        "description",
        "comment",
        "direction",
        "amount",
        "account",
        "cost_object",
        "active",
    ]


class BusinessPartnerCreateView(CreateView):
    """The cash office adds a partner by hand: the number is allocated like the portal's."""

    def save_instance(self):
        with transaction.atomic():
            self.form.instance.number = services.next_partner_number()
            return super().save_instance()


class BusinessPartnerViewSet(ModelViewSet):
    model = BusinessPartner
    add_view_class = BusinessPartnerCreateView
    icon = "group"
    menu_label = _("Business partners")
    url_prefix = "geschaeftspartner"
    list_display = [
        "number",
        "organisation",
        "last_name",
        "first_name",
        "postcode",
        "town",
        "email",
    ]
    search_fields = ["number", "organisation", "last_name", "first_name", "email"]
    search_backend_name = None
    form_fields = [
        "organisation",
        "salutation",
        "academic_title",
        "first_name",
        "last_name",
        "street",
        "postcode",
        "town",
        "email",
    ]
    add_to_admin_menu = False


class UsageTypeViewSet(ModelViewSet):
    model = UsageType
    icon = "doc-full"
    menu_label = _("Usage types")
    url_prefix = "nutzungsarten"
    list_display = [
        "name",
        yes_no("requires_approval", UsageType),
        yes_no("active", UsageType),
    ]
    form_fields = [
        "name",
        "name_en",
        "description",
        "licence_text",
        "requires_approval",
        "sort_order",
        "active",
    ]
    search_backend_name = None


class ImageProductViewSet(ModelViewSet):
    model = ImageProduct
    icon = "list-ul"
    menu_label = _("Archive price list")
    url_prefix = "archiv-preisliste"
    list_display = ["usage_type", "name", "long_edge", "fee", yes_no("active", ImageProduct)]
    list_filter = ["usage_type", "active"]
    form_fields = ["usage_type", "name", "name_en", "long_edge", "fee", "active"]
    search_backend_name = None


class MoneyViewSetGroup(ViewSetGroup):
    menu_label = _("Finance")
    menu_icon = "table"
    menu_order = 75
    items = (FeeViewSet, BusinessPartnerViewSet, UsageTypeViewSet, ImageProductViewSet)


@hooks.register("register_admin_viewset")
def register_money_viewsets():
    return MoneyViewSetGroup()

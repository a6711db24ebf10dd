from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Fees, payments and the archive shop")

    def ready(self) -> None:
        from portal_site.accounts import roles
        from portal_site.cases.access import register_money_lookup
        from portal_site.core.periodic import register_periodic
        from portal_site.core.setup import register_setup_step

        from .fee_schedule import ensure_fee_schedule

        register_setup_step(order=20, name="fee_schedule", run=ensure_fee_schedule)
        from portal_site.connectors import register_connector

        from .providers.demo import DemoProvider
        from .providers.stripe import StripeProvider

        register_connector(DemoProvider())
        register_connector(StripeProvider())
        from .dunning import run_dunning
        from .selectors import cases_with_invoices
        from .texts import register_archive_texts, register_texts

        register_money_lookup(cases_with_invoices)

        from portal_site.cases.erasure import register_eraser

        from .erasure import erase_order

        register_eraser("shop.order", erase_order)
        register_texts()
        from portal_site.notifications.email_texts import register_letter_preview

        from .letter_preview import sample_invoice_pdf
        from .texts import INVOICE_LETTER, ORDER_VARIANTS

        register_letter_preview(INVOICE_LETTER, sample_invoice_pdf)
        register_letter_preview(ORDER_VARIANTS[INVOICE_LETTER], sample_invoice_pdf)
        register_archive_texts()
        register_periodic("shop.run_dunning", run_dunning)
        roles.register_role_permissions(
            roles.CASH_OFFICE,
            "cases.view_case_money",
            "shop.view_invoice",
            "shop.change_invoice",
            "shop.add_financeexport",
            "shop.view_financeexport",
            "shop.view_fee",
            "shop.add_fee",
            "shop.change_fee",
            "shop.view_businesspartner",
            "shop.change_businesspartner",
            "shop.add_businesspartner",
            "shop.view_booking",
        )
        roles.register_role_permissions(roles.REGISTRY_OFFICE, "shop.view_invoice", "shop.view_fee")
        roles.register_role_permissions(
            roles.ARCHIVE,
            "shop.view_invoice",
            "shop.view_fee",
            *[
                f"shop.{action}_{model}"
                for action in ("add", "change", "view")
                for model in ("usagetype", "imageproduct")
            ],
        )

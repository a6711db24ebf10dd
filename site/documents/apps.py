from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "portal_site.documents"
    label = "documents"
    verbose_name = _("Documents and letters")

    def ready(self) -> None:
        from portal_site.accounts import roles
        from portal_site.core.periodic import register_periodic
        from portal_site.notifications.letters import register_default_letter_preview

        from .rendering import text_preview_pdf
        from .services import render_due_documents

        register_periodic("documents.render_due", render_due_documents)
        register_default_letter_preview(text_preview_pdf)

        # The letterhead carries the cash office's bank details and the city's layout.
        for role in (roles.CASH_OFFICE, roles.EDITOR):
            roles.register_role_permissions(role, "documents.change_letterhead")

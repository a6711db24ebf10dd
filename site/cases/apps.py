from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "portal_site.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from portal_site.core.periodic import register_periodic

        from .retention import erase_expired_cases
        from .services import resume_due_cases

        register_periodic("cases.resume_due_cases", resume_due_cases)
        register_periodic("cases.erase_expired_cases", erase_expired_cases)

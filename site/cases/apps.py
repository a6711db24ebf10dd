from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "portal_site.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from portal_site.core.periodic import register_periodic
        from portal_site.notifications.attachments import CaseFiles, register_case_files

        from .retention import erase_expired_cases
        from .services import case_file_stored_name, case_files_not_ready, resume_due_cases

        register_periodic("cases.resume_due_cases", resume_due_cases)
        register_periodic("cases.erase_expired_cases", erase_expired_cases)
        # The outbox asks through this whether a mail's attached documents exist yet.
        register_case_files(
            CaseFiles(not_ready=case_files_not_ready, stored_name=case_file_stored_name)
        )

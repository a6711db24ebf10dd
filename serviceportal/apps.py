from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePortalConfig(AppConfig):
    name = "serviceportal"
    verbose_name = _("Service portal")

    def ready(self) -> None:
        from portal_site.accounts import roles
        from portal_site.cases.erasure import register_eraser
        from portal_site.core.periodic import register_periodic

        from . import checks, demo, demo_english, demo_forms  # noqa: F401 - the system check, the demo steps
        from .resume import kept_upload_names, purge_expired
        from .submission import erase_submission
        from .uploads import purge_stale_uploads

        register_periodic(
            "serviceportal.purge_stale_uploads",
            lambda: purge_stale_uploads(keep=kept_upload_names()),
        )
        register_periodic("serviceportal.purge_expired_saved_applications", purge_expired)
        register_eraser("serviceportal.submission", erase_submission)
        roles.register_role_permissions(
            roles.EDITOR,
            *[
                f"serviceportal.{action}_{model}"
                for action in ("add", "change", "delete", "view")
                for model in ("catalogue", "applicantorganisation")
            ],
            # Copy pages into the other language ("Übersetzen") to translate them.
            "simple_translation.submit_translation",
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePortalConfig(AppConfig):
    name = "serviceportal"
    verbose_name = _("Service portal")

    def ready(self) -> None:
        from . import demo  # noqa: F401 - registers the portal's demo step

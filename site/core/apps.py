from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal_site.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import demo_kernel  # noqa: F401 - registers the kernel's demo step

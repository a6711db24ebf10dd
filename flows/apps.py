from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("Back-office processes")

    def ready(self) -> None:
        from portal_site.processes import register_process

        from .workspace import start_generic

        register_process(
            key="generic",
            label=_("Generic request (office queue, answer, close)"),
            start=start_generic,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal_site.notifications"
    label = "notifications"
    verbose_name = _("E-mail outbox")

    def ready(self) -> None:
        from portal_site.core.periodic import register_periodic

        from .delivery import enqueue_due_messages

        register_periodic("outbox.enqueue_due_messages", enqueue_due_messages)

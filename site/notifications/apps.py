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

        from portal_site.accounts import roles
        from portal_site.core.setup import register_setup_step

        from .email_texts import ensure_email_texts

        register_setup_step(order=60, name="email_texts", run=ensure_email_texts)
        roles.register_role_permissions(
            roles.EDITOR, "notifications.change_emailtext", "notifications.view_emailtext"
        )

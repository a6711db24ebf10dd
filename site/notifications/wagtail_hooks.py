from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal_site.core.read_only import ReadOnlyPermissionPolicy

from .models import EmailText, OutboxMessage
from .views import retry_message


def _retry_url(message: OutboxMessage) -> str | None:
    if message.status == OutboxMessage.Status.SENT:
        return None
    return reverse("notifications_retry", args=[message.pk])


# Unsent messages link their status to the "send again" page.
retry_link = TitleColumn("get_status_display", label=_("Status (send again)"), get_url=_retry_url)


class OutboxViewSet(ModelViewSet):
    """Every e-mail the portal sends, with failures visible to administrators."""

    model = OutboxMessage
    name = "notifications_outbox"
    url_prefix = "postausgang"
    icon = "mail"
    menu_label = _("E-mail outbox")
    add_to_admin_menu = True
    menu_order = 900
    inspect_view_enabled = True
    inspect_view_fields = [
        "case",
        "recipients",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "created_at",
    ]
    list_display = ["subject", "recipients", retry_link, "attempts", "last_error", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    search_backend_name = None
    exclude_form_fields = []


outbox_viewset = OutboxViewSet()


@hooks.register("register_admin_viewset")
def register_outbox():
    return outbox_viewset


@hooks.register("register_admin_urls")
def outbox_urls():
    return [path("postausgang/<uuid:pk>/erneut/", retry_message, name="notifications_retry")]


register_permission_policy(OutboxMessage, ReadOnlyPermissionPolicy(OutboxMessage))


class EmailTextViewSet(SnippetViewSet):
    model = EmailText
    icon = "mail"
    menu_label = _("E-mail texts")
    add_to_admin_menu = True
    menu_order = 910
    list_display = ["name", "subject", "placeholders", "updated_at"]
    search_fields = ["name", "subject"]
    panels = [
        FieldPanel("name"),
        FieldPanel("subject"),
        FieldPanel("body"),
        FieldPanel("placeholders", read_only=True),
    ]


register_snippet(EmailTextViewSet)

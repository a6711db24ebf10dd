from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from portal_site.processes import process_choices

from .models import RetentionPeriod


class RetentionPeriodViewSet(ModelViewSet):
    """Administrators set per process how long closed cases keep their personal data."""

    model = RetentionPeriod
    icon = "time"
    menu_label = _("Retention periods")
    url_prefix = "aufbewahrungsfristen"
    add_to_settings_menu = True
    list_display = ["process_key", "days", "updated_at"]
    search_backend_name = None
    panels = [
        FieldPanel("process_key", widget=forms.Select(choices=process_choices)),
        FieldPanel("days"),
    ]


@hooks.register("register_admin_viewset")
def register_retention_periods():
    return RetentionPeriodViewSet()

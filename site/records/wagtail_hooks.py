from django import forms
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from portal_site.connectors import connector_choices
from portal_site.core.admin_columns import yes_no
from portal_site.core.read_only import ReadOnlyPermissionPolicy
from portal_site.processes import process_choices

from .models import (
    ArchiveCase,
    ArchiveTransfer,
    FilePlanUnit,
    Filing,
    OfficeRecords,
    ProcessRecords,
)
from .views import import_plan, retry


class FilePlanIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("records.add_fileplanunit"):
            buttons.append(
                HeaderButton(
                    _("Import file plan (xdomea 0301)"),
                    url=reverse("records_import_plan"),
                    icon_name="upload",
                )
            )
        return buttons


class FilePlanViewSet(ModelViewSet):
    model = FilePlanUnit
    name = "records_file_plan"
    index_view_class = FilePlanIndexView
    icon = "list-ul"
    menu_label = _("File plan")
    url_prefix = "aktenplan"
    list_display = [
        "code",
        "title",
        "parent",
        "disposal",
        "retention_years",
        yes_no("retired", FilePlanUnit),
    ]
    search_fields = ["code", "title"]
    search_backend_name = None
    form_fields = ["code", "title", "parent", "disposal", "retention_years", "retired"]


class ProcessRecordsViewSet(ModelViewSet):
    model = ProcessRecords
    icon = "cogs"
    menu_label = _("Case types")
    url_prefix = "akten-der-vorgangsarten"
    list_display = [
        "process_key",
        "file_plan_unit",
        yes_no("offer_to_archive", ProcessRecords),
    ]
    search_backend_name = None
    panels = [
        FieldPanel("process_key", widget=forms.Select(choices=process_choices)),
        FieldPanel("file_plan_unit"),
        FieldPanel("offer_to_archive"),
    ]


class OfficeRecordsViewSet(ModelViewSet):
    model = OfficeRecords
    icon = "group"
    menu_label = _("Offices")
    url_prefix = "akten-der-aemter"
    list_display = [
        "office",
        "efile_connector",
        "efile_folder",
        yes_no("file_on_close", OfficeRecords),
        "archive_connector",
    ]
    search_backend_name = None
    panels = [
        FieldPanel("office"),
        FieldPanel(
            "efile_connector", widget=forms.Select(choices=lambda: connector_choices("records"))
        ),
        FieldPanel("efile_folder"),
        FieldPanel("efile_name"),
        FieldPanel("file_on_close"),
        FieldPanel(
            "archive_connector",
            widget=forms.Select(choices=lambda: [("", "–"), *connector_choices("records")]),
        ),
        FieldPanel("archive_folder"),
        FieldPanel("archive_name"),
    ]


def _retry_url(filing: Filing) -> str | None:
    if filing.status not in (Filing.Status.FAILED, Filing.Status.REFUSED):
        return None
    return reverse("records_retry", args=[filing.pk])


class FilingViewSet(ModelViewSet):
    """Every message to the e-file, failures and refusals with a retry."""

    model = Filing
    name = "records_filings"
    icon = "upload"
    menu_label = _("Filings in the e-file")
    url_prefix = "ablagen"
    inspect_view_enabled = True
    inspect_view_fields = [
        "case",
        "message",
        "process_id",
        "connector",
        "folder",
        "status",
        "attempts",
        "last_error",
        "answer",
        "created_at",
        "sent_at",
        "answered_at",
    ]
    list_display = [
        "case",
        "message",
        TitleColumn("get_status_display", label=_("Status (send again)"), get_url=_retry_url),
        "attempts",
        "last_error",
        "created_at",
    ]
    list_filter = ["status", "message"]
    search_fields = ["case__number"]
    search_backend_name = None
    exclude_form_fields = []


class ArchiveCaseViewSet(ModelViewSet):
    """Every case offered to the archive, with what the archive decided."""

    model = ArchiveCase
    name = "records_archive_cases"
    icon = "folder-inverse"
    menu_label = _("Hand-over to the archive")
    url_prefix = "aussonderung"
    inspect_view_enabled = True
    list_display = ["case", "state", "archive_reference", "note", "decided_at", "transfer"]
    list_filter = ["state"]
    search_fields = ["case__number"]
    search_backend_name = None
    exclude_form_fields = []


class RecordsGroup(ViewSetGroup):
    menu_label = _("E-file and archive")
    menu_icon = "folder-open-inverse"
    menu_order = 850
    items = (
        FilingViewSet,
        ArchiveCaseViewSet,
        OfficeRecordsViewSet,
        ProcessRecordsViewSet,
        FilePlanViewSet,
    )


@hooks.register("register_admin_viewset")
def register_records():
    return RecordsGroup()


@hooks.register("register_admin_urls")
def records_urls():
    return [
        path("ablagen/<int:pk>/erneut/", retry, name="records_retry"),
        path("aktenplan/importieren/", import_plan, name="records_import_plan"),
    ]


register_permission_policy(Filing, ReadOnlyPermissionPolicy(Filing))
register_permission_policy(ArchiveCase, ReadOnlyPermissionPolicy(ArchiveCase))
register_permission_policy(ArchiveTransfer, ReadOnlyPermissionPolicy(ArchiveTransfer))

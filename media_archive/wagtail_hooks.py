from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from portal_site.core.read_only import ReadOnlyPermissionPolicy

from . import admin_views
from .models import Series, SyncRun
from .operations import WatermarkOperation


@hooks.register("register_image_operations")
def register_watermark():
    return [("watermark", WatermarkOperation)]


class SeriesViewSet(ModelViewSet):
    model = Series
    icon = "folder-inverse"
    menu_label = _("Archive series")
    url_prefix = "archivserien"
    add_to_settings_menu = True
    form_fields = ["name", "description"]
    list_display = ["name"]
    search_fields = ["name"]
    search_backend_name = None


@hooks.register("register_admin_viewset")
def register_series():
    return SeriesViewSet()


@hooks.register("register_admin_urls")
def archive_admin_urls():
    return [path("archiv-import/", admin_views.archive_import, name="media_archive_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailimages.add_image")


@hooks.register("register_admin_menu_item")
def archive_import_menu_item():
    return ImportMenuItem(
        _("Archive import"), reverse("media_archive_import"), icon_name="image", order=310
    )


class SyncRunViewSet(ModelViewSet):
    """Every synchronisation of the holdings with its report (media_archive.sync)."""

    model = SyncRun
    icon = "resubmit"
    menu_label = _("Archive synchronisation")
    url_prefix = "archiv-abgleich"
    add_to_admin_menu = True
    menu_order = 311
    inspect_view_enabled = True
    list_display = ["source", "started_at", "created", "updated", "removed", "unchanged", "error"]
    list_filter = ["source"]
    search_backend_name = None
    exclude_form_fields = []


@hooks.register("register_admin_viewset")
def register_sync_runs():
    return SyncRunViewSet()


register_permission_policy(SyncRun, ReadOnlyPermissionPolicy(SyncRun))

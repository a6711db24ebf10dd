from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import Series
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

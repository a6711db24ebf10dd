from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .connector_views import connections
from .task_views import failed_tasks, retry_task


@hooks.register("register_admin_urls")
def task_urls():
    return [
        path("hintergrundaufgaben/", failed_tasks, name="core_failed_tasks"),
        path("hintergrundaufgaben/<str:task_id>/erneut/", retry_task, name="core_retry_task"),
        path("verbindungen/", connections, name="core_connections"),
    ]


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def failed_tasks_menu_item():
    return AdministratorsMenuItem(
        _("Background tasks"), reverse("core_failed_tasks"), icon_name="warning", order=905
    )


@hooks.register("register_settings_menu_item")
def connections_menu_item():
    return AdministratorsMenuItem(
        _("Connections"), reverse("core_connections"), icon_name="link", order=950
    )


@hooks.register("insert_global_admin_css")
def city_branding_css():
    return format_html('<link rel="stylesheet" href="{}">', static("portal/css/admin.css"))


@hooks.register("insert_global_admin_js")
def vendored_widget_strings():
    return format_html(
        '<script src="{}" data-apply-selection="{}"></script>',
        static("portal/js/admin-strings.js"),
        _("Apply selection"),
    )

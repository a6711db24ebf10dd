from django.urls import path
from wagtail import hooks

from .views import download_case_file, render_case_file_again


@hooks.register("register_admin_urls")
def case_file_urls():
    # Inside /admin/: Wagtail's admin login protects it before the permission check.
    return [
        path("cases/files/<int:pk>/", download_case_file, name="case_file_download"),
        path(
            "cases/files/<int:pk>/erneut/",
            render_case_file_again,
            name="case_file_render_again",
        ),
    ]

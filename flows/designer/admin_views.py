"""The designer in the Wagtail admin ("Prozesse"): drafts edited in panels, published here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .definition import problems
from .diagram import svg_data_url
from .models import ProcessDesign
from .services import publish


def publish_view(request, pk: int):
    """The draft's check, its version history, and the button that publishes it."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    design = get_object_or_404(ProcessDesign, pk=pk)
    if request.method == "POST":
        try:
            version = publish(design=design, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Version %(number)d of “%(name)s” is published; new cases run on it.")
                % {"number": version.number, "name": design.name},
            )
        return redirect("flows_design_publish", pk=design.pk)
    return TemplateResponse(
        request,
        "flows/designer/publish.html",
        {
            "design": design,
            "problems": problems(design.definition()),
            "versions": design.versions.select_related("published_by"),
            "image": svg_data_url(design.definition()),
        },
    )


def admin_urls():
    return [path("prozesse/<int:pk>/veroeffentlichen/", publish_view, name="flows_design_publish")]


class PublishColumn(Column):
    cell_template_name = "flows/designer/publish_cell.html"

    def get_value(self, instance):
        return reverse("flows_design_publish", args=[instance.pk])


class ProcessDesignViewSet(ModelViewSet):
    model = ProcessDesign
    icon = "cogs"
    menu_label = gettext_lazy("Processes")
    menu_order = 64
    add_to_admin_menu = True
    url_prefix = "prozesse"
    list_display = [
        "name",
        "key",
        "office",
        PublishColumn("publish", label=gettext_lazy("Versions")),
    ]
    search_fields = ["name", "key"]
    search_backend_name = None

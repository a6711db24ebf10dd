"""The designer in the Wagtail admin ("Prozesse"): drafts edited in panels, published here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.panels import get_edit_handler
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import (
    CopyView,
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from portal_site.cases.access import can_act_on_case
from portal_site.cases.models import Case
from portal_site.core.admin_columns import yes_no

from .access import designs_for, limit_form_offices, resources_for
from .canvas_views import canvas_view, new_drawing_view, new_fee_view, people_view
from .check import problems
from .diagram import built_in_values, failing_steps, svg_data_url
from .flow import retry
from .models import ProcessDesign, Resource
from .services import changes, history, publish, restore
from .sharing_views import export_view, import_view
from .testrun import end_test_runs, start_test_run, test_cases


def publish_view(request, pk: int):
    """The draft's check, its version history, and the button that publishes it."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    design = get_object_or_404(designs_for(request.user), pk=pk)
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
    draft, latest = design.definition(), design.latest_version()
    found = design.problems()
    return TemplateResponse(
        request,
        "flows/designer/publish.html",
        {
            "design": design,
            "problems": found,
            "history": history(design),
            "draft_changes": changes(latest.definition, draft) if latest else [],
            "latest": latest,
            "image": svg_data_url(draft, failing=failing_steps(draft, found)),
            "test_form": TestRunForm(inputs=draft.get("inputs") or []),
            "test_cases": test_cases(design),
        },
    )


class TestRunForm(forms.Form):
    """Sample values for the draft's inputs (as the form would give them)."""

    def __init__(self, *args, inputs: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for item in inputs:
            self.fields[f"input_{item['name']}"] = forms.CharField(
                label=item["label"], required=bool(item.get("required")), max_length=500
            )

    def values(self) -> dict[str, str]:
        return {
            key.removeprefix("input_"): value
            for key, value in self.cleaned_data.items()
            if value not in ("", None)
        }


@require_POST
def test_run_view(request, pk: int):
    """Start a test run of the draft (the designer's case in the real workspace), or end
    the design's test runs and remove their cases."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    design = get_object_or_404(designs_for(request.user), pk=pk)
    if request.POST.get("action") == "end":
        count = end_test_runs(design=design)
        messages.success(request, _("%(count)d test case(s) removed.") % {"count": count})
        return redirect("flows_design_publish", pk=design.pk)
    form = TestRunForm(request.POST, inputs=design.definition().get("inputs") or [])
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("flows_design_publish", pk=design.pk)
    try:
        case = start_test_run(design=design, actor=request.user, values=form.values())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("flows_design_publish", pk=design.pk)
    messages.success(
        request,
        _("Test case %(number)s started: its tasks are in the workspace.")
        % {"number": case.number},
    )
    return redirect("flows_case", number=case.number)


@require_POST
def preview_view(request, pk: int | None = None):
    """The diagram and the check of the form's current state (nothing is saved)."""
    if pk is None:
        if not request.user.has_perm("flows.add_processdesign"):
            raise PermissionDenied
        design = ProcessDesign()
    else:
        if not request.user.has_perm("flows.change_processdesign"):
            raise PermissionDenied
        design = get_object_or_404(designs_for(request.user), pk=pk)
    form_class = get_edit_handler(ProcessDesign).get_form_class()
    form = form_class(request.POST, instance=design, for_user=request.user)
    form.is_valid()  # fills the instance from the fields that are valid
    draft = form.instance.definition()
    found = problems(draft)
    for field in ("inputs", "steps"):  # a block's own error (e.g. an id with capitals)
        found += [str(e) for e in form.errors.get(field, []) if str(e) not in found]
    image = svg_data_url(draft, failing=failing_steps(draft, found))
    return JsonResponse({"image": image, "problems": found})


@require_POST
def restore_view(request, pk: int, number: int):
    """An old version back as the draft, to check and publish again."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    design = get_object_or_404(designs_for(request.user), pk=pk)
    if not design.published_versions().filter(number=number).exists():
        raise Http404
    restore(design=design, number=number)
    messages.success(
        request,
        _("Version %(number)d is the draft again; publish it to make it the current one.")
        % {"number": number},
    )
    return redirect("flows_design_publish", pk=design.pk)


@require_POST
def retry_view(request, number: str):
    """Run a case that waits after a definition error again (someone fixed the cause)."""
    case = get_object_or_404(Case, number=number)
    if not can_act_on_case(user=request.user, case=case):
        raise PermissionDenied
    if retry(case):
        messages.success(request, _("The process was run again."))
    else:
        messages.error(request, _("This case does not wait for a retry."))
    return redirect("flows_case", number=case.number)


def admin_urls():
    return [
        path("vorgaenge/<str:number>/wiederholen/", retry_view, name="flows_design_retry"),
        path("prozesse/<int:pk>/veroeffentlichen/", publish_view, name="flows_design_publish"),
        path("prozesse/<int:pk>/vorschau/", preview_view, name="flows_design_preview"),
        path("prozesse/<int:pk>/testlauf/", test_run_view, name="flows_design_test_run"),
        path("prozesse/vorschau/", preview_view, name="flows_design_preview_new"),
        path(
            "prozesse/<int:pk>/versionen/<int:number>/wiederherstellen/",
            restore_view,
            name="flows_design_restore",
        ),
        path(
            "prozesse/<int:pk>/export.<str:kind>",
            export_view,
            name="flows_design_export",
        ),
        path("prozesse/importieren/", import_view, name="flows_design_import"),
        path("prozesse/<int:pk>/zeichnen/", canvas_view, name="flows_design_canvas"),
        path("prozesse/neu-zeichnen/", new_drawing_view, name="flows_design_draw_new"),
        path("prozesse/gebuehr-anlegen/", new_fee_view, name="flows_design_new_fee"),
        path("prozesse/personen/", people_view, name="flows_design_people"),
    ]


class PublishColumn(Column):
    cell_template_name = "flows/designer/publish_cell.html"

    def get_value(self, instance):
        return reverse("flows_design_publish", args=[instance.pk])


class DesignIndexView(IndexView):
    def get_base_queryset(self):
        return designs_for(self.request.user)

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("flows.add_processdesign"):
            buttons.append(
                HeaderButton(
                    _("Draw a new process"), url=reverse("flows_design_draw_new"), icon_name="plus"
                )
            )
        return buttons


class OwnOfficesMixin:
    """A view of one record (edit, delete, copy, history, usage, inspect) that finds only
    the records of the user's offices (:meth:`scope`): another office's is not found."""

    def scope(self, user) -> QuerySet[Any]:
        return designs_for(user)

    def get_object(self, *args, **kwargs):
        found = super().get_object(*args, **kwargs)
        record = getattr(found, "pk", None)
        request = self.request
        if record is None or not self.scope(request.user).filter(pk=record).exists():
            raise Http404
        return found


class OwnResourcesMixin(OwnOfficesMixin):
    def scope(self, user) -> QuerySet[Any]:
        return resources_for(user)


def builtin_placeholders() -> list[dict[str, str]]:
    """The values every text of a step may name (the insert menu of the edit form)."""
    return [{"name": name, "label": str(label)} for name, label in built_in_values().items()]


class DesignFormMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        limit_form_offices(form, self.request.user)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["placeholders"] = builtin_placeholders()
        return context

    def form_valid(self, form):
        """A draft saves whatever its state (half-done work can be parked); what keeps it
        from being published is said at once and listed above its panels."""
        response = super().form_valid(form)
        found = problems(self.object.definition())
        if found:
            messages.warning(
                self.request,
                ngettext(
                    "Saved with %(count)s problem; publishing waits until it is solved.",
                    "Saved with %(count)s problems; publishing waits until they are solved.",
                    len(found),
                )
                % {"count": len(found)},
            )
        return response


class DesignCreateView(DesignFormMixin, CreateView):
    """A new draft's panels, with the diagram of what is being entered above them."""

    template_name = "flows/designer/create.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview_url"] = reverse("flows_design_preview_new")
        context["problems"] = [_("The process has no steps.")]
        return context


class DesignEditView(OwnOfficesMixin, DesignFormMixin, EditView):
    """The draft's panels, with its diagram above them, redrawn while editing."""

    template_name = "flows/designer/edit.html"

    def get_queryset(self):
        return designs_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draft = self.object.definition()
        context["problems"] = self.object.problems()
        context["canvas_url"] = reverse("flows_design_canvas", args=[self.object.pk])
        context["diagram"] = svg_data_url(draft, failing=failing_steps(draft, context["problems"]))
        context["preview_url"] = reverse("flows_design_preview", args=[self.object.pk])
        return context


class DesignDeleteView(OwnOfficesMixin, DeleteView):
    """A published design stays: running cases and their history point to its versions."""

    def get_queryset(self):
        return designs_for(self.request.user)

    def form_valid(self, form):
        end_test_runs(design=self.object)
        if self.object.published_versions().exists():
            messages.error(
                self.request,
                _("“%(name)s” has published versions and cannot be deleted.")
                % {"name": self.object.name},
            )
            return redirect(self.get_success_url())
        return super().form_valid(form)


class DesignCopyView(OwnOfficesMixin, DesignFormMixin, CopyView):
    pass


class DesignHistoryView(OwnOfficesMixin, HistoryView):
    pass


class DesignUsageView(OwnOfficesMixin, UsageView):
    pass


class DesignInspectView(OwnOfficesMixin, InspectView):
    pass


class ProcessDesignViewSet(ModelViewSet):
    model = ProcessDesign
    index_view_class = DesignIndexView
    add_view_class = DesignCreateView
    edit_view_class = DesignEditView
    delete_view_class = DesignDeleteView
    copy_view_class = DesignCopyView
    history_view_class = DesignHistoryView
    usage_view_class = DesignUsageView
    inspect_view_class = DesignInspectView
    icon = "cogs"
    menu_label = gettext_lazy("Processes")
    url_prefix = "prozesse"
    list_display = [
        "name",
        "key",
        "office",
        PublishColumn("publish", label=gettext_lazy("Versions")),
    ]
    search_fields = ["name", "key"]
    search_backend_name = None


class ResourceIndexView(IndexView):
    def get_base_queryset(self):
        return resources_for(self.request.user)


class ResourceOfficeMixin(DesignFormMixin):
    """A resource's form: a designer's resource belongs to one of their offices."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)  # the office's choices: theirs only
        if not self.request.user.is_superuser and "office" in form.fields:
            form.fields["office"].required = True
        return form


class ResourceFormMixin(OwnResourcesMixin, ResourceOfficeMixin):
    pass


class ResourceCreateView(ResourceOfficeMixin, CreateView):
    pass


class ResourceEditView(ResourceFormMixin, EditView):
    pass


class ResourceDeleteView(OwnResourcesMixin, DeleteView):
    pass


class ResourceCopyView(ResourceFormMixin, CopyView):
    pass


class ResourceHistoryView(OwnResourcesMixin, HistoryView):
    pass


class ResourceUsageView(OwnResourcesMixin, UsageView):
    pass


class ResourceInspectView(OwnResourcesMixin, InspectView):
    pass


class ResourceViewSet(ModelViewSet):
    """The catalogue of bookable resources (rooms, vehicles, seats) reservations draw on;
    a designer manages those of their offices."""

    model = Resource
    index_view_class = ResourceIndexView
    add_view_class = ResourceCreateView
    edit_view_class = ResourceEditView
    delete_view_class = ResourceDeleteView
    copy_view_class = ResourceCopyView
    history_view_class = ResourceHistoryView
    usage_view_class = ResourceUsageView
    inspect_view_class = ResourceInspectView
    icon = "home"
    menu_label = gettext_lazy("Bookable resources")
    url_prefix = "ressourcen"
    list_display = ["name", "kind", "capacity", "location", "office", yes_no("active", Resource)]
    list_filter = ["kind", "active"]
    search_fields = ["name", "location"]
    search_backend_name = None
    exclude_form_fields: list[str] = []

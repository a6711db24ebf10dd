import re

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from portal_site.cases.models import Case
from portal_site.core.read_only import ReadOnlyPermissionPolicy
from portal_site.documents.csv_safety import SafeSpreadsheetExportMixin

from . import selectors, views


@hooks.register("register_admin_urls")
def workspace_urls():
    return [
        path("aufgaben/", views.task_inbox, name="flows_task_inbox"),
        path("aufgaben/sammelaktion/", views.bulk, name="flows_task_bulk"),
        path("aufgaben/hinweise-gelesen/", views.notices_read, name="flows_notices_read"),
        path("aufgaben/<int:task_id>/", views.task_detail, name="flows_task"),
        path("aufgaben/<int:task_id>/uebernehmen/", views.claim, name="flows_task_claim"),
        path("aufgaben/<int:task_id>/freigeben/", views.release, name="flows_task_release"),
        path("aufgaben/<int:task_id>/zuweisen/", views.reassign, name="flows_task_reassign"),
        path("vorgaenge/<str:number>/", views.case_detail, name="flows_case"),
        path("vertretung/", views.substitutions, name="flows_substitutions"),
        path("auswertung/", views.case_statistics, name="flows_case_statistics"),
    ]


class CaseWorkMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("cases.view_case")


class TasksMenuItem(CaseWorkMenuItem):
    """ "My tasks", with the number of tasks that arrived since the user last looked."""

    def render_component(self, request):
        from django.utils.translation import gettext

        from .notices import unread_notices

        component = super().render_component(request)
        count = unread_notices(user=request.user).count()
        if count:
            component.label = gettext("%(label)s (%(count)d new)") % {
                "label": component.label,
                "count": count,
            }
        return component


@hooks.register("register_admin_menu_item")
def tasks_menu_item():
    return TasksMenuItem(_("My tasks"), reverse("flows_task_inbox"), icon_name="tasks", order=50)


@hooks.register("register_admin_menu_item")
def substitutions_menu_item():
    return CaseWorkMenuItem(
        _("Absence and deputy"), reverse("flows_substitutions"), icon_name="user", order=52
    )


@hooks.register("register_admin_menu_item")
def statistics_menu_item():
    return CaseWorkMenuItem(
        _("Case statistics"), reverse("flows_case_statistics"), icon_name="view", order=61
    )


class TaskCountsPanel(Component):
    name = "task_counts"
    order = 50
    template_name = "flows/panels/task_counts.html"

    def get_context_data(self, parent_context):
        from .notices import unread_notices
        from .step_titles import step_title

        user = parent_context["request"].user
        notices = list(unread_notices(user=user).select_related("task__process")[:10])
        cases = selectors.cases_for_tasks(n.task.process.artifact_object_id for n in notices)
        return {
            "notices": [
                {
                    "url": reverse("flows_task", args=[notice.task_id]),
                    "task": step_title(notice.task),
                    "case": cases.get(notice.task.process.artifact_object_id or 0),
                    "at": notice.created_at,
                }
                for notice in notices
            ],
            "can_see_statistics": user.has_perm("cases.view_case"),
            "mine": selectors.my_tasks(user=user).count(),
            "queue": selectors.queue_tasks(user=user).count(),
            "overdue": selectors.overdue_count(user=user),
        }


@hooks.register("construct_homepage_panels")
def add_task_counts(request, panels):
    if request.user.has_perm("cases.view_case"):
        panels.insert(0, TaskCountsPanel())


case_link = TitleColumn(
    "number",
    label=_("Case number"),
    get_url=lambda case: reverse("flows_case", args=[case.number]),
)


status_column = Column("status_label", label=_("Status"), sort_key="status")


CASE_NUMBER = re.compile(r"\d{2}\.\d{4,}")


class CaseIndexView(SafeSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        return selectors.visible_cases(user=self.request.user)

    def search_queryset(self, queryset):
        # A whole case number ("26.0009") is looked up on its unique index.
        query = (self.search_query or "").strip() if self.is_searching else ""
        if CASE_NUMBER.fullmatch(query):
            return queryset.filter(number=query)
        return super().search_queryset(queryset)


class CaseViewSet(ModelViewSet):
    """All cases the user may see, with search and filters."""

    model = Case
    name = "cases"
    url_prefix = "vorgangsliste"
    icon = "folder-open-inverse"
    menu_label = _("Cases")
    add_to_admin_menu = True
    menu_order = 60
    list_display = [case_link, "title", "applicant_name", status_column, "office", "received_at"]
    list_filter = ["status", "process_key", "office", "channel", "received_at"]
    search_fields = ["number", "applicant_name", "title"]
    search_backend_name = None
    list_export = ["number", "title", "status", "channel", "office", "received_at", "due_date"]
    export_filename = "vorgaenge"
    exclude_form_fields: list[str] = []

    index_view_class = CaseIndexView


@hooks.register("register_admin_viewset")
def register_cases():
    return CaseViewSet()


register_permission_policy(Case, ReadOnlyPermissionPolicy(Case))


@hooks.register("register_admin_urls")
def training_urls():
    from .training.catalogue import admin_urls

    return admin_urls()


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    from .training.catalogue import TrainingGroup

    return TrainingGroup()


@hooks.register("register_admin_menu_item")
def training_statistics_menu_item():
    from .training.catalogue import statistics_menu_item

    return statistics_menu_item()


@hooks.register("register_admin_viewset")
def register_process_designer():
    from .designer.library_views import ProcessesGroup

    return ProcessesGroup()


@hooks.register("register_admin_urls")
def process_designer_urls():
    from .designer.admin_views import admin_urls

    return admin_urls()

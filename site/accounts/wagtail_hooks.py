from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.account import BaseSettingsPanel, notifications_tab
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Employee, OrgUnit, User


class OrgUnitViewSet(SnippetViewSet):
    model = OrgUnit
    icon = "group"
    menu_label = _("Org units")
    list_display = ["name", "short_name", "kind", "parent", "lead", "deputy"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class EmployeeViewSet(SnippetViewSet):
    model = Employee
    icon = "user"
    menu_label = _("Employee directory")
    list_display = ["personnel_number", "last_name", "first_name", "org_unit", "supervisor"]
    list_filter = ["org_unit", "is_active"]
    search_fields = ["personnel_number", "last_name", "first_name"]


class OrganisationGroup(SnippetViewSetGroup):
    items = (OrgUnitViewSet, EmployeeViewSet)
    menu_icon = "group"
    menu_label = _("Organisation")
    menu_name = "organisation"


register_snippet(OrganisationGroup)


class TaskNotificationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["task_mail", "task_notice"]
        widgets = {"task_mail": forms.RadioSelect}


class TaskNotificationPanel(BaseSettingsPanel):
    """Staff choose how they hear of arriving tasks (see flows.notices)."""

    name = "task_notifications"
    title = _("Tasks")
    tab = notifications_tab
    order = 50
    form_class = TaskNotificationForm

    def is_active(self):
        return self.user.has_perm("cases.view_case")


@hooks.register("register_account_settings_panel")
def task_notification_panel(request, user, profile):
    return TaskNotificationPanel(request, user, profile)

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Employee, OrgUnit


class OrgUnitViewSet(SnippetViewSet):
    model = OrgUnit
    icon = "group"
    menu_label = _("Org units")
    list_display = ["name", "short_name", "kind", "parent", "lead"]
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

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .catalogues import ApplicantOrganisation, Catalogue


class CatalogueViewSet(SnippetViewSet):
    model = Catalogue
    icon = "list-ul"
    menu_label = _("Catalogues")
    list_display = ["name", "updated_at"]
    search_fields = ["name"]


class ApplicantOrganisationViewSet(SnippetViewSet):
    model = ApplicantOrganisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "kind", "email"]
    search_fields = ["name"]


class PortalViewSetGroup(SnippetViewSetGroup):
    items = (CatalogueViewSet, ApplicantOrganisationViewSet)
    menu_icon = "form"
    menu_label = _("Online forms")
    menu_name = "online-forms"


register_snippet(PortalViewSetGroup)

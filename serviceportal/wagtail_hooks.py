from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal_site.cases import access

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


@hooks.register("filter_form_submissions_for_user")
def submissions_only_for_the_responsible_office(user, editable_forms):
    """Applicants' answers are personal data: the editor who builds a form never reads them.

    Wagtail offers a form's submissions to whoever may edit the page; the access
    policy gives them instead to the staff of the form's responsible office (and
    the units above it) and to administrators.
    """
    from wagtail.models import Page

    from .form_pages import ServiceFormPage

    offices = access.submission_office_ids(user=user)
    if offices is None:
        return editable_forms
    form_ids = ServiceFormPage.objects.filter(office_id__in=offices).values("pk")
    return Page.objects.filter(pk__in=form_ids)


@hooks.register("insert_editor_js")
def german_page_slugs():
    return format_html('<script src="{}"></script>', static("serviceportal/js/german-slugs.js"))

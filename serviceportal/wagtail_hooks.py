from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
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


@hooks.register("insert_editor_js")
def form_builder():
    """Per field type only its options, and a picker for conditions (form-builder.js)."""
    from django.utils.html import json_script
    from django.utils.translation import gettext

    from .form_definition import FIELD_OPTIONS

    texts = {
        "always": gettext("— always shown —"),
        "values": gettext("has one of the values"),
        "unknown": gettext("no such field in an earlier step"),
        "yes": "ja",
        "no": "nein",
    }
    return format_html(
        '{}{}<script src="{}"></script>',
        json_script(
            {key: sorted(types) for key, types in FIELD_OPTIONS.items()}, "form-field-options"
        ),
        json_script(texts, "form-builder-texts"),
        static("serviceportal/js/form-builder.js"),
    )


@hooks.register("after_publish_page")
def warn_about_a_form_nobody_links_to(request, page):
    from django.contrib import messages
    from django.utils.translation import gettext

    from .form_links import is_linked
    from .form_pages import ServiceFormPage

    if isinstance(page.specific, ServiceFormPage) and not is_linked(page):
        messages.warning(
            request,
            gettext(
                "The form “%(title)s” is published, but no page links to it yet, so "
                "citizens will not find it. Link it from a service page (“Online application”) "
                "or from a page's text."
            )
            % {"title": page.title},
        )


class UnlinkedFormsPanel(Component):
    name = "unlinked_forms"
    order = 60
    template_name = "serviceportal/panels/unlinked_forms.html"

    def __init__(self, forms):
        self.forms = forms

    def get_context_data(self, parent_context):
        return {"forms": self.forms}


@hooks.register("construct_homepage_panels")
def unlinked_forms_panel(request, panels):
    from wagtail.permission_policies.pages import PagePermissionPolicy

    from .form_links import unlinked_forms

    if PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change", "publish"]):
        forms = list(unlinked_forms()[:20])
        if forms:
            panels.append(UnlinkedFormsPanel(forms))


@hooks.register("construct_main_menu")
def one_menu_for_forms(request, menu_items):
    """Wagtail's "Formulare" (the submissions) joins the portal's form menu (catalogues,
    organisations): editors find everything about online forms in one place."""
    from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

    submissions = next((item for item in menu_items if item.name == "forms"), None)
    group = next((item for item in menu_items if item.name == "online-forms"), None)
    if submissions is None or group is None:
        return
    merged = SubmenuMenuItem(
        group.label,
        Menu(
            items=[
                MenuItem(
                    gettext_lazy("Submissions"),
                    submissions.url,
                    name="submissions",
                    icon_name="form",
                    order=0,
                ),
                *group.menu.menu_items_for_request(request),
            ]
        ),
        name=group.name,
        icon_name=group.icon_name,
        order=group.order,
    )
    menu_items[menu_items.index(group)] = merged
    menu_items.remove(submissions)


@hooks.register("before_publish_page")
def forms_are_published_with_their_service(request, page):
    """A form without a catalogue entry stays a draft (service_catalogue.py)."""
    from .service_catalogue import refuse_unlisted_form

    return refuse_unlisted_form(request, page)

"""The process library (civento's *Prozessbibliothek*): the designs this portal ships,
each with its diagram, and "use as a template", which makes an own draft of one for an
office the designer composes processes for (admin: *Prozesse → Prozessbibliothek*)."""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from portal_site.accounts.models import OrgUnit

from .access import design_office_ids, limit_form_offices
from .admin_views import ProcessDesignViewSet, ResourceViewSet
from .diagram import svg_data_url
from .flow import DIAGRAM_SECONDS
from .models import ProcessDesign
from .sharing import LIBRARY, free_key, import_design


def shipped() -> dict[str, dict]:
    """The shipped designs by key (``flows/designer/library/*.json``)."""
    designs = {}
    for file in sorted(LIBRARY.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        designs[data["key"]] = data
    return designs


class TemplateForm(forms.Form):
    office = forms.ModelChoiceField(
        label=gettext_lazy("For the office"), queryset=OrgUnit.objects.all()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_offices(self, user)


def _may_design(request) -> None:
    if not request.user.has_perm("flows.add_processdesign"):
        raise PermissionDenied


def _diagram(key: str, definition: dict) -> str:
    """A shipped design's drawing, made once per content and language (Graphviz runs a
    process; the library page lists every design)."""
    content = json.dumps(definition, sort_keys=True, ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()[:16]
    drawn = cache.get_or_set(
        f"designer-library-diagram:{key}:{digest}:{get_language()}",
        lambda: svg_data_url(definition),
        timeout=DIAGRAM_SECONDS,
    )
    return str(drawn or "")


def library_view(request):
    _may_design(request)
    entries = []
    for key, data in shipped().items():
        definition = {"inputs": data.get("inputs") or [], "steps": data["steps"]}
        office = OrgUnit.objects.filter(short_name=data.get("office", "")).first()
        entries.append(
            {
                "key": key,
                "name": data["name"],
                "description": data.get("description", ""),
                "office": office,
                "steps": len(data["steps"]),
                "diagram": _diagram(key, definition),
                "form": TemplateForm(user=request.user, prefix=key),
                "own": ProcessDesign.objects.filter(key=key).first(),
            }
        )
    return TemplateResponse(request, "flows/designer/library.html", {"entries": entries})


def use_template_view(request, key: str):
    """A copy of a shipped design as a new draft of the chosen office, under a free key."""
    _may_design(request)
    if request.method != "POST":
        return redirect("prozessbibliothek:index")
    data = shipped().get(key)
    if data is None:
        raise Http404
    form = TemplateForm(request.POST, user=request.user, prefix=key)
    if not form.is_valid():
        messages.error(request, _("Choose one of your offices."))
        return redirect("prozessbibliothek:index")
    office = form.cleaned_data["office"]
    new_key = free_key(f"{data['key']}-{office.short_name}", fallback=data["key"])
    copy = {**data, "key": new_key, "office": office.short_name}
    copy["name"] = f"{data['name']} ({office.short_name})"[:200]
    office_ids = None if request.user.is_superuser else design_office_ids(request.user)
    try:
        design = import_design(copy, office_ids=office_ids)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("prozessbibliothek:index")
    messages.success(
        request,
        _("“%(name)s” is now your draft; adapt it and publish it.") % {"name": design.name},
    )
    return redirect("flows_processdesign:edit", design.pk)


class LibraryMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("flows.add_processdesign")


class LibraryViewSet(ViewSet):
    name = "prozessbibliothek"
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Process library")
    menu_item_class = LibraryMenuItem

    def get_urlpatterns(self):
        return [
            path("", library_view, name="index"),
            path("<slug:key>/verwenden/", use_template_view, name="use"),
        ]


class ProcessesGroup(ViewSetGroup):
    """The admin's *Prozesse* menu: the designs, the library, the bookable resources."""

    menu_label = gettext_lazy("Processes")
    menu_icon = "cogs"
    menu_order = 64
    items = (
        ProcessDesignViewSet("flows_processdesign"),
        LibraryViewSet(),
        ResourceViewSet("flows_resource"),
    )

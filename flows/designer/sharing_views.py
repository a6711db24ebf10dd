"""Sharing a design from the admin: its export (JSON, BPMN 2.0) and the import of a
JSON export or a BPMN file of any modelling tool as a draft (``/admin/prozesse/
importieren/``; the reading is :mod:`.sharing` and :mod:`.bpmn_import`)."""

from __future__ import annotations

import base64
import json
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.accounts.models import OrgUnit

from .access import design_office_ids, designs_for, limit_form_offices
from .bpmn import BpmnError, export_bpmn
from .bpmn_import import ChoosePool, import_bpmn
from .models import ProcessDesign
from .sharing import export_design, import_bpmn_draft, import_design, lane_assignment


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_view(request, pk: int, kind: str):
    """The draft as JSON (with its texts) or as BPMN 2.0 XML, to share with other cities."""
    if not request.user.has_perm("flows.view_processdesign"):
        raise PermissionDenied
    if kind not in ("json", "bpmn"):
        raise Http404
    design = get_object_or_404(designs_for(request.user), pk=pk)
    if kind == "json":
        content = json.dumps(export_design(design), ensure_ascii=False, indent=2).encode()
        return _download(content, f"prozess-{design.key}.json", "application/json")
    content = export_bpmn(key=design.key, name=design.name, definition=design.definition())
    return _download(content, f"prozess-{design.key}.bpmn", "application/xml")


class ImportForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_offices(self, user)

    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy("A process exported as JSON, or a BPMN 2.0 file (.bpmn, .xml)."),
    )
    office = forms.ModelChoiceField(
        label=gettext_lazy("Responsible office (for a BPMN file)"),
        queryset=OrgUnit.objects.all(),
        required=False,
    )
    # A file with several pools: the file comes back with the chosen pool.
    pool = forms.CharField(
        label=gettext_lazy("Pool to import"), required=False, widget=forms.Select
    )
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    def content(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(_("The file is larger than 2 MB."))
            return upload.read()
        try:
            content = base64.b64decode(self.cleaned_data.get("kept") or "", validate=True)
        except ValueError:
            content = b""
        if not content or len(content) > MAX_IMPORT_BYTES:
            raise ValidationError(_("Choose a file."))
        return content

    def ask_for_pool(self, content: bytes, choice: ChoosePool) -> None:
        """Show the pools of ``content``; the next post brings it back with one chosen."""
        field = self.fields["pool"]
        field.widget.choices = [(p.id, f"{p.name} ({p.size})") for p in choice.pools]
        field.help_text = _("The others are not imported; import them one by one.")
        data = cast(QueryDict, self.data).copy()
        data["kept"] = base64.b64encode(content).decode()
        self.data = data
        self.add_error("pool", str(choice))


MAX_IMPORT_BYTES = 2 * 1024 * 1024


def import_view(request):
    """A shared process becomes a draft here: JSON whole, BPMN as a draft to complete."""
    if not request.user.has_perm("flows.add_processdesign"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        content = b""
        try:
            content = form.content()
            # refused before anything is written: another office's file or key
            design, notes = _import(
                content,
                office=form.cleaned_data["office"],
                office_ids=None if request.user.is_superuser else design_office_ids(request.user),
                pool=form.cleaned_data.get("pool") or "",
            )
        except ChoosePool as choice:
            form.ask_for_pool(content, choice)
        except (ValidationError, BpmnError) as error:
            for message in getattr(error, "messages", [str(error)]):
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("“%(name)s” is imported as a draft; check it and publish it.")
                % {"name": design.name},
            )
            for note in notes:
                messages.warning(request, note)
            return redirect("flows_design_publish", pk=design.pk)
    return TemplateResponse(request, "flows/designer/import.html", {"form": form})


def _import(
    content: bytes, *, office: OrgUnit | None, office_ids: set[int] | None, pool: str = ""
) -> tuple[ProcessDesign, list[str]]:
    text = content.lstrip()
    if text.startswith(b"{"):
        try:
            data = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:  # nested too deep
            raise ValidationError(_("The file is not readable JSON.")) from error
        if not isinstance(data, dict):
            raise ValidationError(_("This file is not a process definition of this portal."))
        return import_design(data, office_ids=office_ids), []
    if office is None:
        raise ValidationError(_("Choose the responsible office for a BPMN file."))
    if office_ids is not None and office.pk not in office_ids:
        raise ValidationError(_("You may only import processes of your own office."))
    data = import_bpmn(content, pool=pool, who=lambda lane: lane_assignment(lane, office))
    return import_bpmn_draft(data, office=office), data["notes"]

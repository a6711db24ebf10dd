"""The canvas page of a draft (``/admin/prozesse/<pk>/zeichnen/``): bpmn-js with the
properties panel; the page's script is ``flows/static/flows/designer-canvas.js``, what it
loads and saves is :mod:`.canvas`."""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from portal_site.accounts.models import OrgUnit, User
from shop.models import Fee

from .access import designs_for, limit_offices
from .blocks import fee_choices
from .bpmn import BpmnError
from .canvas import canvas_state, form_inputs, panel_schema, save_canvas
from .diagram import built_in_values
from .kinds import all_kinds
from .models import ProcessDesign
from .sharing import free_key


class NewDrawingForm(forms.Form):
    """A new draft to draw: its name and office (the key is made from the name)."""

    name = forms.CharField(label=gettext_lazy("Name of the process"), max_length=200)
    office = forms.ModelChoiceField(
        label=gettext_lazy("Responsible office"), queryset=OrgUnit.objects.order_by("name")
    )


def new_drawing_view(request):
    """A new, empty draft opened on the canvas (``/admin/prozesse/neu-zeichnen/``)."""
    if not request.user.has_perm("flows.add_processdesign"):
        raise PermissionDenied
    form = NewDrawingForm(request.POST or None)
    limit_offices(form.fields["office"], request.user)
    offices = cast(forms.ModelChoiceField, form.fields["office"]).queryset
    if len(offices) == 1:
        form.fields["office"].initial = offices[0].pk
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        design = ProcessDesign.objects.create(
            key=free_key(name, fallback="prozess"), name=name, office=form.cleaned_data["office"]
        )
        log(instance=design, action="wagtail.create", user=request.user)
        return redirect("flows_design_canvas", pk=design.pk)
    return TemplateResponse(request, "flows/designer/new_drawing.html", {"form": form})


def _json_body(request) -> dict | None:
    """The request's JSON object (None: not JSON, or no object)."""
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class NewFeeForm(forms.ModelForm):
    class Meta:
        model = Fee
        fields = ["booking_key", "name", "amount"]


@require_POST
def new_fee_view(request):
    """A fee created in place from the canvas's fee lines (JSON in, the new choice out)."""
    if not (
        request.user.has_perm("flows.change_processdesign")
        and request.user.has_perm("shop.add_fee")
    ):
        raise PermissionDenied
    data = _json_body(request)
    if data is None:
        return JsonResponse(
            {"errors": [_("The diagram could not be read; reload the page.")]}, status=400
        )
    form = NewFeeForm({k: str(data.get(k) or "") for k in ("booking_key", "name", "amount")})
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {' '.join(messages)}"
            for name, messages in form.errors.items()
            if name in form.fields
        ]
        return JsonResponse({"errors": errors or [_("The fee could not be created.")]}, status=400)
    fee = form.save(commit=False)
    fee.description = fee.name
    fee.save()
    log(instance=fee, action="wagtail.create", user=request.user)
    label = dict(fee_choices())[fee.booking_key]
    return JsonResponse({"value": fee.booking_key, "label": label})


def canvas_view(request, pk: int):
    """GET: the canvas page; POST (JSON): save the drawing as the draft."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    design = get_object_or_404(designs_for(request.user), pk=pk)
    if request.method == "POST":
        payload = _json_body(request)
        if payload is None:
            unreadable = _("The diagram could not be read; reload the page.")
            return JsonResponse({"errors": [unreadable]}, status=400)
        try:
            state = save_canvas(design, payload)
        except BpmnError as error:
            return JsonResponse({"errors": [str(error)]}, status=400)
        log(instance=design, action="wagtail.edit", user=request.user)
        return JsonResponse({"saved": True, **state})
    if request.method != "GET":
        return JsonResponse({"errors": [_("Method not allowed.")]}, status=405)
    return TemplateResponse(
        request,
        "flows/designer/canvas.html",
        {
            "design": design,
            "state": canvas_state(design),
            "schema": {
                **panel_schema(),
                "canAddFee": request.user.has_perm("shop.add_fee"),
            },
            "texts": canvas_texts(),
            "forms": form_inputs(),
            "placeholders": placeholders(),
            "edit_url": reverse("flows_processdesign:edit", args=[design.pk]),
            "publish_url": reverse("flows_design_publish", args=[design.pk]),
        },
    )


def canvas_texts() -> dict[str, str]:
    """The page script's words, translated (read by designer-canvas.js)."""
    return {
        "task": _("Task"),
        "branch": _("Branch"),
        "parallel": _("Parallel"),
        "email": _("E-mail"),
        "document": _("Document"),
        "fee": _("Fee"),
        "reserve": _("Reservation"),
        "wait": _("Wait"),
        "status": _("Set status"),
        "end": _("End"),
        "start": _("Start: the application arrives"),
        "join": _("Join: goes on when the parallel tasks are decided"),
        "connect": _("Draw an arrow"),
        "remove": _("Delete"),
        "append": _("Append"),
        "add": _("Add"),
        "removeItem": _("Remove"),
        "none": _("Nothing selected: click a step or an arrow to see its settings."),
        "arrow": _("Arrow"),
        "plainArrow": _(
            "This arrow leads to the next step; only arrows leaving a branch carry a condition."
        ),
        "otherwise": _("Otherwise (when no condition holds)"),
        "insert": _("Insert a placeholder …"),
        "pick": _("Choose …"),
        "decisionOf": _("Decision of"),
        "saving": _("Saving …"),
        "saved": _("Saved."),
        "savedWithProblems": _("Saved; publishing waits until the check finds nothing."),
        "fine": _("The draft passes the check."),
        "failed": _("Not saved:"),
        "unsaved": _("The drawing has changes that are not saved."),
        "inputs": _("What the application brings (the process's inputs)"),
        "fromForm": _("Take the inputs from a form …"),
        "exitNormal": _("The way on when it went well"),
        "days": _("days"),
        "exitTitle": _("Which way is this arrow?"),
        "newFee": _("New fee …"),
        "newFeeKey": _("Booking key"),
        "newFeeName": _("Name"),
        "newFeeAmount": _("Amount (€)"),
        "newFeeCreate": _("Create the fee"),
        "networkError": _("The server could not be reached; nothing is lost, try again."),
    }


def people_view(request):
    """The person picker's search (``?q=`` part of a name or login): at most 20 active staff,
    login and name with office, as JSON."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    query = " ".join(str(request.GET.get("q") or "").split())[:100]
    if len(query) < 2:
        return JsonResponse({"people": []})
    users = User.objects.filter(is_active=True, org_unit__isnull=False).select_related("org_unit")
    for word in query.split(" ")[:4]:
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    found = users.order_by("last_name", "first_name", "username")[:20]
    return JsonResponse(
        {
            "people": [
                [user.username, f"{user.get_full_name() or user.username} ({user.org_unit})"]
                for user in found
            ]
        }
    )


def placeholders() -> list[dict[str, str]]:
    """The built-in placeholders for the insert menus; ``after``: the kind of step that
    must come first (the menu offers them only after such a step)."""
    after = {name: kind.name for kind in all_kinds() for name in kind.provides}
    return [
        {"name": name, "label": str(label), "after": after.get(name, "")}
        for name, label in built_in_values().items()
    ]

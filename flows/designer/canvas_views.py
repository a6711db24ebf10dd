"""The canvas page of a draft (``/admin/prozesse/<pk>/zeichnen/``): bpmn-js with the
properties panel; the page's script is ``flows/static/flows/designer-canvas.js``, what it
loads and saves is :mod:`.canvas`."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .access import designs_for
from .bpmn import BpmnError
from .canvas import canvas_state, form_inputs, panel_schema, save_canvas
from .diagram import built_in_values


def canvas_view(request, pk: int):
    """GET: the canvas page; POST (JSON): save the drawing as the draft."""
    if not request.user.has_perm("flows.change_processdesign"):
        raise PermissionDenied
    design = get_object_or_404(designs_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            payload = None
        if not isinstance(payload, dict):
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
            "schema": panel_schema(),
            "texts": canvas_texts(),
            "forms": form_inputs(),
            "placeholders": [
                {"name": name, "label": str(label)} for name, label in built_in_values().items()
            ],
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
        "exitUnpaid": _("The way after a Storno (not paid in time)"),
        "exitRefused": _("The way when the resource is not available"),
        "exitTitle": _("Which way is this arrow?"),
        "networkError": _("The server could not be reached; nothing is lost, try again."),
    }

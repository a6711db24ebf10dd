"""Administrators' view of failed background tasks, with a retry button."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import background


def _administrators_only(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def failed_tasks(request):
    _administrators_only(request)
    return TemplateResponse(
        request,
        "core/failed_tasks.html",
        {"tasks": background.failed_tasks(), "rq": background.uses_rq()},
    )


@require_POST
def retry_task(request, task_id: str):
    _administrators_only(request)
    if not background.retry_task(task_id):
        raise Http404
    messages.success(request, _("The task is queued again."))
    return redirect("core_failed_tasks")

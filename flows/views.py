"""Thin views of the staff workspace inside the Wagtail admin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from portal_site.cases.models import Case

from . import selectors, workspace


def task_inbox(request):
    mine = list(selectors.my_tasks(user=request.user))
    queue = list(selectors.queue_tasks(user=request.user))
    cases = selectors.cases_for_tasks(mine + queue)
    return TemplateResponse(
        request,
        "flows/task_inbox.html",
        {
            "mine": [(task, cases.get(task.process.data.get("case_id"))) for task in mine],
            "queue": [(task, cases.get(task.process.data.get("case_id"))) for task in queue],
        },
    )


@require_POST
def claim(request, task_id: int):
    try:
        workspace.claim_task(task_id=task_id, user=request.user)
    except workspace.TaskNotAvailable as exc:
        messages.error(request, str(exc))
        return redirect("flows_task_inbox")
    messages.success(request, _("You have taken the task."))
    return redirect("flows_task", task_id=task_id)


@require_POST
def release(request, task_id: int):
    try:
        workspace.release_task(task_id=task_id, user=request.user)
    except workspace.TaskNotAvailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task is back in the queue."))
    return redirect("flows_task_inbox")


class AnswerForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    message = forms.CharField(
        label=gettext_lazy("Answer to the applicant"), widget=forms.Textarea(attrs={"rows": 8})
    )


def task_detail(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("process", "owner"), pk=task_id)
    case = get_object_or_404(Case, pk=task.process.data.get("case_id"))
    if not selectors.can_see_case(user=request.user, case=case):
        raise PermissionDenied
    initial = {"subject": _("Your request %(number)s") % {"number": case.number}}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workspace.answer_and_close(task_id=task.pk, user=request.user, **form.cleaned_data)
        except workspace.TaskNotAvailable as exc:
            messages.error(request, str(exc))
            return redirect("flows_task_inbox")
        messages.success(
            request,
            _("The answer was sent and case %(number)s is closed.") % {"number": case.number},
        )
        return redirect("flows_case", number=case.number)
    return TemplateResponse(
        request,
        "flows/task_detail.html",
        {
            "task": task,
            "case": case,
            "form": form,
            "is_mine": task.owner_id == request.user.pk,
        },
    )


def case_detail(request, number: str):
    case = get_object_or_404(Case.objects.select_related("office"), number=number)
    if not selectors.can_see_case(user=request.user, case=case):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "flows/case_detail.html",
        {
            "case": case,
            "timeline": case.timeline.select_related("actor"),
            "files": case.files.all(),
            "open_task": selectors.open_task_for_case(case=case),
        },
    )

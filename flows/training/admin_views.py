"""HR development's pages in the Wagtail admin: participants, documents, statistics."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Course, Participation
from . import documents, flow, services


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def course_participants(request, pk: int):
    _require(request, "flows.view_participation")
    course = get_object_or_404(Course, pk=pk)
    participations = course.participations.select_related("case").order_by("status", "last_name")
    return TemplateResponse(
        request,
        "flows/training/participants.html",
        {
            "course": course,
            "participations": participations,
            "taken": services.confirmed_count(course),
            "waiting": course.participations.filter(status=Participation.Status.WAITING).order_by(
                "waiting_since", "pk"
            ),
        },
    )


def course_document(request, pk: int, kind: str):
    _require(request, "flows.view_participation")
    course = get_object_or_404(Course, pk=pk)
    if kind == "tischkarten":
        pdf, name = documents.table_cards_pdf(course), "Tischkarten"
    else:
        pdf, name = documents.attendance_list_pdf(course), "Anwesenheitsliste"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{course.code}.pdf"'
    return response


def withdraw(request, pk: int):
    """Withdraw a participant after a confirmation page (GET asks, POST does it)."""
    _require(request, "flows.change_participation")
    participation = get_object_or_404(Participation.objects.select_related("course", "case"), pk=pk)
    if request.method != "POST":
        return TemplateResponse(
            request, "flows/training/withdraw_confirm.html", {"participation": participation}
        )
    try:
        following = flow.cancel_participation(participation=participation, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        message = _("%(name)s has withdrawn and has been told.") % {"name": participation.full_name}
        if following is not None:
            message += " " + _("%(name)s moves up from the waiting list and has been told.") % {
                "name": following.full_name
            }
        messages.success(request, message)
    return redirect("flows_course_participants", pk=participation.course_id)


class PeriodForm(forms.Form):
    period_from = forms.DateField(
        label=gettext_lazy("Courses from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label=gettext_lazy("to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return data


def default_period() -> tuple:
    """This year if it has courses, else the calendar years the programme's courses span."""
    today = timezone.localdate()
    this_year = (today.replace(month=1, day=1), today.replace(month=12, day=31))
    if Course.objects.filter(starts_on__year=today.year).exists():
        return this_year
    span = Course.objects.aggregate(first=Min("starts_on"), last=Max("ends_on"))
    if span["first"] is None:
        return this_year
    last = span["last"] or span["first"]
    return (span["first"].replace(month=1, day=1), last.replace(month=12, day=31))


def training_statistics(request):
    _require(request, "flows.view_participation")
    period_from, period_to = default_period()
    form = PeriodForm(
        request.GET or None,
        initial={"period_from": period_from, "period_to": period_to},
    )
    if request.GET and form.is_valid():
        data = documents.statistics_xlsx(**form.cleaned_data)
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        period = (
            f"{form.cleaned_data['period_from']:%Y%m%d}-{form.cleaned_data['period_to']:%Y%m%d}"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="fortbildungsstatistik-{period}.xlsx"'
        )
        return response
    return TemplateResponse(request, "flows/training/statistics.html", {"form": form})

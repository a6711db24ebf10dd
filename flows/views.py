"""Thin views of the staff workspace inside the Wagtail admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from viewflow.workflow.status import STATUS

from portal_site.accounts.models import OrgUnit, Substitution, User, unit_label
from portal_site.cases import services as case_services
from portal_site.cases.models import Case
from portal_site.cases.processes import case_id_of
from portal_site.cases.services import actor_label_for
from portal_site.core.links import url_maker
from portal_site.core.paging import CountedPaginator, page_number
from portal_site.core.request_guards import parse_id
from portal_site.documents.services import file_pdf_document
from portal_site.records.filing import RecordsError, office_records, request_filing
from portal_site.records.models import CaseRecord
from serviceportal.corrections import correct_answer, correctable_fields

from . import segregation, selectors, workspace
from .designer.flow import diagram_of
from .step_titles import step_title, titles_for_rows
from .steps import step_for

INBOX_PAGE_SIZE = 50


def _paged(request, tasks, param: str, anchor: str = "") -> Page:
    """One page of an inbox list: the page number in ``param``, the other list's page kept.

    The rows carry the list's total (:func:`selectors.inbox_tasks`): one statement
    a page; a number past the end shows the last page, as Django's ``get_page``.
    """
    rows = selectors.inbox_tasks(tasks, sort=selectors.parse_sort(request.GET.get("sort")))
    number = page_number(request.GET.get(param))
    found = list(rows[(number - 1) * INBOX_PAGE_SIZE : number * INBOX_PAGE_SIZE])
    total = found[0]["total"] if found else 0
    if not found and number > 1:  # past the end (an old bookmark): the last page
        total = rows.count()
        number = max(1, -(-total // INBOX_PAGE_SIZE))
        found = list(rows[(number - 1) * INBOX_PAGE_SIZE : number * INBOX_PAGE_SIZE])
    page = CountedPaginator([], INBOX_PAGE_SIZE, count=total).page(number)
    page.object_list = found

    def link(number: int) -> str:
        params = request.GET.copy()
        params[param] = str(number)
        return f"?{params.urlencode()}{anchor}"

    # the template reads the two links from the page
    page.previous_link = link(page.previous_page_number()) if page.has_previous() else ""  # type: ignore[attr-defined]
    page.next_link = link(page.next_page_number()) if page.has_next() else ""  # type: ignore[attr-defined]
    return page


@dataclass
class InboxRow:
    """One line of the inbox, ready to print (50 of them per list and page)."""

    task_id: int
    task_title: str
    number: str
    title: str
    applicant: str
    process: str
    received: str
    office: str
    due: str
    overdue: bool
    new: bool
    case_url: str
    action_url: str


def _inbox_rows(
    tasks, cases: dict[int, dict], *, action: str, new: set[int], processes: dict[str, str]
) -> list[InboxRow]:
    today = timezone.localdate()
    case_url = url_maker("flows_case")
    action_url = url_maker("flows_task_claim" if action == "claim" else "flows_task")
    tasks = list(tasks)
    titles = titles_for_rows(tasks)  # each kind of task and designed version read once
    rows = []
    for task in tasks:
        case = cases.get(int(task["case_pk"] or 0))
        if case is None:
            continue
        received = timezone.localtime(case["received_at"])
        due, office = case["due_date"], case["office__name"]
        rows.append(
            InboxRow(
                task_id=task["pk"],
                task_title=titles[task["pk"]],
                number=case["number"],
                title=case["title"],
                applicant=case["applicant_name"] or "–",
                process=processes.get(case["process_key"], case["process_key"]),
                received=date_format(received, "SHORT_DATETIME_FORMAT"),
                office=unit_label(short_name=case["office__short_name"], name=office)
                if office
                else "–",
                due=date_format(due, "SHORT_DATE_FORMAT") if due else "–",
                overdue=bool(due and due < today),
                new=task["pk"] in new,
                case_url=case_url(case["number"]),
                action_url=action_url(task["pk"]),
            )
        )
    return rows


SORT_COLUMNS = (
    ("number", gettext_lazy("Case")),
    ("subject", gettext_lazy("Subject")),
    ("applicant", gettext_lazy("Applicant")),
    ("process", gettext_lazy("Process")),
    ("received", gettext_lazy("Received")),
    ("due", gettext_lazy("Due")),
)


def _sort_links(request) -> list[dict[str, Any]]:
    """The inbox's column headings: each sorts both lists by its column (again: reversed)."""
    current = selectors.parse_sort(request.GET.get("sort"))
    links = []
    for key, label in SORT_COLUMNS:
        params = request.GET.copy()
        for page in ("meine", "eingang"):
            params.pop(page, None)
        params["sort"] = f"-{key}" if current == key else key
        links.append(
            {
                "label": label,
                "url": f"?{params.urlencode()}",
                "sorted": "ascending"
                if current == key
                else ("descending" if current == f"-{key}" else ""),
            }
        )
    return links


def _assignees(user: User):
    """Whom a lead may give tasks to from the inbox: the members of the units they lead."""
    if user.is_superuser:
        return selectors.case_staff().order_by("last_name", "first_name", "username")
    led = selectors.led_unit_ids(user=user)
    if not led:
        return User.objects.none()
    return (
        selectors.case_staff()
        .filter(org_unit_id__in=led)
        .order_by("last_name", "first_name", "username")
    )


def process_names() -> dict[str, str]:
    """Each process's name without the editors' explanation in brackets:
    "Allgemeines Anliegen", not "Allgemeines Anliegen (Postkorb der Stelle, …)"."""
    from portal_site.processes import process_choices

    return {key: label.split(" (")[0] for key, label in process_choices()}


def task_inbox(request):
    from .notices import unread_task_ids

    mine = _paged(request, selectors.my_tasks(user=request.user), "meine")
    queue = _paged(request, selectors.queue_tasks(user=request.user), "eingang", "#queue")
    cases = selectors.cases_for_tasks(task["case_pk"] for task in [*mine, *queue])
    rows = {
        "new": unread_task_ids(user=request.user),
        "processes": process_names(),
    }
    return TemplateResponse(
        request,
        "flows/task_inbox.html",
        {
            "mine": _inbox_rows(mine, cases, action="open", **rows),
            "queue": _inbox_rows(queue, cases, action="claim", **rows),
            "mine_page": mine,
            "queue_page": queue,
            "columns": _sort_links(request),
            "assignees": _assignees(request.user),
        },
    )


@require_POST
def bulk(request):
    """Take several tasks from the queue at once, or (leads) give them to a member."""
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("task")) if i]
    action = request.POST.get("action")
    if not ids or action not in ("claim", "assign"):
        messages.error(request, _("Select at least one task."))
        return redirect("flows_task_inbox")
    to = None
    if action == "assign":
        to = _assignees(request.user).filter(pk=parse_id(request.POST.get("user")) or 0).first()
        if to is None:
            messages.error(request, _("Choose the colleague who gets the tasks."))
            return redirect("flows_task_inbox")
    done, refused = 0, []
    for task_id in ids:
        try:
            if to is None:
                workspace.claim_task(task_id=task_id, user=request.user)
            else:
                workspace.reassign_task(task_id=task_id, by=request.user, to=to)
        except workspace.TaskNotAvailable as exc:  # NotAllowed included: said, not raised
            refused.append(str(exc))
        else:
            done += 1
    if done:
        messages.success(
            request,
            (
                ngettext("You have taken %(count)d task.", "You have taken %(count)d tasks.", done)
                if to is None
                else ngettext(
                    "%(count)d task given to %(name)s.", "%(count)d tasks given to %(name)s.", done
                )
            )
            % {"count": done, "name": actor_label_for(to) if to else ""},
        )
    for reason in dict.fromkeys(refused):  # each reason once
        messages.error(request, reason)
    return redirect("flows_task_inbox")


@require_POST
def notices_read(request):
    """Mark the user's task notices as read (the dashboard's button)."""
    from .notices import mark_read

    mark_read(user=request.user)
    return redirect("wagtailadmin_home")


@require_POST
def claim(request, task_id: int):
    get_object_or_404(selectors.human_tasks(), pk=task_id)
    try:
        workspace.claim_task(task_id=task_id, user=request.user)
    except workspace.Separated as exc:  # four-eyes principle: said on the task page
        messages.error(request, str(exc))
        return redirect("flows_task", task_id=task_id)
    except workspace.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except workspace.TaskNotAvailable as exc:
        messages.error(request, str(exc))
        return redirect("flows_task_inbox")
    messages.success(request, _("You have taken the task."))
    return redirect("flows_task", task_id=task_id)


@require_POST
def release(request, task_id: int):
    get_object_or_404(selectors.human_tasks(), pk=task_id)
    try:
        workspace.release_task(task_id=task_id, user=request.user)
    except workspace.TaskNotAvailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task is back in the queue."))
    return redirect("flows_task_inbox")


@require_POST
def reassign(request, task_id: int):
    get_object_or_404(selectors.human_tasks(), pk=task_id)
    try:
        to = workspace.User.objects.get(pk=request.POST.get("user"))
        workspace.reassign_task(task_id=task_id, by=request.user, to=to)
    except (workspace.TaskNotAvailable, workspace.User.DoesNotExist, ValueError, TypeError) as exc:
        known = isinstance(exc, workspace.TaskNotAvailable)
        messages.error(request, str(exc) if known else _("Unknown user."))
    else:
        messages.success(request, _("The task was reassigned."))
    return redirect("flows_task", task_id=task_id)


def task_detail(request, task_id: int):
    task = get_object_or_404(selectors.human_tasks(), pk=task_id)
    case = get_object_or_404(Case, pk=case_id_of(task.process))
    if not selectors.can_see_case(user=request.user, case=case):
        raise PermissionDenied
    step = step_for(task)
    form = None
    if request.method == "GET":
        from .notices import mark_read

        mark_read(user=request.user, task_ids=[task.pk])
    if request.method == "POST" and not selectors.can_act_on_case(user=request.user, case=case):
        raise PermissionDenied
    if step is not None:
        initial = step.initial(case, task) if step.initial else {}
        form = step.form_class(request.POST or None, initial=initial, case=case, task=task)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            message = workspace.complete_step(
                task_id=task.pk, user=request.user, data=form.cleaned_data
            )
        except workspace.Separated as exc:  # four-eyes principle: said on the task page
            messages.error(request, str(exc))
            return redirect("flows_task", task_id=task.pk)
        except workspace.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except workspace.TaskNotAvailable as exc:
            messages.error(request, str(exc))
            return redirect("flows_task_inbox")
        except ValueError as exc:  # a rule of the step refused the input
            messages.error(request, str(exc))
        else:
            messages.success(request, message)
            following = selectors.open_task_for_case(case=case)
            if following is not None and following.owner_id == request.user.pk:
                return redirect("flows_task", task_id=following.pk)
            return redirect("flows_case", number=case.number)
    is_open = task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
    return TemplateResponse(
        request,
        "flows/task_detail.html",
        {
            "task": task,
            "case": case,
            "form": form,
            "step": step,
            "title": step_title(task),
            "is_mine": task.owner_id == request.user.pk,
            # segregation of duties: why the user may not decide it, said before they try
            "refusal": segregation.refusal(task, request.user, case=case) if is_open else None,
            "can_reassign": workspace.may_reassign(task=task, by=request.user, case=case),
            "members": workspace.reassign_candidates(task=task, case=case),
        },
    )


class CaseActionForm(forms.Form):
    """A form of the case page; it knows its case (some offer choices from it)."""

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case


class NoteForm(CaseActionForm):
    text = forms.CharField(
        label=gettext_lazy("Internal note"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(CaseActionForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 5})
    )


class PauseForm(CaseActionForm):
    until = forms.DateField(
        label=gettext_lazy("Resume on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return until


class CancelForm(CaseActionForm):
    reason = forms.CharField(label=gettext_lazy("Reason for the cancellation"), max_length=500)


class CorrectAnswerForm(CaseActionForm):
    """A clerk corrects one of the applicant's answers (checked like in the form)."""

    field = forms.ChoiceField(label=gettext_lazy("Answer"))
    value = forms.CharField(label=gettext_lazy("Corrected value"), max_length=4000)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        specs = correctable_fields(case) if case is not None else []
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(spec.name, spec.label) for spec in specs]


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(short_name=obj.short_name, name=obj.name)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return actor_label_for(obj)


class ForwardForm(CaseActionForm):
    """Hand the case to another office (e.g. a Briefkasten request for the registry office)."""

    office = OfficeChoiceField(
        label=gettext_lazy("Office"), queryset=OrgUnit.objects.none(), empty_label="–"
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the office"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        if case is not None:
            field.queryset = workspace.forwarding_offices(case=case)


class CaseSheetForm(CaseActionForm):
    """No fields: the case sheet is made from the case itself."""


class FileInEfileForm(CaseActionForm):
    """No fields: what the e-file lacks of the case is worked out when it is filed."""


CASE_ACTIONS = {
    "efile": FileInEfileForm,
    "note": NoteForm,
    "message": MessageForm,
    "pause": PauseForm,
    "cancel": CancelForm,
    "sheet": CaseSheetForm,
    "correct": CorrectAnswerForm,
    "forward": ForwardForm,
}


def _run_case_action(request, case, action, data) -> str:
    if action == "note":
        case_services.add_note(case=case, actor=request.user, text=data["text"])
        return _("The note was added.")
    if action == "message":
        case_services.message_applicant(
            case=case, actor=request.user, subject=data["subject"], text=data["text"]
        )
        return _("The message is on its way to the applicant.")
    if action == "pause":
        case_services.pause_case(
            case=case, actor=request.user, until=data["until"], reason=data["reason"]
        )
        return _("The case is paused.")
    if action == "correct":
        try:
            shown = correct_answer(
                case=case, actor=request.user, name=data["field"], raw_value=data["value"]
            )
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error
        return _("The answer is corrected to “%(value)s”; the old value is on the timeline.") % {
            "value": shown
        }
    if action == "forward":
        workspace.forward_case(
            case=case, to_office=data["office"], note=data["note"], user=request.user
        )
        return _("The case was forwarded to %(office)s.") % {"office": data["office"].name}
    if action == "efile":
        try:
            filings = request_filing(case=case, actor=request.user)
        except RecordsError as error:
            raise ValueError(str(error)) from error
        return _("The case is being filed in the e-file (%(messages)s).") % {
            "messages": ", ".join(f.get_message_display() for f in filings)
        }
    if action == "sheet":
        file_pdf_document(
            case=case,
            template_name="documents/case_sheet.html",
            title=_("Case sheet"),
            filename=f"Vorgangsblatt-{case.number}.pdf",
            actor=request.user,
        )
        return _("The case sheet is being created; it appears with the case's files in a moment.")
    workspace.cancel_with_tasks(case=case, user=request.user, reason=data["reason"])
    return _("The case was cancelled.")


def case_detail(request, number: str):
    case = get_object_or_404(Case.objects.select_related("office", "parent"), number=number)
    if not selectors.can_see_case(user=request.user, case=case):
        raise PermissionDenied
    forms_by_action = {
        key: form_class(prefix=key, case=case) for key, form_class in CASE_ACTIONS.items()
    }
    action = request.POST.get("action")
    if request.method == "POST" and not selectors.can_act_on_case(user=request.user, case=case):
        raise PermissionDenied
    if request.method == "POST" and action in CASE_ACTIONS:
        form = CASE_ACTIONS[action](request.POST, prefix=action, case=case)
        forms_by_action[action] = form
        if form.is_valid():
            try:
                messages.success(
                    request, _run_case_action(request, case, action, form.cleaned_data)
                )
            except (ValueError, workspace.TaskNotAvailable) as exc:
                messages.error(request, str(exc))
            case.refresh_from_db()
            if not selectors.can_see_case(user=request.user, case=case):
                return redirect("flows_task_inbox")  # forwarded out of the user's offices
            return redirect("flows_case", number=case.number)
    open_task = selectors.open_task_for_case(case=case)
    return TemplateResponse(
        request,
        "flows/case_detail.html",
        {
            "case": case,
            "timeline": case.timeline.select_related("actor"),
            "open_task": open_task,
            "open_task_title": step_title(open_task) if open_task else "",
            "forms": forms_by_action,
            "sub_cases": case.sub_cases.all(),
            "invoices": case.invoices.all(),
            "can_act": selectors.can_act_on_case(user=request.user, case=case),
            "design": diagram_of(case),
            "case_record": CaseRecord.objects.filter(case=case).first(),
            "efile": office_records(case),
        },
    )


class SubstitutionForm(forms.Form):
    deputy = PersonChoiceField(
        label=gettext_lazy("Deputy"), queryset=User.objects.none(), empty_label="–"
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Absent from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("until (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deputy"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = workspace.possible_deputies(user=user)


def substitutions(request):
    """The user's absences and who stands in for them, and whom they stand in for."""
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied
    form = SubstitutionForm(user=request.user)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            Substitution.objects.filter(
                pk=parse_id(request.POST.get("substitution")) or 0, absent=request.user
            ).delete()
            messages.success(request, _("The absence was deleted."))
            return redirect("flows_substitutions")
        form = SubstitutionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                workspace.enter_substitution(absent=request.user, **form.cleaned_data)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s stands in for you from %(start)s to %(end)s.")
                    % {
                        "name": actor_label_for(form.cleaned_data["deputy"]),
                        "start": date_format(form.cleaned_data["starts_on"], "SHORT_DATE_FORMAT"),
                        "end": date_format(form.cleaned_data["ends_on"], "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect("flows_substitutions")
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "flows/substitutions.html",
        {
            "form": form,
            "mine": Substitution.objects.filter(
                absent=request.user, ends_on__gte=today
            ).select_related("deputy"),
            "for_others": Substitution.objects.filter(
                deputy=request.user, ends_on__gte=today
            ).select_related("absent"),
            "today": today,
        },
    )


class StatisticsFilter(forms.Form):
    office = OfficeChoiceField(
        label=gettext_lazy("Office"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All offices"),
    )
    process = forms.ChoiceField(label=gettext_lazy("Process"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        from portal_site.cases.access import sees_every_case
        from portal_site.processes import process_choices

        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        assert isinstance(office, forms.ModelChoiceField)
        offices = OrgUnit.objects.filter(pk__in=selectors.case_staff().values("org_unit_id"))
        if not sees_every_case(user):
            offices = offices.filter(pk__in=selectors.office_ids_of(user=user))
        office.queryset = offices.order_by("name")
        process = self.fields["process"]
        assert isinstance(process, forms.ChoiceField)
        process.choices = [("", _("All processes")), *process_choices()]


def case_statistics(request):
    """Open, overdue and finished cases per month (a chart and its table) and per office
    and process, of the cases the user may see."""
    from .statistics import chart, statistics_for

    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied
    form = StatisticsFilter(request.GET or None, user=request.user)
    office, process = None, ""
    if form.is_bound and form.is_valid():
        office, process = form.cleaned_data["office"], form.cleaned_data["process"]
    figures = statistics_for(
        user=request.user, office_id=office.pk if office else None, process_key=process
    )
    labels = {"open": _("Open"), "overdue": _("Overdue"), "finished": _("Finished")}
    processes = process_names()
    return TemplateResponse(
        request,
        "flows/case_statistics.html",
        {
            "form": form,
            "months": figures.months,
            "chart": chart(figures.months, labels),
            "rows": [
                {
                    **row,
                    "office": unit_label(
                        short_name=row["office__short_name"] or "", name=row["office__name"]
                    )
                    if row["office__name"]
                    else "–",
                    "process": processes.get(row["process_key"], row["process_key"]),
                }
                for row in figures.rows
            ],
        },
    )

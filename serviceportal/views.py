from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal_site.cases.models import Case
from portal_site.documents.views import case_file_response
from shop.models import Invoice

from . import account, resume
from .submission import case_for_status_token


def case_status(request, token: str):
    """The applicant's status page: the case's number, status and date, nothing else."""
    case = case_for_status_token(token)
    if case is None:
        return TemplateResponse(request, "serviceportal/case_status_unknown.html", status=404)
    open_invoice = Invoice.objects.filter(case=case, status=Invoice.Status.OPEN).first()
    return TemplateResponse(
        request,
        "serviceportal/case_status.html",
        {"case": case, "open_invoice": open_invoice},
    )


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)


def _own_cases(request):
    """The visitor's cases (None: not signed in). Staff keep to the administration:
    their login is no applicant account."""
    if request.user.is_authenticated and request.user.is_staff:
        return None
    return account.own_cases(request)


def account_home(request):
    """Mein Konto: the request for a sign-in link, or the visitor's own cases."""
    cases = _own_cases(request)
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not account.request_sign_in_link(request=request, email=form.cleaned_data["email"]):
            form.add_error(None, _("Too many links were requested. Please try again in an hour."))
        else:
            messages.success(
                request,
                _(
                    "If cases were applied for with this address, we have sent a sign-in "
                    "link to it. Please look in your mailbox."
                ),
            )
            return redirect("serviceportal:account")
    return TemplateResponse(
        request,
        "serviceportal/account.html",
        {
            "form": form,
            "cases": list(cases[:200]) if cases is not None else None,
            "address": account.signed_in_address(request),
        },
    )


def account_sign_in(request, token: str):
    try:
        account.sign_in(request=request, token=token)
    except account.LinkInvalid as exc:
        return TemplateResponse(
            request, "serviceportal/account_link_invalid.html", {"reason": str(exc)}, status=400
        )
    return redirect("serviceportal:account")


@require_POST
def account_sign_out(request):
    account.sign_out(request)
    messages.success(request, _("You have signed out of your account."))
    return redirect("serviceportal:account")


def _own_case(request, number: str) -> Case:
    cases = _own_cases(request)
    if cases is None:
        raise Http404
    return get_object_or_404(cases, number=number)


def account_case(request, number: str):
    case = _own_case(request, number)
    mails = account.mails_to_applicant(case)
    return TemplateResponse(
        request,
        "serviceportal/account_case.html",
        {
            "case": case,
            "mails": mails,
            "files": account.applicant_files(case, mails),
            "invoices": account.open_invoices(case),
        },
    )


def account_file(request, number: str, pk: int):
    case = _own_case(request, number)
    case_file = get_object_or_404(
        account.applicant_files(case, account.mails_to_applicant(case)), pk=pk
    )
    return case_file_response(case_file)


def resume_application(request, token):
    """The link from the "saved application" mail: the answers back, the form again."""
    try:
        saved = resume.resume(request=request, token=token)
    except resume.ResumeUnavailable as exc:
        return TemplateResponse(
            request, "serviceportal/resume_unavailable.html", {"reason": str(exc)}, status=404
        )
    messages.success(request, _("Welcome back: your saved answers are here again."))
    return redirect(saved.page.url)

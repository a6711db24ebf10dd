"""Staff's access to the files filed with a case: the download, a generated document that
does not exist yet, and "try again now"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal_site.cases.access import can_act_on_case, can_see_case
from portal_site.cases.models import CaseFile
from portal_site.core.local_redirects import redirect_back

from .services import render_again


def pending_document(request, case_file: CaseFile):
    """Answer a download of a document still being created (or missing) with its state."""
    return TemplateResponse(
        request,
        "documents/pending.html",
        {"case_file": case_file},
        status=409,
    )


def download_case_file(request, pk: int):
    """Stream a case file from the private storage to staff the policy lets see its case."""
    case_file = get_object_or_404(CaseFile.objects.select_related("case"), pk=pk)
    if not request.user.has_perm("cases.view_casefile") or not can_see_case(
        user=request.user, case=case_file.case
    ):
        raise PermissionDenied
    if not case_file.is_ready:
        return pending_document(request, case_file)
    return case_file_response(case_file)


def case_file_response(case_file: CaseFile) -> FileResponse:
    """A case file from the private storage as a download nobody caches or sniffs
    (staff here, the applicant in Mein Konto)."""
    response = FileResponse(
        case_file.file.open("rb"),
        as_attachment=True,
        filename=case_file.filename,
        content_type=case_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def render_case_file_again(request, pk: int):
    case_file = get_object_or_404(CaseFile.objects.select_related("case"), pk=pk)
    if not request.user.has_perm("cases.view_casefile") or not can_see_case(
        user=request.user, case=case_file.case
    ):
        raise PermissionDenied
    if not can_act_on_case(user=request.user, case=case_file.case):
        raise PermissionDenied
    if case_file.is_ready:
        messages.info(request, _("The document exists already."))
    else:
        render_again(case_file=case_file)
        messages.success(request, _("The document is being created again."))
    return redirect_back(request, request.POST.get("next"), fallback="wagtailadmin_home")

"""Staff-only access to files filed with a case (uploads and generated documents)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from portal_site.documents.views import pending_document

from .access import can_see_case
from .models import CaseFile


def download_case_file(request, pk: int):
    """Stream a case file from the private storage to staff the policy lets see its case."""
    case_file = get_object_or_404(CaseFile.objects.select_related("case"), pk=pk)
    if not request.user.has_perm("cases.view_casefile") or not can_see_case(
        user=request.user, case=case_file.case
    ):
        raise PermissionDenied
    if not case_file.is_ready:
        return pending_document(request, case_file)
    response = FileResponse(
        case_file.file.open("rb"),
        as_attachment=True,
        filename=case_file.filename,
        content_type=case_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

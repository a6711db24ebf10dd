"""Records in the admin: send a filing again, file a case from its page (thin views over
:mod:`portal_site.records.filing`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .filing import retry_filing
from .models import Filing


def retry(request, pk: int):
    """An administrator sends a failed or refused filing again (confirm, then POST)."""
    if not request.user.has_perm("records.change_filing"):
        raise PermissionDenied
    filing = get_object_or_404(Filing.objects.select_related("case"), pk=pk)
    if request.method == "POST":
        if filing.status in (Filing.Status.FAILED, Filing.Status.REFUSED):
            retry_filing(filing)
            messages.success(request, _("The filing is being sent again."))
        else:
            messages.info(request, _("This filing is not waiting for a retry."))
        return redirect("records_filings:index")
    return TemplateResponse(request, "records/retry_confirm.html", {"filing": filing})

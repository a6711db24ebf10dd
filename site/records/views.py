"""Records in the admin: send a filing again, file a case from its page (thin views over
:mod:`portal_site.records.filing`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .file_plan import FilePlanError, import_file_plan
from .filing import retry_filing
from .models import Filing

MAX_PLAN_BYTES = 20 * 1024 * 1024


class FilePlanUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File plan"),
        help_text=gettext_lazy("An xdomea 0301 message (XML) or its ZIP container."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PLAN_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


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


def import_plan(request):
    """Administrators import the file plan from an xdomea 0301 message."""
    if not request.user.has_perm("records.add_fileplanunit"):
        raise PermissionDenied
    form = FilePlanUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_file_plan(form.cleaned_data["file"].read())
        except FilePlanError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                _("File plan “%(name)s” imported: %(created)d new, %(updated)d updated.")
                % {
                    "name": report.name,
                    "created": len(report.created),
                    "updated": len(report.updated),
                },
            )
    return TemplateResponse(request, "records/import_plan.html", {"form": form, "report": report})

"""The archive's bulk import in the Wagtail admin."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importing import files_from_zip, import_archive

MAX_ZIP_BYTES = 500 * 1024 * 1024


class ImportForm(forms.Form):
    sheet = forms.FileField(label=gettext_lazy("Metadata sheet (XLSX or CSV)"))
    files = forms.FileField(label=gettext_lazy("Image files (ZIP)"), required=False)

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if not sheet.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Please upload an XLSX or CSV file."))
        return sheet

    def clean_files(self):
        upload = self.cleaned_data.get("files")
        if upload is None:
            return None
        if upload.size > MAX_ZIP_BYTES:
            raise forms.ValidationError(_("The ZIP file is too large (at most 500 MB)."))
        content = upload.read()
        try:
            return files_from_zip(content)
        except Exception as exc:  # noqa: BLE001 - zipfile raises several kinds
            raise forms.ValidationError(_("The file is not a readable ZIP archive.")) from exc


def archive_import(request):
    if not request.user.has_perm("wagtailimages.add_image"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["sheet"]
        report = import_archive(
            sheet=sheet.read(),
            sheet_name=sheet.name,
            files=form.cleaned_data["files"] or (lambda name: None),
        )
    return TemplateResponse(
        request, "media_archive/admin/import.html", {"form": form, "report": report}
    )

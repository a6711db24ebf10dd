"""Generate a document from a template and file it with its case."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from portal_site.accounts.models import User
from portal_site.cases.models import Case, CaseFile
from portal_site.cases.services import attach_file

from .rendering import render_pdf


def file_pdf_document(
    *,
    case: Case,
    template_name: str,
    title: str,
    filename: str,
    context: dict[str, Any] | None = None,
    actor: User | None = None,
) -> CaseFile:
    """Render ``template_name`` to PDF/A and file it with the case (checksum, timeline)."""
    pdf = render_pdf(
        template_name=template_name,
        context={"case": case, "now": timezone.localtime(), **(context or {})},
    )
    return attach_file(
        case=case,
        content=pdf,
        filename=filename,
        content_type="application/pdf",
        kind=CaseFile.Kind.GENERATED,
        title=title,
        source=template_name,
        actor=actor,
    )

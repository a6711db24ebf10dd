"""Turn templates into files: HTML/CSS to PDF (weasyprint), tables to XLSX (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def _static_only_fetcher():
    """Documents may load the project's static files and data: URIs, nothing else.

    No network and no arbitrary local files: a placeholder in a letter text
    must not be able to pull in ``file:///etc/passwd`` or an outside URL.
    """
    import weasyprint
    from django.conf import settings
    from django.contrib.staticfiles import finders

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = url.split("://", 1)[-1]
            static_prefix = settings.STATIC_URL
            if static_prefix in path:
                found = finders.find(path.split(static_prefix, 1)[1])
                if found:
                    with open(found, "rb") as handle:
                        return weasyprint.urls.URLFetcherResponse(url, body=handle.read())
            raise ValueError(f"Resource refused in documents: {url}")

    return StaticOnlyFetcher(fail_on_errors=False)


# PDF/A-3a: the archival standard at its accessible level – tagged (a structure
# tree screen readers follow), Unicode text, the document's language and title.
ARCHIVAL_VARIANT = "pdf/a-3a"


def letterhead_context(issuer=None) -> dict[str, Any]:
    """The letterhead of the issuing office (``issuer``, an OrgUnit), falling back to the
    city's (editable in the admin), for every document template."""
    from .models import letterhead_for

    letterhead = letterhead_for(issuer)
    return {"letterhead": letterhead, "logo": letterhead.logo_data_uri()}


def render_pdf(
    *,
    template_name: str,
    context: dict[str, Any],
    archival: bool = True,
    language: str = "de",
    issuer=None,
) -> bytes:
    """Render a Django template to PDF; ``archival`` gives tagged PDF/A-3a for the archive.

    Templates refer to static files with ``{% static %}`` as usual and find the
    letterhead of the issuing office as ``letterhead`` (and its logo as a ``data:`` URI
    in ``logo``).
    """
    import weasyprint  # heavy import, kept out of module level

    with translation.override(language):
        html = render_to_string(template_name, {**letterhead_context(issuer), **context})
    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=_static_only_fetcher())
    if archival:
        return document.write_pdf(pdf_variant=ARCHIVAL_VARIANT)
    return document.write_pdf(pdf_tags=True)


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    column_widths: Sequence[int] = field(default_factory=list)


def render_xlsx(*, sheets: Sequence[Sheet]) -> bytes:
    """Write one workbook with a bold header row per sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.append(list(sheet.header))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append(list(row))
        for index, width in enumerate(sheet.column_widths, start=1):
            worksheet.column_dimensions[worksheet.cell(1, index).column_letter].width = width
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_preview_pdf(subject: str, body: str) -> bytes:
    """A letter text's preview as the PDF it becomes, on the city's letterhead."""
    from django.utils import timezone

    return render_pdf(
        template_name="documents/text_preview.html",
        context={"name": subject, "subject": subject, "letter": body, "now": timezone.localtime()},
    )

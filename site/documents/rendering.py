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


def render_pdf(
    *, template_name: str, context: dict[str, Any], archival: bool = True, language: str = "de"
) -> bytes:
    """Render a Django template to PDF; ``archival`` gives PDF/A-3b for the archive.

    Templates refer to static files with ``{% static %}`` as usual.
    """
    import weasyprint  # heavy import, kept out of module level

    with translation.override(language):
        html = render_to_string(template_name, context)
    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=_static_only_fetcher())
    if archival:
        return document.write_pdf(pdf_variant="pdf/a-3b")
    return document.write_pdf()


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

"""HTTP responses shared by the kernel's and the packages' views."""

from __future__ import annotations

from django.http import HttpResponse


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """A generated PDF as an HTTP response, shown in the browser's PDF viewer.

    The page policy (CSP) is left off: a PDF is no HTML page, and Chromium
    applies a response's ``object-src 'none'`` to its own PDF viewer, which
    would leave the admin's preview panel blank.
    """
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response._csp_exempt = True
    return response

"""The Content-Security-Policy: strict for the portal, Wagtail's needs inside /admin/."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin policy for the staff workspace.

    Citizens' pages get ``CONTENT_SECURITY_POLICY`` (no inline script or style at
    all). Some of the Wagtail admin's own widgets (date pickers, inline panels)
    still write inline scripts, so /admin/ gets ``CSP_ADMIN_DIRECTIVES``, which
    allows inline code but, like the portal's, no outside host.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path.startswith("/admin/"):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        return parts

"""Administrators check the connections to outside systems (Einstellungen → Verbindungen).

The page lists every registered connector (:mod:`portal_site.connectors`) with whether
its settings are present; *Prüfen* runs every ``check_config()`` and shows what is wrong,
in the administrator's language. Checks may call the other side, so they run only on
demand (a POST), never on opening the page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from portal_site import connectors


def connections(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    checked = request.method == "POST"
    if checked:
        rows = connectors.check_all()
    else:
        rows = [
            connectors.CheckResult(connector, connector.is_enabled(), [])
            for kind in connectors.KINDS
            for connector in connectors.connectors(kind)
        ]
    return TemplateResponse(
        request,
        "core/connectors.html",
        {"rows": rows, "kinds": connectors.KINDS, "checked": checked},
    )

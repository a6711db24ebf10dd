"""Throttling of logins and identifications, on django-axes' shared database store.

Failures are counted per identity guessed (user name, or the personnel number
tried at an employee identification) and per client address; either reaching
the limit locks out for the cool-off time. A success never clears anyone's
failures (``AXES_RESET_ON_SUCCESS`` is off), so a known pair between guesses
buys an attacker nothing. Counters live in the database (``axes_accessattempt``),
which every app server and worker shares. The client address is read with
django-ipware, trusting ``X-Forwarded-For`` only from the configured proxies
(``PORTAL_TRUSTED_PROXIES``, ``PORTAL_PROXY_COUNT``); see docs/security.md.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    """The client's address; forwarded headers count only when set by a trusted proxy."""
    from ipware import get_client_ip

    trusted = list(getattr(settings, "PORTAL_TRUSTED_PROXIES", []) or [])
    count = getattr(settings, "PORTAL_PROXY_COUNT", 0) or 0
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not trusted and not count:
        return remote
    if trusted and not any(remote.startswith(proxy) for proxy in trusted):
        return remote  # not from our proxy: its headers are the client's own words
    ip, _routable = get_client_ip(
        request,
        proxy_trusted_ips=trusted or None,
        proxy_count=count or None,
    )
    return ip or remote


def _credentials(identity: str) -> dict[str, str]:
    return {settings.AXES_USERNAME_FORM_FIELD: identity}


def is_locked(*, request, identity: str) -> bool:
    """Whether this identity or this client has used up its attempts."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, credentials=_credentials(identity))


def register_failure(*, request, identity: str) -> None:
    """Count a failed attempt for the identity and the client (the axes handler stores it)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(identity), request=request)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed attempts. For your protection, sign-in is blocked for "
        "%(minutes)d minutes. Please try again later."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out client sees (HTTP 429), in the portal's language and layout."""
    from django.template.response import TemplateResponse

    response = TemplateResponse(
        request, "accounts/locked_out.html", {"message": lockout_message()}, status=429
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response.render()

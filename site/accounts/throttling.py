"""Throttling of logins and identifications, on django-axes' shared database store.

Failures are counted per identity guessed (user name, or the personnel number
tried at an employee identification) and per client address; either reaching
the limit locks out for the cool-off time. A success never clears anyone's
failures (``AXES_RESET_ON_SUCCESS`` is off), so a known pair between guesses
buys an attacker nothing. Counters live in the database (``axes_accessattempt``),
which every app server and worker shares. The client address trusts
``X-Forwarded-For`` only from the configured proxies (``PORTAL_TRUSTED_PROXIES``);
see docs/security.md.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted_networks() -> list:
    networks = []
    for item in getattr(settings, "PORTAL_TRUSTED_PROXIES", []) or []:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return networks


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the hop in front of our trusted proxies.

    ``X-Forwarded-For`` is read only when the request comes from a trusted proxy
    (``PORTAL_TRUSTED_PROXIES``, addresses or networks), and then from the right:
    the first address that is not one of our proxies is the client. Whatever a
    client writes into the header itself stands further left and is never used.
    Libraries such as django-ipware take the left-most entry by default, which
    the client controls; that is why this is a few lines of our own.
    ``None`` when there is no valid address (a request made inside the process).
    """
    remote_address = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote_address is None:
        return None
    trusted = _trusted_networks()
    if not trusted or not any(remote_address in network for network in trusted):
        return str(remote_address)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed chain: fall back to the proxy, never to a guess
        if not any(address in network for network in trusted):
            return str(address)
    return str(remote_address)


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

"""Redirects to addresses given by the client: only ever to this portal."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, target: str | None, *, fallback: str):
    """Redirect to ``target`` if it is a path on this portal, else to the ``fallback`` URL name.

    ``https://evil.example/``, ``//evil.example``, ``javascript:…`` and anything
    that is not an absolute local path are ignored (no open redirect, and a
    free-text value is never mistaken for a view name).
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect(fallback)

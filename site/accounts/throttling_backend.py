"""The authentication backend that puts django-axes' lockout in front of every login."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes through a web request.

    ``authenticate()`` without a request (the test client's ``login()``, a shell)
    has no client to throttle; axes would raise there, this backend steps aside.
    Every login view of the portal passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

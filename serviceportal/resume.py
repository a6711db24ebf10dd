"""Save an application half-way and resume it later, on any device, from an e-mail link.

"Zwischenspeichern" on a form step asks for an e-mail address (the applicant's
own, if the form already has it), keeps the answers so far, uploads included, as
a :class:`~serviceportal.models.SavedApplication` and mails a link that is valid
for ``PORTAL_RESUME_DAYS``. Opening it puts the answers back into the visitor's
session and shows the step where they stopped. Saving again renews the link's
period; sending the application deletes the saved copy; the periodic job
:func:`purge_expired` deletes expired ones with their uploads.
"""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal_site.core.links import absolute_url
from portal_site.notifications.services import queue_email

from . import uploads
from .saved import SavedApplication


def days() -> int:
    return int(getattr(settings, "PORTAL_RESUME_DAYS", 14))


def save_application(*, page, state: dict, email: str) -> SavedApplication:
    """Keep ``state`` and mail the resume link to ``email``; returns the saved copy."""
    expires = timezone.now() + timedelta(days=days())
    saved, created = SavedApplication.objects.update_or_create(
        state_token=state["token"],
        defaults={
            "page": page,
            "state": copy.deepcopy(state),
            "email": email,
            "expires_at": expires,
        },
        create_defaults={
            "token": uuid.uuid4(),
            "page": page,
            "state": copy.deepcopy(state),
            "email": email,
            "expires_at": expires,
        },
    )
    link = absolute_url(reverse("serviceportal:resume", args=[saved.token]))
    until = valid_until(saved)
    queue_email(
        to=[email],
        subject=_("Your saved application: %(form)s") % {"form": page.title},
        body=_(
            "Good day,\n\nyou saved your application “%(form)s”. With this link you continue "
            "where you stopped, on any device:\n\n%(link)s\n\nThe link is valid until "
            "%(until)s. Your answers have not been sent yet."
        )
        % {"form": page.title, "link": link, "until": until},
    )
    return saved


def valid_until(saved: SavedApplication) -> str:
    """The last day of the resume link, as the reader writes dates."""
    return date_format(timezone.localtime(saved.expires_at), "SHORT_DATE_FORMAT")


class ResumeUnavailable(Exception):
    """No saved application behind the link (never, sent already, or expired)."""


def resume(*, request, token) -> SavedApplication:
    """Put the saved answers into the visitor's session for the form; returns the copy."""
    saved = SavedApplication.objects.select_related("page").filter(token=token).first()
    if saved is None:
        raise ResumeUnavailable(
            _("This link is not valid, or the application has been sent already.")
        )
    if saved.expires_at <= timezone.now():
        raise ResumeUnavailable(_("This link has expired; the saved answers were deleted."))
    state = copy.deepcopy(saved.state)
    if (state.get("identity") or {}).get("kind") == "employee":
        # Whoever holds the link proves again to be the employee (personnel number and
        # surname); the link went to an address the applicant typed in.
        state.pop("identity")
    storage = storages["private"]
    state["uploads"] = {  # an upload replaced or purged meanwhile is asked for again
        name: info
        for name, info in (state.get("uploads") or {}).items()
        if storage.exists(str(info.get("storage_name", "")))
    }
    request.session[f"serviceform:{saved.page_id}"] = state
    request.session.modified = True
    return saved


def forget(*, state_token: str) -> None:
    """The application was sent: its saved copy goes (its uploads are the case's now)."""
    SavedApplication.objects.filter(state_token=state_token).delete()


def kept_upload_names() -> set[str]:
    """Storage names of the uploads of saved applications still valid (not purged)."""
    names = set()
    for state in SavedApplication.objects.filter(expires_at__gt=timezone.now()).values_list(
        "state", flat=True
    ):
        for info in (state or {}).get("uploads", {}).values():
            names.add(str(info.get("storage_name", "")))
    return names


def purge_expired() -> int:
    """Periodic: delete expired saved applications and their uploads; returns how many."""
    expired = list(SavedApplication.objects.filter(expires_at__lte=timezone.now()))
    kept = kept_upload_names()
    for saved in expired:
        for info in (saved.state or {}).get("uploads", {}).values():
            if str(info.get("storage_name", "")) not in kept:
                uploads.delete_temporary(info)
        saved.delete()
    return len(expired)

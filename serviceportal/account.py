"""Mein Konto: an applicant's own cases, reached by a sign-in link sent by e-mail.

Citizens have no password. Whoever can read the mails of an address sees the
cases applied for with it: they ask for a link on *Mein Konto*, the portal mails
a signed link (valid ``PORTAL_ACCOUNT_LINK_MINUTES``, usable once), and opening it
keeps the verified address in the session for ``PORTAL_ACCOUNT_SESSION_HOURS``.
The answer to the request is the same whether the address has cases or not, and
requests are limited per address and per client (``PORTAL_ACCOUNT_LINKS_PER_HOUR``),
so the page tells nobody whose address applied for what. Organisations with a
portal login see the cases they applied for while logged in.

What an applicant sees of a case is what they were told: its number, status and
stage, the mails sent to them (with their attachments: invoice, usage
permission, certificates), their own uploads, and the open invoice to pay. Staff
notes, tasks and decisions stay in the back office.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _

from portal_site.accounts.throttling import client_ip
from portal_site.cases.models import Case, CaseFile
from portal_site.core.links import absolute_url
from portal_site.notifications.models import OutboxMessage
from portal_site.notifications.services import queue_email
from shop.models import Invoice

SALT = "serviceportal.account-link"
SESSION_KEY = "portal-account"


def _link_minutes() -> int:
    return int(getattr(settings, "PORTAL_ACCOUNT_LINK_MINUTES", 30))


def _session_hours() -> int:
    return int(getattr(settings, "PORTAL_ACCOUNT_SESSION_HOURS", 4))


def _per_hour() -> int:
    return int(getattr(settings, "PORTAL_ACCOUNT_LINKS_PER_HOUR", 5))


def normalised(email: str) -> str:
    return (email or "").strip().lower()


def cases_of_address(email: str) -> QuerySet[Case]:
    """The cases applied for with ``email`` (any spelling of its case), newest first."""
    return (
        Case.objects.annotate(email_lower=Lower("applicant_email"))
        .filter(email_lower=normalised(email))
        .exclude(applicant_email="")
    )


def _allowed(key: str) -> bool:
    """Count one request under ``key`` in the shared cache; False beyond the hourly limit."""
    bucket = f"account-link:{hashlib.sha256(key.encode()).hexdigest()}:{int(time.time() // 3600)}"
    cache.add(bucket, 0, timeout=3600)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=3600)
        count = 1
    return count <= _per_hour()


def request_sign_in_link(*, request, email: str) -> bool:
    """Mail a sign-in link to ``email`` if it applied for anything; False when throttled.

    The caller answers the same either way (nothing tells whether the address has cases).
    """
    email = normalised(email)
    if not (_allowed(f"address:{email}") and _allowed(f"client:{client_ip(request)}")):
        return False
    if not cases_of_address(email).exists():
        return True
    token = signing.dumps({"email": email}, salt=SALT)
    link = absolute_url(reverse("serviceportal:account_sign_in", args=[token]))
    queue_email(
        to=[email],
        subject=_("Your sign-in link for the service portal"),
        body=_(
            "Good day,\n\nwith this link you see the cases you applied for with this "
            "e-mail address in the service portal:\n\n%(link)s\n\nThe link is valid for "
            "%(minutes)d minutes and can be used once. If you did not ask for it, you can "
            "ignore this e-mail."
        )
        % {"link": link, "minutes": _link_minutes()},
    )
    return True


class LinkInvalid(Exception):
    """The sign-in link is broken, expired or used; the message says which."""


def sign_in(*, request, token: str) -> str:
    """Check the link and keep its address in the session; returns the address."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_link_minutes() * 60)
    except signing.SignatureExpired as exc:
        raise LinkInvalid(_("This link has expired. Please ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(_("This link is not valid. Please ask for a new one.")) from exc
    used = f"account-link-used:{hashlib.sha256(token.encode()).hexdigest()}"
    if not cache.add(used, 1, timeout=_link_minutes() * 60 + 60):
        raise LinkInvalid(_("This link has already been used. Please ask for a new one."))
    email = normalised(data.get("email", ""))
    request.session.cycle_key()  # a new session id for the signed-in visitor
    request.session[SESSION_KEY] = {"email": email, "until": time.time() + _session_hours() * 3600}
    return email


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)


def signed_in_address(request) -> str:
    """The address verified by a sign-in link in this session, or ''."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or float(data.get("until") or 0) < time.time():
        return ""
    return normalised(data.get("email", ""))


def own_cases(request) -> QuerySet[Case] | None:
    """The visitor's cases: by the verified address and/or the portal login (None: neither)."""
    email = signed_in_address(request)
    user = request.user if request.user.is_authenticated else None
    if not email and user is None:
        return None
    condition = Q(pk__in=[])
    if email:
        condition |= Q(pk__in=cases_of_address(email).values("pk"))
    if user is not None:
        condition |= Q(applicant_user=user)
    return Case.objects.filter(condition).order_by("-received_at", "-number")


def mails_to_applicant(case: Case) -> list[OutboxMessage]:
    """The e-mails the portal sent (or is sending) to the case's applicant."""
    return [
        message
        for message in OutboxMessage.objects.filter(case=case).order_by("created_at", "pk")
        if case.applicant_email and normalised(case.applicant_email) in map(normalised, message.to)
    ]


def applicant_files(case: Case, mails: list[OutboxMessage]) -> QuerySet[CaseFile]:
    """The files the applicant may download: those mailed to them and their own uploads."""
    mailed = {
        item["case_file"]
        for message in mails
        for item in (message.attachments or [])
        if isinstance(item, dict) and item.get("case_file")
    }
    return case.files.filter(
        Q(pk__in=mailed) | Q(kind=CaseFile.Kind.UPLOAD), status=CaseFile.Status.READY
    ).order_by("created_at", "pk")


def open_invoices(case: Case) -> QuerySet[Invoice]:
    return Invoice.objects.filter(case=case, status=Invoice.Status.OPEN).order_by("issued_on")

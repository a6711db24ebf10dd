"""Guards that turn malformed requests into clear 4xx answers before any view runs."""

from __future__ import annotations

import logging

from django.contrib.admin.utils import unquote as admin_unquote
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.datastructures import MultiValueDictKeyError
from django.views.defaults import bad_request, page_not_found

logger = logging.getLogger(__name__)

# Database integer keys are signed 64-bit at most; a larger number in a URL
# would make SQLite raise OverflowError and PostgreSQL a DataError (HTTP 500).
MAX_DATABASE_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A database id from client input, or ``None`` if it cannot be one."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_DATABASE_ID else None


# What Wagtail's admin views raise on a malformed request they read without checking
# (a number too large for the database in "chosen-multiple?id=…": OverflowError on
# SQLite, DataError on PostgreSQL).
MALFORMED = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    ValidationError,
    OverflowError,
    DataError,
)


def _in_wagtail_admin(match) -> bool:
    """A view of Wagtail's own (not one of ours) served under the admin."""
    func = getattr(match, "func", None)
    module = getattr(getattr(func, "view_class", func), "__module__", "") or ""
    return module.startswith("wagtail.") and match.route.startswith("admin/")


ROOT_PAGE_ACTIONS = {
    "wagtailadmin_pages:set_page_position",
    "wagtailadmin_pages:lock",
    "wagtailadmin_pages:unlock",
}


def _is_tree_root(page_id: int) -> bool:
    from wagtail.models import Page

    return Page.objects.filter(pk=page_id, depth=1).exists()


class OutOfRangeIdMiddleware:
    """A URL whose integer part cannot be a database id is a page that does not exist."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match and match.view_name in ROOT_PAGE_ACTIONS:
            # Wagtail 8 reads the parent of the page without checking that it has one:
            # moving or locking the tree's root (id 1) crashes instead of being refused.
            page_id = view_kwargs.get("page_to_move_id") or view_kwargs.get("page_id")
            if page_id is not None and _is_tree_root(page_id):
                raise Http404
        for value in [*view_args, *view_kwargs.values()]:
            if isinstance(value, int) and not isinstance(value, bool):
                if not -MAX_DATABASE_ID <= value <= MAX_DATABASE_ID:
                    raise Http404
            elif isinstance(value, str) and "\x00" in value:
                raise Http404
        return None

    def process_exception(self, request, exception):
        """A URL key that is no valid key of its model (``/chosen/abc/`` for an integer id,
        a non-UUID where a UUID is stored) is a page that does not exist, not a crash.

        Only errors that name one of the URL's own values are turned into a 404;
        everything else stays a server error that is logged and fixed.
        """
        if isinstance(exception, MultiValueDictKeyError):
            # A form posted without a field its view reads unconditionally (a tampered
            # or truncated request, e.g. a StreamField without its "-count"): the
            # client's error, answered with 400 instead of a crash.
            logger.info("Incomplete request to %s: %s", request.path, exception)
            return bad_request(request, exception)
        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, ValueError | ValidationError | OverflowError):
            return self._malformed_for_wagtail(request, match, exception)
        values = [str(v) for v in (match.kwargs.values() if match else []) if str(v)]
        values += [str(v) for v in (match.args if match else []) if str(v)]
        # Wagtail's admin views unquote keys first (``_41`` → ``A``, as Django's admin):
        # the error then names the unquoted value.
        values += [admin_unquote(value) for value in values]
        message = str(exception)
        if not any(value in message for value in values):
            return self._malformed_for_wagtail(request, match, exception)
        logger.info("Not found: %s (%s)", request.path, message)
        return page_not_found(request, Http404())

    @staticmethod
    def _malformed_for_wagtail(request, match, exception):
        if _in_wagtail_admin(match) and isinstance(exception, MALFORMED):
            # Wagtail's own admin views read some posted or queried values unchecked
            # (a link chooser without its URL, "chosen-multiple?id=abc", a revision form
            # without its fields): the client's malformed request, answered with 400 and
            # logged with its traceback, instead of a crash.
            logger.warning("Malformed request to %s", request.path, exc_info=exception)
            return bad_request(request, exception)
        return None

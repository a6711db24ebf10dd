"""Health checks for load balancers and orchestrators (see docs/operations.md).

``/health/live/`` says the process answers (restart it when this fails);
``/health/`` and ``/health/ready/`` say it can serve: database, cache and task
queue reachable (send it no traffic while this fails). Neither names hosts,
versions or errors: the details go to the log.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache

from .background import check_task_queue

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache does not keep a value")
    cache.delete(key)


CHECKS = {"database": _database, "cache": _cache, "queue": check_task_queue}


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check %s failed", name)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )


def not_found(request, *args, **kwargs):
    """A page that does not exist (used to switch off a library's page)."""
    raise Http404


def favicon(request):
    """``/favicon.ico``, which browsers ask for on their own: the portal's icon."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.http import HttpResponsePermanentRedirect

    return HttpResponsePermanentRedirect(staticfiles_storage.url("portal/favicon.svg"))

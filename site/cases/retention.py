"""Retention: closed cases lose their personal data when their process's period ends.

Each process has a period (``RetentionPeriod``, editable in the admin under
Settings → Retention periods); a process without one uses
``CASE_RETENTION_DAYS`` (default 730 days, i.e. two years). The periodic job
erases the expired cases in batches; it is safe on several runners at once,
because the erasure locks the case row and does nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.registry import Registry

from .erasure import erase_personal_data
from .models import Case, CaseStatus, RetentionPeriod

# Packages that take expired cases elsewhere first (the records package offers them to
# the archive and erases them once it decided) hold them back from the plain erasure.
RetentionHold = Callable[[QuerySet], QuerySet]
_HOLDS: Registry[str, RetentionHold] = Registry("retention holds")


def register_retention_hold(name: str, hold: RetentionHold) -> None:
    _HOLDS.register(name, hold)


logger = logging.getLogger(__name__)

CLOSED = (CaseStatus.COMPLETED, CaseStatus.REJECTED, CaseStatus.CANCELLED)
BATCH_SIZE = 200


def default_retention_days() -> int:
    return int(getattr(settings, "CASE_RETENTION_DAYS", 730))


def expired_cases(*, now=None):
    """Closed cases whose retention period has ended and that still hold personal data."""
    now = now or timezone.now()
    periods = dict(RetentionPeriod.objects.values_list("process_key", "days"))
    closed = Case.objects.filter(
        status__in=CLOSED, closed_at__isnull=False, personal_data_deleted_at__isnull=True
    )
    condition = Q(closed_at__lt=now - timedelta(days=default_retention_days())) & ~Q(
        process_key__in=list(periods)
    )
    for key, days in periods.items():
        condition |= Q(process_key=key, closed_at__lt=now - timedelta(days=days))
    return closed.filter(condition).order_by("closed_at", "pk")


def erase_expired_cases(*, now=None, batch_size: int = BATCH_SIZE) -> int:
    """Periodic job: erase the personal data of expired cases, a batch per run (except
    those a registered hold keeps back, e.g. for the archive)."""
    erased = 0
    due = expired_cases(now=now)
    for hold in _HOLDS.values():
        due = hold(due)
    for case in due[:batch_size]:
        try:
            result = erase_personal_data(
                case=case, reason=_("The retention period for this case type has ended.")
            )
        except Exception:  # noqa: BLE001 - one broken case must not stop the others
            logger.exception("Retention: case %s could not be erased", case.number)
            continue
        erased += result.personal_data_deleted_at is not None
    return erased

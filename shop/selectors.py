"""Reads of the money records that other layers ask for through the kernel's registries."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Invoice


def cases_with_invoices(case_ids: Iterable[int]) -> set[int]:
    """Which of these cases carry an invoice (the cash office may read those)."""
    return set(Invoice.objects.filter(case_id__in=list(case_ids)).values_list("case_id", flat=True))

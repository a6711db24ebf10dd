"""What the shop keeps about an applicant, deleted with the case's personal data."""

from __future__ import annotations

from portal_site.cases.models import Case

from .models import Order


def erase_order(case: Case) -> None:
    """The archive order's e-mail address and intended use (the customer's own words)."""
    Order.objects.filter(case=case).update(email="", purpose="")

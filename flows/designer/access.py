"""Whose designs a user composes: the offices of a designer, every design for administrators."""

from __future__ import annotations

from django.db.models import QuerySet

from portal_site.cases.access import led_unit_ids

from .models import ProcessDesign


def design_office_ids(user) -> set[int]:
    """The offices whose processes a designer composes: their own and those they lead."""
    ids = led_unit_ids(user=user)
    if user.org_unit_id:
        ids.add(user.org_unit_id)
    return ids


def designs_for(user) -> QuerySet[ProcessDesign]:
    """Administrators see every design, a designer those of their offices."""
    designs = ProcessDesign.objects.select_related("office")
    if user.is_superuser:
        return designs
    return designs.filter(office_id__in=design_office_ids(user))

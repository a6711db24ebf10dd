"""Whose designs a user composes: the offices of a designer, every design for administrators."""

from __future__ import annotations

from django.db.models import QuerySet

from portal_site.cases.access import led_unit_ids

from .models import ProcessDesign, Resource


def design_office_ids(user) -> set[int]:
    """The offices whose processes a designer composes: their own and those they lead."""
    ids = led_unit_ids(user=user)
    if user.org_unit_id:
        ids.add(user.org_unit_id)
    return ids


def of_own_offices(records: QuerySet, user) -> QuerySet:
    """Administrators see every record, a designer those of their offices."""
    records = records.select_related("office")
    if user.is_superuser:
        return records
    return records.filter(office_id__in=design_office_ids(user))


def designs_for(user) -> QuerySet[ProcessDesign]:
    return of_own_offices(ProcessDesign.objects.all(), user)


def resources_for(user) -> QuerySet[Resource]:
    return of_own_offices(Resource.objects.all(), user)


def limit_offices(field, user) -> None:
    """An office field offers a designer only their own offices."""
    if not user.is_superuser:
        field.queryset = field.queryset.filter(pk__in=design_office_ids(user))


def limit_form_offices(form, user) -> None:
    """A form's office field offers a designer only their own offices."""
    if "office" in form.fields:
        limit_offices(form.fields["office"], user)

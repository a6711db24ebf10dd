"""Bookable resources in forms: a field whose value the form's process reserves (a room,
a vehicle, seats) offers only what is free for the span the applicant chose, and a taken
one is refused with a clear message.

The process side answers two questions through a registered provider (the workflow
designer registers ``flows.designer.availability.DesignedAvailability``): which resource
inputs its reservations read and from which inputs they take the span (``spans``), and
why given resources cannot be reserved for a span (``refusals``). A form needs no
setting: the field mapped to the resource input is limited when the date and times
were answered on an earlier step (the taken ones are left out and named), and checked
on the step where they are answered together. The reservation itself stays the
process's, under its row lock: a booking in the meantime takes the process's
"not available" path.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext

from .form_engine import to_json
from .process_inputs import providers


@dataclass(frozen=True)
class ResourceSpan:
    """The names of the process inputs a reservation reads its span and people from."""

    date: str
    start: str
    end: str
    people: str = ""


@dataclass(frozen=True)
class Span:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    people: int


class AvailabilityProvider(Protocol):
    def spans(self, process_key: str) -> dict[str, ResourceSpan]: ...

    def refusals(self, names: list[str], span: Span) -> dict[str, str]: ...


_PROVIDERS: list[AvailabilityProvider] = []


def register_availability(provider: AvailabilityProvider) -> None:
    _PROVIDERS.append(provider)


def _span(span: ResourceSpan, fields_of: dict[str, list[str]], values: dict) -> Span | None:
    def value(input_name: str) -> str:
        for name in fields_of.get(input_name, []):
            if values.get(name) not in (None, ""):
                return str(values[name])
        return ""

    day, start = parse_date(value(span.date)), parse_time(value(span.start))
    end = parse_time(value(span.end))
    if day is None or start is None or end is None or end <= start:
        return None
    try:
        people = int(Decimal(value(span.people).replace(",", "."))) if span.people else 1
    except (InvalidOperation, ValueError):
        people = 1
    zone = timezone.get_current_timezone()
    return Span(
        datetime.datetime.combine(day, start, tzinfo=zone),
        datetime.datetime.combine(day, end, tzinfo=zone),
        max(people, 1),
    )


def limit_to_free(form_class, *, page, answers: dict[str, Any]):
    """``form_class`` (one step of ``page``) with its resource fields limited to what is
    free and checked on submission; unchanged when it has none."""
    if not _PROVIDERS or not page.process_key:
        return form_class
    choice_fields = [
        name for name, field in form_class.base_fields.items() if hasattr(field, "choices")
    ]
    if not choice_fields:
        return form_class
    fields_of = providers(page.all_fields(), page.process_key)  # input -> field names
    limited: dict[str, tuple[AvailabilityProvider, ResourceSpan]] = {}
    for provider in _PROVIDERS:
        for input_name, span in provider.spans(page.process_key).items():
            for name in fields_of.get(input_name, []):
                if name in choice_fields:
                    limited[name] = (provider, span)
    if not limited:
        return form_class

    class FreeResourcesForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.is_bound:
                return  # what was chosen is checked in clean(), with its reason
            for name, (provider, resource_span) in limited.items():
                span = _span(resource_span, fields_of, answers)
                field = self.fields[name]
                if span is None or not hasattr(field, "choices"):
                    continue
                offered = [str(value) for value, _label in field.choices if value]
                taken = provider.refusals(offered, span)
                if taken:
                    field.choices = [(v, label) for v, label in field.choices if v not in taken]
                    field.help_text = gettext(
                        "Already booked for the time you chose: %(names)s."
                    ) % {"names": ", ".join(sorted(taken))}

        def clean(self):
            data = super().clean()
            values = {**answers, **{key: to_json(value) for key, value in data.items()}}
            for name, (provider, resource_span) in limited.items():
                chosen = data.get(name)
                span = _span(resource_span, fields_of, values)
                if not chosen or span is None:
                    continue
                reason = provider.refusals([str(chosen)], span).get(str(chosen))
                if reason:
                    self.add_error(
                        name,
                        gettext("%(reason)s Please choose another one or another time.")
                        % {"reason": reason},
                    )
            return data

    FreeResourcesForm.__name__ = form_class.__name__
    return FreeResourcesForm

"""What the portal's forms may offer of the designer's bookable resources
(serviceportal.availability): the span a designed process's reservation reads, and why
resources cannot be reserved for a span, by the same rules as the reservation itself
(:func:`flows.designer.effects.refusal`)."""

from __future__ import annotations

from django.utils.translation import gettext

from serviceportal.availability import ResourceSpan, Span

from .effects import refusal
from .models import KEY_PREFIX, ProcessDesign, Resource


class DesignedAvailability:
    """Registered in ``flows.apps`` for every designed process with a reservation step."""

    def spans(self, process_key: str) -> dict[str, ResourceSpan]:
        """The resource inputs the process's reservation steps read, with their spans."""
        if not process_key.startswith(KEY_PREFIX):
            return {}
        design = ProcessDesign.objects.filter(key=process_key[len(KEY_PREFIX) :]).first()
        version = design.latest_version() if design is not None else None
        if version is None:
            return {}
        return {
            step["resource_from"]: ResourceSpan(
                date=step["date_from"],
                start=step["start_from"],
                end=step["end_from"],
                people=step.get("count_from") or "",
            )
            for step in version.definition.get("steps") or []
            if step.get("kind") == "reserve"
        }

    def refusals(self, names: list[str], span: Span) -> dict[str, str]:
        found = {r.name.lower(): r for r in Resource.objects.filter(active=True)}
        reasons = {}
        for name in names:
            resource = found.get(name.strip().lower())
            if resource is None:
                reasons[name] = gettext("“%(name)s” cannot be booked.") % {"name": name}
                continue
            reason = refusal(
                resource, starts_at=span.starts_at, ends_at=span.ends_at, people=span.people
            )
            if reason:
                reasons[name] = reason
        return reasons

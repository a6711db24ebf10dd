"""What a definition's ids and value names are called for people (:class:`Names`), the
built-in placeholders, and a status or a condition as a sentence: the diagram, the
check's messages and the step kinds' labels read them."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from portal_site.cases.models import CaseStatus

from .blocks import Operator
from .definition import DECISION


# The placeholders every text may use (besides the inputs' and the task fields' names).
def built_in_values() -> dict[str, str]:
    return {
        "case_number": _("case number"),
        "title": _("title"),
        "applicant_name": _("applicant's name"),
        "office": _("office"),
        "invoice_reference": _("payment reference"),
        "invoice_total": _("amount"),
        "resource": _("resource"),
        "reservation": _("reservation"),
    }


PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Names:
    """What a definition's ids and value names are called for people: a task's title, an
    input's or a task field's label, a fee's name from the fee schedule."""

    def __init__(self, definition: dict | None) -> None:
        definition = definition or {}
        steps = definition.get("steps") or []
        self.tasks = {s["id"]: s.get("title") or s["id"] for s in steps if s["kind"] == "task"}
        self.values = {**built_in_values()}
        for item in definition.get("inputs") or []:
            self.values[item["name"]] = item.get("label") or item["name"]
        for step in steps:
            for field in step.get("fields") or []:
                self.values[field["name"]] = field.get("label") or field["name"]
        self._fees: dict[str, str] | None = None

    def value(self, name: str) -> str:
        return self.values.get(name, name)

    def text(self, template: str) -> str:
        """A text with its placeholders shown as what they stand for: ‹Familienname›."""
        return PLACEHOLDER.sub(lambda m: f"‹{self.value(m.group(1))}›", template or "")

    def fee(self, key: str) -> str:
        if self._fees is None:
            from shop.models import Fee

            self._fees = dict(Fee.objects.values_list("booking_key", "name"))
        name = self._fees.get(key)
        return f"{name} ({key})" if name else key

    def source(self, source: str) -> str:
        if source.startswith(DECISION):
            task = source[len(DECISION) :]
            return _("decision on “%(task)s”") % {"task": self.tasks.get(task, task)}
        return self.value(source)


def status_label(value: str) -> str:
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return value


def condition_text(condition: dict, names: Names) -> str:
    parts = (condition, *(condition.get("also") or []))
    return _(" and ").join(_part(part, names) for part in parts)


def _part(condition: dict, names: Names) -> str:
    source = names.source(condition["source"])
    operator = dict(Operator.CHOICES).get(condition["operator"], condition["operator"])
    return f"{source} {operator} {condition.get('value') or ''}".strip()

"""``{% aktenzeichen case %}``: the case's Aktenzeichen on letters and pages."""

from __future__ import annotations

from django import template

from ..filing import aktenzeichen as aktenzeichen_of

register = template.Library()


@register.simple_tag
def aktenzeichen(case) -> str:
    if case is None or not getattr(case, "pk", None):
        return ""
    return aktenzeichen_of(case)

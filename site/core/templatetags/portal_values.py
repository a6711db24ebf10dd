"""``{% load portal_values %}``: values as people read them in templates
(portal_site.core.values): ``{{ fee.amount|amount }}`` → "25,00 €" / "€25.00",
``{{ value|readable:"date" }}``."""

from __future__ import annotations

from django import template

from portal_site.core.values import euros
from portal_site.core.values import readable as readable_value

register = template.Library()


@register.filter
def amount(value) -> str:
    return "" if value in (None, "") else euros(value)


@register.filter
def readable(value, kind: str = "") -> str:
    return readable_value(value, kind)

"""Validation rules editors give a form field: range, whole numbers, patterns, dates.

The rules are data (a field's ``rules`` in the form definition), turned into
Django validators here; a pattern is a regular expression matched against the
answer, never code. Ready patterns cover what a city's forms ask most: a German
postcode, an IBAN (checked with its check digits by python-stdnum) and a phone
number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum import iban


class Pattern:
    NONE = ""
    POSTCODE_DE = "postcode_de"
    IBAN = "iban"
    PHONE = "phone"
    CUSTOM = "custom"
    CHOICES = [
        (NONE, _("—")),
        (POSTCODE_DE, _("German postcode (5 digits)")),
        (IBAN, _("IBAN (with check digits)")),
        (PHONE, _("Phone number")),
        (CUSTOM, _("Own pattern (regular expression)")),
    ]
    REGEX = {
        POSTCODE_DE: r"^\d{5}$",
        PHONE: r"^\+?[0-9][0-9 ()/-]{4,24}$",
    }


class DateRule:
    NONE = ""
    PAST = "past"
    NOT_FUTURE = "not_future"
    FUTURE = "future"
    NOT_PAST = "not_past"
    CHOICES = [
        (NONE, _("—")),
        (PAST, _("before today")),
        (NOT_FUTURE, _("today or earlier")),
        (FUTURE, _("after today")),
        (NOT_PAST, _("today or later")),
    ]


@dataclass(frozen=True)
class Rules:
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    whole_number: bool = False
    pattern: str = ""
    custom_pattern: str = ""
    pattern_message: str = ""
    date_rule: str = ""

    @classmethod
    def from_value(cls, value: Any) -> Rules:
        if not value:
            return cls()
        return cls(
            minimum=_decimal(value.get("minimum")),
            maximum=_decimal(value.get("maximum")),
            whole_number=bool(value.get("whole_number")),
            pattern=value.get("pattern") or "",
            custom_pattern=value.get("custom_pattern") or "",
            pattern_message=value.get("pattern_message") or "",
            date_rule=value.get("date_rule") or "",
        )


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def problems_of(value: dict, field_type: str) -> dict[str, str]:
    """What is wrong with rules an editor gave (by rule; German via gettext)."""
    errors = {}
    rules = Rules.from_value(value)
    if field_type != "number" and (
        rules.minimum is not None or rules.maximum is not None or rules.whole_number
    ):
        errors["minimum"] = gettext("Minimum, maximum and whole numbers apply to number fields.")
    if rules.minimum is not None and rules.maximum is not None and rules.minimum > rules.maximum:
        errors["maximum"] = gettext("The maximum is smaller than the minimum.")
    if rules.date_rule and field_type != "date":
        errors["date_rule"] = gettext("Date rules apply to date fields.")
    if rules.pattern and field_type not in ("singleline", "multiline", "email"):
        errors["pattern"] = gettext("Patterns apply to text fields.")
    if rules.pattern == Pattern.CUSTOM:
        try:
            re.compile(rules.custom_pattern)
        except re.error:
            errors["custom_pattern"] = gettext("This is no valid regular expression.")
        if not rules.custom_pattern:
            errors["custom_pattern"] = gettext("Enter the pattern.")
    return errors


def _whole(value) -> None:
    if value is not None and value != value.to_integral_value():
        raise ValidationError(gettext("Please enter a whole number."), code="whole_number")


def _iban(value: str) -> None:
    if value and not iban.is_valid(value):
        raise ValidationError(gettext("Please enter a valid IBAN."), code="iban")


def _date_rule(rule: str):
    def check(value) -> None:
        if value is None:
            return
        today = timezone.localdate()
        wrong = {
            DateRule.PAST: value >= today,
            DateRule.NOT_FUTURE: value > today,
            DateRule.FUTURE: value <= today,
            DateRule.NOT_PAST: value < today,
        }.get(rule, False)
        if wrong:
            raise ValidationError(
                {
                    DateRule.PAST: gettext("The date must be before today."),
                    DateRule.NOT_FUTURE: gettext("The date must not be in the future."),
                    DateRule.FUTURE: gettext("The date must be after today."),
                    DateRule.NOT_PAST: gettext("The date must not be in the past."),
                }[rule],
                code="date_rule",
            )

    return check


def apply(field: forms.Field, rules: Rules) -> None:
    """Add the rules' validators (and the browser's hints) to a built form field."""
    if rules.whole_number:
        field.validators.append(_whole)
        field.widget.attrs.update({"step": "1", "inputmode": "numeric"})
    if rules.minimum is not None:
        field.validators.append(MinValueValidator(rules.minimum))
        field.widget.attrs["min"] = str(rules.minimum)
    if rules.maximum is not None:
        field.validators.append(MaxValueValidator(rules.maximum))
        field.widget.attrs["max"] = str(rules.maximum)
    if rules.pattern == Pattern.IBAN:
        field.validators.append(_iban)
    elif rules.pattern:
        regex = (
            rules.custom_pattern
            if rules.pattern == Pattern.CUSTOM
            else Pattern.REGEX[rules.pattern]
        )
        message = rules.pattern_message or {
            Pattern.POSTCODE_DE: gettext("Please enter a postcode of five digits."),
            Pattern.PHONE: gettext("Please enter a phone number (digits, +, spaces)."),
        }.get(rules.pattern, gettext("The answer does not have the expected form."))
        field.validators.append(RegexValidator(regex, message=message, code="pattern"))
    if rules.date_rule:
        field.validators.append(_date_rule(rules.date_rule))

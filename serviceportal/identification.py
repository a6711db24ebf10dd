"""How an applicant identifies: anyone with e-mail, employees, registered organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal_site.accounts.models import Employee

from . import throttling


class IdentificationMode(models.TextChoices):
    ANYONE = "anyone", _("Anyone, with an e-mail address")
    EMPLOYEE = "employee", _("Employees of the city (personnel number and surname)")
    ORGANISATION = "organisation", _("Registered organisations (account and login)")


@dataclass(frozen=True)
class EmployeeIdentity:
    personnel_number: str
    first_name: str
    last_name: str
    email: str

    def as_session(self) -> dict[str, str]:
        return {
            "kind": "employee",
            "personnel_number": self.personnel_number,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
        }


def find_employee(*, personnel_number: str, last_name: str) -> Employee | None:
    """The active employee with this number whose surname matches (case-insensitive)."""
    employee = Employee.objects.filter(
        personnel_number=personnel_number.strip(), is_active=True
    ).first()
    if employee is None or employee.last_name.casefold() != last_name.strip().casefold():
        return None
    return employee


class EmployeeIdentificationForm(forms.Form):
    personnel_number = forms.CharField(
        label=_("Personnel number"),
        max_length=20,
        help_text=_("Please enter your personnel number."),
    )
    last_name = forms.CharField(
        label=_("Surname"), max_length=100, help_text=_("Please enter your surname.")
    )

    def __init__(self, *args, request=None, scope: str = "employee", **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.scope = scope
        self.identity: EmployeeIdentity | None = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if throttling.is_locked(scope=self.scope, request=self.request):
            raise forms.ValidationError(
                gettext("Too many failed attempts. Please try again in 15 minutes."),
                code="throttled",
            )
        employee = find_employee(
            personnel_number=cleaned["personnel_number"], last_name=cleaned["last_name"]
        )
        if employee is None:
            throttling.register_failure(scope=self.scope, request=self.request)
            raise forms.ValidationError(
                gettext("Personnel number and surname do not match our employee directory."),
                code="unknown_employee",
            )
        throttling.reset(scope=self.scope, request=self.request)
        self.identity = EmployeeIdentity(
            personnel_number=employee.personnel_number,
            first_name=employee.first_name,
            last_name=employee.last_name,
            email=employee.email,
        )
        return cleaned


class ThrottledAuthenticationForm(AuthenticationForm):
    """The portal login of organisations: failed logins are throttled per client."""

    scope = "portal-login"

    def clean(self):
        if throttling.is_locked(scope=self.scope, request=self.request):
            raise forms.ValidationError(
                gettext("Too many failed attempts. Please try again in 15 minutes."),
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttling.register_failure(scope=self.scope, request=self.request)
            raise
        throttling.reset(scope=self.scope, request=self.request)
        return cleaned


def organisation_of(user) -> object | None:
    if not user.is_authenticated:
        return None
    return user.applicant_organisations.first()

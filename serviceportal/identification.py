"""How an applicant identifies: anyone with e-mail, employees, registered organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal_site.accounts import throttling
from portal_site.accounts.models import Employee
from portal_site.accounts.roles import ROLES, role_keys_of


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


def holds_a_role(employee: Employee, role_keys: tuple[str, ...]) -> bool:
    """Whether the employee's active login holds one of the roles (none: no login)."""
    user = employee.user
    return bool(user and user.is_active and set(role_keys) & set(role_keys_of(user)))


class EmployeeIdentificationForm(forms.Form):
    personnel_number = forms.CharField(
        label=_("Personnel number"),
        max_length=20,
        help_text=_("Please enter your personnel number."),
    )
    last_name = forms.CharField(
        label=_("Surname"), max_length=100, help_text=_("Please enter your surname.")
    )

    def __init__(
        self,
        *args,
        request=None,
        scope: str = "employee",
        starter_roles: tuple[str, ...] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.request = request
        self.scope = scope
        self.starter_roles = starter_roles
        self.identity: EmployeeIdentity | None = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        identity = f"{self.scope}:{cleaned['personnel_number'].strip().casefold()}"
        if throttling.is_locked(request=self.request, identity=identity):
            raise forms.ValidationError(throttling.lockout_message(), code="throttled")
        employee = find_employee(
            personnel_number=cleaned["personnel_number"], last_name=cleaned["last_name"]
        )
        if employee is None:
            throttling.register_failure(request=self.request, identity=identity)
            raise forms.ValidationError(
                gettext("Personnel number and surname do not match our employee directory."),
                code="unknown_employee",
            )
        if self.starter_roles and not holds_a_role(employee, self.starter_roles):
            raise forms.ValidationError(
                gettext("Only employees with the role %(roles)s may submit this form.")
                % {"roles": ", ".join(f"„{ROLES[key].group_name}“" for key in self.starter_roles)},
                code="starter_role",
            )
        self.identity = EmployeeIdentity(
            personnel_number=employee.personnel_number,
            first_name=employee.first_name,
            last_name=employee.last_name,
            email=employee.email,
        )
        return cleaned


class ThrottledAuthenticationForm(AuthenticationForm):
    """The portal login of organisations; django-axes' backend counts and locks out.

    Locked out, ``authenticate()`` refuses before the password is checked; the
    form then says so in a sentence instead of "wrong password".
    """

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(
                    throttling.lockout_message(), code="throttled"
                ) from None
            raise


def organisation_of(user) -> object | None:
    if not user.is_authenticated:
        return None
    return user.applicant_organisations.first()

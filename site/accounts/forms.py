"""The staff login form of the admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class StaffLoginForm(LoginForm):
    """Wagtail's login form with a translated label on the password field
    (Wagtail's own has none, so Django shows the field's name, "Password")."""

    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"placeholder": _("Enter password")}),
        strip=False,
    )

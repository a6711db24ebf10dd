"""The registry office's step forms and the answers they offer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..steps import StepForm
from .application import certificate_request

YES = "yes"


NO = "no"


NOT_ENTITLED = "not_entitled"


NOT_ON_RECORD = "not_on_record"


COMPLETE_CHOICES = [
    (YES, gettext_lazy("Yes, complete")),
    (NO, gettext_lazy("No, information is missing")),
]


ISSUABLE_CHOICES = [
    (YES, gettext_lazy("Yes")),
    (NOT_ENTITLED, gettext_lazy("Not entitled to apply")),
    (NOT_ON_RECORD, gettext_lazy("Certificate not on record")),
]


class CompleteForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Is the application complete?"),
        choices=COMPLETE_CHOICES,
        widget=forms.RadioSelect,
    )
    missing = forms.CharField(
        label=gettext_lazy("What is missing (goes to the applicant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == NO and not data.get("missing", "").strip():
            self.add_error("missing", _("Please say what is missing."))
        return data


class IssuableForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Can the certificate be issued?"),
        choices=ISSUABLE_CHOICES,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)


class CertificateNumberForm(StepForm):
    certificate_number = forms.CharField(label=gettext_lazy("Certificate number"), max_length=50)

    def clean(self):
        data = super().clean()
        try:
            certificate_request(self.case)  # the fee needs a valid number of copies
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

"""The archive's approval step: its form and the answers it offers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..steps import StepForm

APPROVE = "yes"


REJECT = "no"


APPROVAL_CHOICES = [
    (APPROVE, gettext_lazy("Approve: the invoice goes to the customer")),
    (REJECT, gettext_lazy("Reject")),
]


class ApprovalForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=APPROVAL_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the customer (when rejected)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == REJECT and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give the customer a reason."))
        return data

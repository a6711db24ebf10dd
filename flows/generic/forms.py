"""The clerk's answer step: its form, its decisions, its first values."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal_site.cases.models import Case, CaseStatus

from ..steps import (
    StepForm,
)


class Decision:
    """The clerk's decision on a generic request and the case status it leads to."""

    DONE = "done"
    REJECTED = "rejected"
    CHOICES = [
        (DONE, _("Done: request fulfilled")),
        (REJECTED, _("Rejected")),
    ]
    STATUS = {DONE: CaseStatus.COMPLETED, REJECTED: CaseStatus.REJECTED}


class AnswerForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        initial=Decision.DONE,
    )
    comment = forms.CharField(label=_("Comment (internal)"), required=False, max_length=1000)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Answer to the applicant"), widget=forms.Textarea(attrs={"rows": 8})
    )


def answer_initial(case: Case, task) -> dict[str, str]:
    """The reply's subject in the applicant's language (the portal's), whatever language
    the clerk's admin is in."""
    language = (case.data or {}).get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        return {"subject": gettext("Your request %(number)s") % {"number": case.number}}

"""The supervisors' and HR development's step forms and the answers they offer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Participation
from ..steps import StepForm
from .services import NO, WAITING, YES, confirmed_count

RECOMMEND_CHOICES = [(YES, gettext_lazy("Yes, recommended")), (NO, gettext_lazy("No"))]


HEAD_CHOICES = [(YES, gettext_lazy("Agreed")), (NO, gettext_lazy("Rejected"))]


HR_CHOICES = [
    (YES, gettext_lazy("Yes: a place is confirmed")),
    (NO, gettext_lazy("No")),
    (WAITING, gettext_lazy("Waiting list (Nachrückerliste)")),
]


class RecommendationForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Recommendation"), choices=RECOMMEND_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HeadDecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=HEAD_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (goes to the employee when rejected)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.task.process.data or {}
        if data.get("recommendation"):
            recommended = dict(RECOMMEND_CHOICES).get(data["recommendation"], "")
            text = _("The team lead's recommendation: %(decision)s.") % {"decision": recommended}
            if data.get("recommendation_comment"):
                text += " " + _("Comment: %(comment)s") % {
                    "comment": data["recommendation_comment"]
                }
            self.fields["decision"].help_text = text


class PlaceDecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision on the place"), choices=HR_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participation = Participation.objects.select_related("course").filter(case=self.case)
        participation = participation.first()
        if participation is not None:
            course = participation.course
            taken = confirmed_count(course)
            self.fields["decision"].help_text = _(
                "%(course)s, %(dates)s: %(taken)d of %(places)d places taken."
            ) % {
                "course": course,
                "dates": course.dates_label,
                "taken": taken,
                "places": course.places,
            }

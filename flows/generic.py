"""The generic process: any editor-built form without a special process.

The responsible office's queue gets a task; a clerk claims it, answers the
applicant and closes the case. Every step is on the case's timeline.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process

from portal_site.cases.models import Case
from portal_site.cases.processes import case_id_of

from .steps import HumanStep, StepForm, register_step


class CaseProcess(Process):
    """A viewflow process whose artifact is a kernel case."""

    class Meta:
        proxy = True
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")

    @property
    def case(self) -> Case:
        return Case.objects.get(pk=case_id_of(self))


def _no_view(request, **kwargs):  # pragma: no cover - tasks are worked in the staff workspace
    raise NotImplementedError("Generic tasks are handled in the staff workspace.")


class GenericFlow(flow.Flow):
    process_class = CaseProcess
    # Row lock on the process: two clerks acting on one case wait for each other.
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = _("Generic request")

    start = flow.StartHandle(this.start_case).Next(this.handle)
    handle = flow.View(_no_view).Annotation(title=_("Handle the request")).Next(this.end)
    end = flow.End()

    def start_case(self, activation, case: Case, **kwargs):
        activation.process.data = {"case_id": case.pk, "office_id": case.office_id}
        activation.process.artifact = case
        return activation.process


class AnswerForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("done", _("Done: request fulfilled")), ("rejected", _("Rejected"))],
        widget=forms.RadioSelect,
        initial="done",
    )
    comment = forms.CharField(label=_("Comment (internal)"), required=False, max_length=1000)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Answer to the applicant"), widget=forms.Textarea(attrs={"rows": 8})
    )


def register_generic_steps() -> None:
    from .workspace import handle_generic_answer

    register_step(
        HumanStep(
            node=GenericFlow.handle,
            form_class=AnswerForm,
            handler=handle_generic_answer,
            submit_label=_("Send answer and close case"),
            initial=lambda case, task: {
                "subject": gettext_now("Your request %(number)s") % {"number": case.number}
            },
        )
    )

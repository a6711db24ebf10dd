"""The generic process: any editor-built form without a special process.

The responsible office's queue gets a task; a clerk claims it, answers the
applicant and closes the case. Every step is on the case's timeline.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from portal_site.accounts.models import User
from portal_site.cases.models import Case, CaseStatus
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status

from . import workspace
from .steps import (
    HumanTask,
    StepContext,
    StepForm,
    record_decision,
    send_answer,
    start_case_process,
)


class CaseProcess(Process):
    """A viewflow process whose artifact is a kernel case.

    Its data is typed (``jsonstore`` fields in the process's JSON ``data``): the
    case's id (also the artifact, which lookups use) and the office whose queue
    gets the tasks. Each process adds the fields its steps decide.
    """

    case_id = jsonstore.IntegerField(_("case"), null=True, blank=True)
    office_id = jsonstore.IntegerField(_("office"), null=True, blank=True)

    class Meta:
        proxy = True
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")

    def start_for(self, case: Case) -> None:
        """Tie the process to its case (artifact and typed data)."""
        self.artifact = case
        self.case_id = case.pk
        self.office_id = case.office_id

    @property
    def case(self) -> Case:
        return case_of(self)


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


def _answer_initial(case: Case, task) -> dict[str, str]:
    return {"subject": gettext("Your request %(number)s") % {"number": case.number}}


class GenericFlow(flow.Flow):
    """The office's queue gets the request; a clerk answers the applicant and closes it."""

    process_class = CaseProcess
    # Row lock on the process: two clerks acting on one case wait for each other.
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = _("Generic request")

    start = flow.StartHandle(this.start_case).Next(this.handle)
    handle = (
        HumanTask(
            AnswerForm,
            this.answer,
            submit_label=_("Send answer and close case"),
            initial=_answer_initial,
        )
        .Annotation(title=_("Handle the request"))
        .Next(this.end)
    )
    end = flow.End()

    def start_case(self, activation, case: Case, **kwargs):
        activation.process.start_for(case)
        return activation.process

    def answer(self, context: StepContext, data: dict[str, Any]) -> str:
        decision = data.get("decision") or Decision.DONE
        record_decision(
            context=context,
            choices=Decision.CHOICES,
            decision=decision,
            comment=data.get("comment", ""),
        )
        send_answer(context=context, subject=data["subject"], message=data["message"])
        change_status(case=context.case, status=Decision.STATUS[decision], actor=context.user)
        return gettext("The answer was sent and case %(number)s is closed.") % {
            "number": context.case.number
        }


def start_generic(*, case: Case, actor: User | None = None) -> object:
    """Registry entry point: start the generic process for a freshly opened case."""
    return start_case_process(GenericFlow, case=case, actor=actor, first_task=GenericFlow.handle)


def answer_and_close(
    *,
    task_id: int,
    user: User,
    subject: str,
    message: str,
    decision: str = Decision.DONE,
    comment: str = "",
) -> Case:
    """Record the decision, send the answer to the applicant by e-mail, close the case."""
    workspace.complete_step(
        task_id=task_id,
        user=user,
        data={"subject": subject, "message": message, "decision": decision, "comment": comment},
    )
    return case_of(Task.objects.get(pk=task_id).process)

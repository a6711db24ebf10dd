"""The generic process: its chain, its start, and the answer that closes a case."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task

from portal_site.accounts.models import User
from portal_site.cases.models import Case
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status

from .. import workspace
from ..case_process import CaseProcess
from ..steps import (
    HumanTask,
    StepContext,
    record_decision,
    send_answer,
    start_case_process,
)
from .forms import AnswerForm, Decision, answer_initial


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
            initial=answer_initial,
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

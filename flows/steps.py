"""Human steps of the back-office processes: which form a task shows and what completing it does.

Every ``flow.View`` node of a case process is registered here with a form and a
handler. The staff workspace (:mod:`flows.views`) renders the form of the open
task; :func:`flows.workspace.complete_step` runs the handler under the process
row lock and then lets viewflow move on (switches, automatic steps, the next
task). A process module only describes its steps; claiming, locking, the
timeline entry for the finished task and the error when someone else was faster
are the workspace's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from viewflow.workflow.models import Process, Task

from portal_site.accounts.models import User
from portal_site.cases.models import Case


class StepForm(forms.Form):
    """A task's form; it sees the case and the task (e.g. to offer the right choices)."""

    def __init__(self, *args: Any, case: Case, task: Task, **kwargs: Any) -> None:
        self.case = case
        self.task = task
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class StepContext:
    """What a step handler gets: the locked task, its process and case, the clerk."""

    task: Task
    process: Process
    case: Case
    user: User

    def remember(self, **values: Any) -> None:
        """Store decisions on the process, where the flow's switches read them."""
        self.process.data.update(values)
        self.process.save(update_fields=["data"])


# handler(context, cleaned_data) -> the success message shown to the clerk
Handler = Callable[[StepContext, dict[str, Any]], str]


@dataclass(frozen=True)
class HumanStep:
    node: Any  # a viewflow flow.View node
    form_class: type[StepForm]
    handler: Handler
    submit_label: str | Promise
    initial: Callable[[Case, Task], dict[str, Any]] | None = None


_STEPS: list[HumanStep] = []


def register_step(step: HumanStep) -> None:
    _STEPS[:] = [s for s in _STEPS if s.node is not step.node]
    _STEPS.append(step)


def step_for(task: Task) -> HumanStep | None:
    for step in _STEPS:
        if task.flow_task is step.node or task.flow_task == step.node:
            return step
    return None


def human_nodes() -> list[Any]:
    return [step.node for step in _STEPS]

"""The chain of every process is its chart: every node reachable, every end reached.

Walks viewflow's own graph of each coded process (the one its chart is drawn
from): from the start every node can be reached, from every node an end can be
reached (no dead end, no loop without exit), every human step is a
:class:`flows.steps.HumanTask` with a form and a handler, and every decision
outcome leads somewhere of its own.
"""

from __future__ import annotations

import pytest
from viewflow.workflow import flow
from viewflow.workflow.models import Task

from flows.archive_order import ArchiveOrderFlow
from flows.case_process import CaseProcess as CaseProcessBase
from flows.civil_status import CivilStatusFlow
from flows.designer.flow import DesignedFlow
from flows.generic import GenericFlow
from flows.steps import HumanTask, StepForm
from flows.training import TrainingFlow
from portal_site.cases.processes import of_cases

FLOWS = [GenericFlow, CivilStatusFlow, ArchiveOrderFlow, TrainingFlow, DesignedFlow]


def _graph(flow_class) -> dict[str, set[str]]:
    return {
        node.name: {edge.dst.name for edge in node._outgoing()}
        for node in flow_class.instance.nodes()
    }


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return seen


@pytest.mark.parametrize("flow_class", FLOWS, ids=lambda f: f.__name__)
def test_every_node_is_reachable_from_the_start(flow_class):
    graph = _graph(flow_class)
    assert _reachable(graph, "start") == set(graph)


@pytest.mark.parametrize("flow_class", FLOWS, ids=lambda f: f.__name__)
def test_from_every_node_an_end_is_reached(flow_class):
    graph = _graph(flow_class)
    ends = {n.name for n in flow_class.instance.nodes() if isinstance(n, flow.End)}
    assert ends
    for name in graph:
        assert _reachable(graph, name) & ends, f"{flow_class.__name__}.{name} reaches no end"


@pytest.mark.parametrize("flow_class", FLOWS, ids=lambda f: f.__name__)
def test_every_human_step_is_a_task_with_its_form_and_handler(flow_class):
    for node in flow_class.instance.nodes():
        if isinstance(node, flow.View):
            assert isinstance(node, HumanTask), f"{node.name} is a view without a step"
            assert issubclass(node.form_class, StepForm)
            assert callable(node.handler)
            assert node.task_title


@pytest.mark.parametrize("flow_class", FLOWS, ids=lambda f: f.__name__)
def test_every_decision_outcome_is_a_branch_of_its_own(flow_class):
    for node in flow_class.instance.nodes():
        if isinstance(node, flow.If | flow.Switch):
            targets = [edge.dst.name for edge in node._outgoing()]
            assert len(targets) >= 2 and len(set(targets)) == len(targets), node.name


def end_reached(case) -> str:
    """The name of the End node a case's process finished in ('' while running)."""
    tasks = Task.objects.filter(of_cases(case.pk)).order_by("pk")
    ends = [t.flow_task.name for t in tasks if isinstance(t.flow_task, flow.End)]
    return ends[-1] if ends else ""


def test_the_decisions_of_the_seed_are_the_charts_branches():
    """Each answer of the registry office and of HR development ends where it says."""
    switch = CivilStatusFlow.instance.node("which_answer")
    assert {e.dst.name for e in switch._outgoing()} == {
        "record_number",
        "mail_not_entitled",
        "mail_not_on_record",
    }
    place = TrainingFlow.instance.node("which_place")
    ends = {
        e.dst.name: _reachable(_graph(TrainingFlow), e.dst.name)
        & {"end", "end_withdrawn", "end_no_place"}
        for e in place._outgoing()
    }
    assert ends == {
        "confirm": {"end"},
        "wait": {"end", "end_withdrawn"},  # moved up, or left the waiting list
        "refuse": {"end_no_place"},
    }


@pytest.mark.django_db
def test_process_data_is_typed_and_an_undeclared_name_is_refused(staff):
    from django.core.exceptions import FieldDoesNotExist

    from flows.civil_status import CertificateProcess
    from flows.steps import StepContext
    from tests.shop.helpers import certificate_case, registrar, work

    assert all(f.process_class is not CaseProcessBase for f in FLOWS[1:])
    case = certificate_case()
    work(case, registrar(), decision="yes", missing="", comment="")
    process = CertificateProcess.objects.get(of_cases(case.pk, via=""))
    assert (process.case_id, process.office_id, process.complete) == (
        case.pk,
        case.office_id,
        "yes",
    )
    task = Task.objects.filter(process=process).order_by("pk").first()
    context = StepContext(task=task, process=process, case=case, user=registrar())
    with pytest.raises(FieldDoesNotExist):
        context.remember(compleet="yes")

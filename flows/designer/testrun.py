"""Test runs: a draft tried in the real workspace with sample values, then cleaned up.

A test run freezes the draft as a test version (number 0, never offered to forms)
and starts a case on it for the designer: its tasks land in the real queues, its
e-mails go to the designer (the case's applicant), its documents are rendered. A
fee step issues no invoice in a test run (no Kassenzeichen, no booking): the
timeline says what would be charged and the case goes on as paid. Ending the test
runs removes those cases with their tasks, files, e-mails and timeline, and the
test version; numbered versions and real cases are never touched.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.cases.models import Case
from portal_site.cases.services import discard_test_case, open_case

from ..steps import start_case_process
from .check import problems
from .flow import DesignedFlow
from .models import ProcessDesign, ProcessDesignVersion
from .process import DesignedProcess

TEST_RUN = "test_run"


def test_cases(design: ProcessDesign):
    """The cases of the design's test runs (its test version's processes)."""
    version_ids = list(design.versions.filter(is_test=True).values_list("pk", flat=True))
    processes = DesignedProcess.objects.filter(
        flow_class=DesignedFlow, data__version_id__in=version_ids
    )
    case_ids = processes.values_list("artifact_object_id", flat=True)
    return Case.objects.filter(pk__in=list(case_ids), data__test_run=True).order_by("pk")


@transaction.atomic
def start_test_run(*, design: ProcessDesign, actor: User, values: dict[str, str]) -> Case:
    """Freeze the draft as the test version and start a test case on it for ``actor``."""
    design = ProcessDesign.objects.select_for_update().get(pk=design.pk)
    definition = design.definition()
    found = problems(definition)
    if found:
        raise ValidationError(found)
    end_test_runs(design=design)
    version = ProcessDesignVersion.objects.create(
        design=design, number=0, definition=definition, published_by=actor, is_test=True
    )
    case = open_case(
        process_key=design.process_key,
        title=_("Test run: %(name)s") % {"name": design.name},
        data={"answers": [], "values": values, "inputs": values, TEST_RUN: True},
        applicant_name=actor.get_full_name() or actor.get_username(),
        applicant_email=actor.email,
        office=design.office,
        actor=actor,
    )
    start_case_process(DesignedFlow, case=case, actor=actor, version=version)
    return case


@transaction.atomic
def end_test_runs(*, design: ProcessDesign) -> int:
    """Remove the design's test cases (tasks, files, e-mails, timeline) and test version."""
    cases = list(test_cases(design))
    for case in cases:
        DesignedProcess.objects.filter(
            flow_class=DesignedFlow, artifact_object_id=case.pk
        ).delete()  # its tasks go with it
        discard_test_case(case)
    design.versions.filter(is_test=True).delete()
    return len(cases)

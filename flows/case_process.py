"""The process data every back-office process shares: its case and the office that works on it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore
from viewflow.workflow.models import Process

from portal_site.cases.models import Case
from portal_site.cases.processes import case_of


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

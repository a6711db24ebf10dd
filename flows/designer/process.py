"""What a designed case's process holds (:class:`DesignedProcess`: the version it runs
on, where it stands, the clerks' decisions and fields) and the error a frozen definition
raises when it cannot go on; the flow that runs it is :mod:`.flow`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore

from ..case_process import CaseProcess
from .definition import DefinitionError, steps_by_id
from .models import ProcessDesignVersion


class DesignedProcess(CaseProcess):
    """Which version the case runs on, where it stands, and what the clerks decided."""

    version_id = jsonstore.IntegerField(null=True, blank=True)
    step = jsonstore.CharField(max_length=40, blank=True)
    decisions = jsonstore.JSONField(default=dict, blank=True)
    error = jsonstore.TextField(blank=True)
    wait_until = jsonstore.CharField(max_length=10, blank=True)  # ISO date of a Warten step
    values = jsonstore.JSONField(default=dict, blank=True)  # the clerks' fields, by name
    documents = jsonstore.JSONField(default=dict, blank=True)  # document step id -> file id
    invoice_id = jsonstore.IntegerField(null=True, blank=True)  # of a Gebühr step

    class Meta:
        proxy = True
        verbose_name = gettext_lazy("designed process")
        verbose_name_plural = gettext_lazy("designed processes")

    def definition(self) -> dict:
        """The frozen version (read once per process object: versions never change)."""
        cached = self.__dict__.get("_definition")
        if cached is None or cached[0] != self.version_id:
            version = ProcessDesignVersion.objects.get(pk=self.version_id)
            cached = self.__dict__["_definition"] = (self.version_id, version.definition)
        return cached[1]

    def current_step(self) -> dict:
        return self.step_of(self.step)

    def step_of(self, step_id: str) -> dict:
        try:
            return steps_by_id(self.definition())[step_id]
        except KeyError:
            message = _("The step “%(id)s” does not exist.") % {"id": step_id}
            raise DefinitionError(message) from None

    def task_step(self, task) -> dict:
        """The designed task a workspace task stands for (a parallel one says so itself)."""
        return self.step_of((task.data or {}).get("designed_step") or self.step)

"""A designed case's part of the erasure (the kernel's eraser calls
:func:`erase_designed_data`)."""

from __future__ import annotations

from django.utils import timezone

from portal_site.cases.models import Case

from . import effects
from .flow import DesignedFlow
from .process import DesignedProcess


def erase_designed_data(case: Case) -> None:
    """The case's erasure (kernel eraser): what clerks filled into a designed process's
    fields goes with the applicant's data; reservations are released. Decisions (option
    values the designer defined) and the step stay, so the history stays explainable."""
    for process in DesignedProcess.objects.filter(
        flow_class=DesignedFlow, artifact_object_id=case.pk
    ):
        if process.values:
            process.values = {}
            process.save(update_fields=["data"])
    effects.active_reservations(case).update(released_at=timezone.now())

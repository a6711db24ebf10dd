"""A case's viewflow processes and tasks, reached through the process artifact.

Every case process stores its case as viewflow's artifact (content type and
object id, indexed together by viewflow); lookups go through that index, never
through the process's JSON data.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Case


def of_cases(case_ids: int | Iterable[int] | object, *, via: str = "process__") -> Q:
    """A filter for processes (``via=""``) or tasks (``via="process__"``) of the cases.

    ``case_ids`` is one id, a list of ids or a queryset of ids.
    """
    if isinstance(case_ids, int):
        ids = Q(**{f"{via}artifact_object_id": case_ids})
    else:
        ids = Q(**{f"{via}artifact_object_id__in": case_ids})
    return of_any_case(via=via) & ids


def of_any_case(*, via: str = "process__") -> Q:
    """A filter for processes or tasks whose artifact is a case."""
    return Q(**{f"{via}artifact_content_type": ContentType.objects.get_for_model(Case)})


def case_id_of(process) -> int:
    """The case id of a case process (:class:`LookupError` for a process of something else)."""
    case_id = process.artifact_object_id
    if case_id is None:
        raise LookupError(f"process {process.pk} belongs to no case")
    return int(case_id)


def case_of(process, *, cases=None) -> Case:
    """The case of a case process, read through the artifact's primary key."""
    return (Case.objects.all() if cases is None else cases).get(pk=case_id_of(process))

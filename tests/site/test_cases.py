from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from portal_site.cases.models import Case, CaseStatus, TimelineEntry, TimelineIsAppendOnly
from portal_site.cases.numbering import format_case_number, next_case_number
from portal_site.cases.services import change_status, open_case
from tests.concurrency import run_in_parallel


def _open(**kwargs) -> Case:
    return open_case(process_key="generic", title="Anfrage", data={"a": 1}, **kwargs)


def test_case_number_format_matches_the_seed():
    assert format_case_number(year=2016, value=230) == "16.0230"
    assert format_case_number(year=2026, value=12345) == "26.12345"


@pytest.mark.django_db
def test_numbers_count_per_year_without_gaps():
    with transaction.atomic():
        first = next_case_number(at=datetime(2016, 4, 1, tzinfo=timezone.get_current_timezone()))
        second = next_case_number(at=datetime(2016, 4, 5, tzinfo=timezone.get_current_timezone()))
        other_year = next_case_number(
            at=datetime(2017, 1, 2, tzinfo=timezone.get_current_timezone())
        )
    assert (first, second, other_year) == ("16.0001", "16.0002", "17.0001")


@pytest.mark.django_db
def test_a_rolled_back_case_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        _open()
        raise RuntimeError("submission failed later")
    assert _open().number.endswith(".0001")


@pytest.mark.django_db(transaction=True)
def test_numbering_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        next_case_number(at=timezone.now())


@pytest.mark.django_db
def test_opening_a_case_writes_the_first_timeline_entry():
    case = _open(applicant_name="Frank Mustermann")
    entry = case.timeline.get()
    assert entry.kind == TimelineEntry.Kind.RECEIVED
    assert entry.actor_label == "Frank Mustermann"
    assert case.status == CaseStatus.RECEIVED
    assert case.received_at is not None


@pytest.mark.django_db
def test_timeline_is_append_only():
    entry = _open().timeline.get()
    entry.message = "rewritten"
    with pytest.raises(TimelineIsAppendOnly):
        entry.save()
    with pytest.raises(TimelineIsAppendOnly):
        entry.delete()


@pytest.mark.django_db
def test_status_change_is_on_the_timeline():
    case = change_status(case=_open(), status=CaseStatus.COMPLETED)
    assert case.closed_at is not None
    assert case.timeline.filter(kind=TimelineEntry.Kind.STATUS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_cases_get_distinct_consecutive_numbers(postgres_only):
    numbers, errors = run_in_parallel([lambda: _open().number for _ in range(20)])
    assert errors == []
    values = sorted(int(n.split(".")[1]) for n in numbers)
    assert values == list(range(1, 21))

"""Closed cases lose their personal data when their process's retention period ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal_site.cases.models import Case, CaseStatus, RetentionPeriod
from portal_site.cases.retention import erase_expired_cases
from portal_site.cases.services import change_status, open_case
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.core.periodic import periodic_jobs

pytestmark = pytest.mark.django_db


def _closed_case(process_key: str, *, days_ago: int, status=CaseStatus.COMPLETED) -> Case:
    case = open_case(
        process_key=process_key,
        title="Anfrage",
        data={"values": {"name": "Helga Retentiona"}},
        applicant_name="Helga Retentiona",
        applicant_email="helga@example.org",
    )
    change_status(case=case, status=status)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return case


def test_the_default_period_is_two_years_and_the_job_is_periodic(db, settings):
    assert settings.CASE_RETENTION_DAYS == 730
    assert "cases.erase_expired_cases" in periodic_jobs()
    old = _closed_case("generic", days_ago=731)
    young = _closed_case("generic", days_ago=729)
    still_open = open_case(
        process_key="generic", title="Offen", data={}, applicant_name="Offen Person"
    )
    Case.objects.filter(pk=still_open.pk).update(received_at=timezone.now() - timedelta(days=900))

    assert erase_expired_cases() == 1

    old.refresh_from_db()
    young.refresh_from_db()
    still_open.refresh_from_db()
    assert old.applicant_name == "" and old.personal_data_deleted_at is not None
    assert old.timeline.filter(message__contains="Aufbewahrungsfrist").exists()
    assert young.applicant_name == "Helga Retentiona"
    assert still_open.applicant_name == "Offen Person"
    assert erase_expired_cases() == 0  # a second runner finds nothing to do


def test_a_process_has_its_own_period(db):
    RetentionPeriod.objects.create(process_key="civil_status_certificate", days=30)
    short = _closed_case("civil_status_certificate", days_ago=31, status=CaseStatus.REJECTED)
    generic = _closed_case("generic", days_ago=31)
    assert erase_expired_cases() == 1
    short.refresh_from_db()
    generic.refresh_from_db()
    assert short.personal_data_deleted_at is not None
    assert generic.personal_data_deleted_at is None


def test_administrators_edit_the_periods_in_the_admin(demo, client):
    client.login(username="administration", password=DEMO_PASSWORD)
    response = client.post(
        "/admin/aufbewahrungsfristen/new/", {"process_key": "generic", "days": "365"}
    )
    assert response.status_code == 302
    assert RetentionPeriod.objects.get(process_key="generic").days == 365
    client.login(username="standesamt", password=DEMO_PASSWORD)
    assert client.get("/admin/aufbewahrungsfristen/").status_code in (302, 403)

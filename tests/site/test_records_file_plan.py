"""The file plan imported from an xdomea 0301 message (portal_site.records.file_plan),
and the Aktenzeichen it gives cases, their pages and their letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal_site.records.file_plan import FilePlanError, import_file_plan
from portal_site.records.models import FilePlanUnit

pytestmark = pytest.mark.django_db

PLAN = Path(__file__).parent.parent / "data" / "xdomea" / "aktenplan_0301.xml"


def test_a_file_plan_is_imported_with_its_hierarchy_disposal_and_retention():
    FilePlanUnit.objects.create(code="3.2", title="alt")
    report = import_file_plan(PLAN.read_bytes())
    assert report.name == "Aktenplan der Beispielstadt" and report.version == "2026.1"
    assert sorted(report.created) == ["3", "3.9"] and report.updated == ["3.2"]
    registry = FilePlanUnit.objects.get(code="3.2")
    assert registry.title == "Personenstandswesen" and registry.parent.code == "3"
    assert registry.disposal == FilePlanUnit.Disposal.ARCHIVE and registry.retention_years == 110
    top = FilePlanUnit.objects.get(code="3")
    assert top.retention_years is None and top.disposal == FilePlanUnit.Disposal.APPRAISE
    lost = FilePlanUnit.objects.get(code="3.9")
    assert lost.retired and lost.disposal == FilePlanUnit.Disposal.DESTROY
    again = import_file_plan(PLAN.read_bytes())  # the same file again changes nothing
    assert again.created == [] and FilePlanUnit.objects.count() == 3


def test_a_file_that_is_no_valid_file_plan_changes_nothing():
    broken = PLAN.read_bytes().replace(b"<xdomea:Version>2026.1</xdomea:Version>", b"")
    with pytest.raises(FilePlanError, match="Version"):
        import_file_plan(broken)
    with pytest.raises(FilePlanError):
        import_file_plan(b"\x00not xml at all")
    assert not FilePlanUnit.objects.exists()


def test_administrators_import_the_plan_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    clerk = django_user_model.objects.create_user("clerk", "c@example.org", "pw", is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/aktenplan/importieren/").status_code in (302, 403)
    client.force_login(admin)
    assert "Aktenplan importieren" in client.get("/admin/aktenplan/").content.decode()
    bad = client.post(
        "/admin/aktenplan/importieren/",
        {"file": SimpleUploadedFile("plan.xml", b"<x/>", content_type="text/xml")},
    )
    assert bad.status_code == 200 and "keine gültige xdomea" in bad.content.decode()
    good = client.post(
        "/admin/aktenplan/importieren/",
        {"file": SimpleUploadedFile("plan.xml", PLAN.read_bytes(), content_type="text/xml")},
        follow=True,
    )
    assert "3 neu" in good.content.decode() and FilePlanUnit.objects.count() == 3


def test_the_aktenzeichen_stands_on_the_case_page_and_the_letters(staff, client):
    from portal_site.accounts.models import OrgUnit
    from portal_site.documents.rendering import render_pdf
    from portal_site.records.models import ProcessRecords
    from tests.factories import case_for

    unit = FilePlanUnit.objects.create(code="3.2.1", title="Urkunden")
    ProcessRecords.objects.create(process_key="generic", file_plan_unit=unit)
    office = OrgUnit.objects.get(short_name="34")
    case = case_for("generic", office=office, values={}, inputs={})
    client.force_login(staff["standesamt"])
    page = client.get(f"/admin/vorgaenge/{case.number}/").content.decode()
    assert f"3.2.1-{case.number}" in page
    import io

    from pypdf import PdfReader

    pdf = render_pdf(template_name="documents/letter.html", context={"case": case}, issuer=office)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"3.2.1-{case.number}" in text

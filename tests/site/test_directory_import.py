from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from portal_site.accounts.directory_import import import_employees
from portal_site.accounts.models import Employee, OrgUnit

pytestmark = pytest.mark.django_db

CSV = (
    "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit;Vorgesetzte/r\n"
    "1111;Greta;Leitner;greta.leitner@kassel.de;10.1;\n"
    "2001;Hans;Mustermann;hans.mustermann@kassel.de;10.1;1111\n"
    ";Ohne;Nummer;;;\n"
    "2002;Silvia;Beispiel;keine-mail;10.1;\n"
    "2003;Gerlinde;Musterfrau;;99.9;\n"
)


@pytest.fixture
def unit():
    return OrgUnit.objects.create(name="Sachgebiet Organisation", short_name="10.1")


def test_csv_import_reports_rejected_rows_and_links_supervisors(unit):
    report = import_employees(content=CSV.encode(), filename="verzeichnis.csv")
    assert (report.created, report.updated) == (2, 0)
    assert [line for line, _reason in report.rejected] == [4, 5, 6]
    hans = Employee.objects.get(personnel_number="2001")
    assert hans.supervisor.personnel_number == "1111"
    assert hans.org_unit == unit
    again = import_employees(content=CSV.encode(), filename="verzeichnis.csv")
    assert (again.created, again.updated) == (0, 2)


def test_xlsx_import(unit):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nachname", "Vorname", "Personalnummer", "Organisationseinheit"])
    sheet.append(["Mustermann", "Hans", 2001, "10.1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_employees(content=buffer.getvalue(), filename="verzeichnis.xlsx")
    assert report.created == 1
    assert Employee.objects.get(personnel_number="2001").last_name == "Mustermann"


def test_a_broken_file_is_reported_not_raised(unit):
    report = import_employees(content=b"PK\x03\x04kaputt", filename="verzeichnis.xlsx")
    assert report.created == 0
    assert report.rejected and "kann nicht gelesen werden" in report.rejected[0][1]


def test_command_prints_the_report(unit, tmp_path):
    path = tmp_path / "verzeichnis.csv"
    path.write_text(CSV)
    out = io.StringIO()
    call_command("import_employees", str(path), stdout=out)
    assert "2 angelegt, 0 aktualisiert, 3 abgelehnt." in out.getvalue()
    assert "Zeile 4:" in out.getvalue()

"""Import the employee directory from an XLSX or CSV sheet (when no LDAP is available).

Columns (German headers, any order): Personalnummer, Vorname, Nachname, E-Mail,
Organisationseinheit (short name of the org unit), Vorgesetzte/r (personnel
number). Rows with errors are rejected and reported; the rest are imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Employee, OrgUnit

HEADERS = {
    "personalnummer": "personnel_number",
    "vorname": "first_name",
    "nachname": "last_name",
    "e-mail": "email",
    "email": "email",
    "organisationseinheit": "org_unit",
    "vorgesetzte/r": "supervisor",
    "vorgesetzter": "supervisor",
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def read_rows(
    *, content: bytes, filename: str, headers: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """Rows of an XLSX/CSV sheet as dicts keyed by our field names (``headers`` maps the
    lower-cased column titles to them); unknown columns are ignored."""
    headers = HEADERS if headers is None else headers
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        raw = [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        text = content.decode("utf-8-sig")
        dialect = (
            csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t") if text else csv.excel
        )
        raw = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    if not raw:
        return []
    keys = [headers.get(h.strip().lower(), "") for h in raw[0]]
    return [{k: v for k, v in zip(keys, row, strict=False) if k} for row in raw[1:] if any(row)]


@transaction.atomic
def import_employees(*, content: bytes, filename: str) -> ImportReport:
    report = ImportReport()
    try:
        rows = read_rows(content=content, filename=filename)
    except Exception as exc:  # noqa: BLE001 - a broken file is reported, not raised
        report.rejected.append((0, _("The file cannot be read: %(error)s") % {"error": exc}))
        return report
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    supervisors: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        number, last_name = row.get("personnel_number", ""), row.get("last_name", "")
        if not number or not last_name:
            report.rejected.append((line, _("Personnel number and surname are required.")))
            continue
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                report.rejected.append(
                    (line, _("Invalid e-mail address: %(email)s") % {"email": email})
                )
                continue
        unit_name = row.get("org_unit", "")
        if unit_name and unit_name not in units:
            report.rejected.append((line, _("Unknown org unit: %(unit)s") % {"unit": unit_name}))
            continue
        _employee, created = Employee.objects.update_or_create(
            personnel_number=number,
            defaults={
                "first_name": row.get("first_name", ""),
                "last_name": last_name,
                "email": email,
                "org_unit": units.get(unit_name),
                "is_active": True,
            },
        )
        report.created += created
        report.updated += not created
        if row.get("supervisor"):
            supervisors[number] = row["supervisor"]
    for number, supervisor_number in supervisors.items():
        supervisor = Employee.objects.filter(personnel_number=supervisor_number).first()
        if supervisor is None:
            report.rejected.append(
                (
                    0,
                    _("Supervisor %(number)s of %(employee)s is unknown.")
                    % {"number": supervisor_number, "employee": number},
                )
            )
            continue
        Employee.objects.filter(personnel_number=number).update(supervisor=supervisor)
    return report

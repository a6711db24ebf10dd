"""Reads on the organisation: who approves for an employee."""

from __future__ import annotations

from .models import Employee, OrgUnit, User


def _unit_lead(unit: OrgUnit | None, *, kind: str) -> User | None:
    while unit is not None:
        if unit.kind == kind and unit.lead_id:
            return unit.lead
        unit = unit.parent
    return None


def team_lead_of(employee: Employee) -> User | None:
    """The lead of the employee's team (Sachgebietsleitung)."""
    return _unit_lead(employee.org_unit, kind=OrgUnit.Kind.TEAM)


def department_head_of(employee: Employee) -> User | None:
    """The lead of the department above the employee's team (Abteilungsleitung)."""
    return _unit_lead(employee.org_unit, kind=OrgUnit.Kind.DEPARTMENT)

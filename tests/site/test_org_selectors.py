import pytest

from portal_site.accounts.models import OrgUnit
from portal_site.accounts.selectors import department_head_of, team_lead_of
from tests.factories import EmployeeFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_approvals_route_to_the_applicants_team_lead_and_department_head():
    department_head, team_lead = UserFactory(), UserFactory()
    department = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT, lead=department_head)
    team = OrgUnitFactory(kind=OrgUnit.Kind.TEAM, parent=department, lead=team_lead)
    hans = EmployeeFactory(org_unit=team)
    assert team_lead_of(hans) == team_lead
    assert department_head_of(hans) == department_head
    in_department = EmployeeFactory(org_unit=department)  # no team: no team lead
    assert team_lead_of(in_department) is None
    assert department_head_of(in_department) == department_head


def test_no_lead_known_gives_none():
    department = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)  # without a lead
    wiebke = EmployeeFactory(org_unit=department)
    assert team_lead_of(wiebke) is None
    assert department_head_of(wiebke) is None


def test_org_unit_names_read_well():
    assert str(OrgUnit(name="Standesamt", short_name="34")) == "34 Standesamt"
    assert str(OrgUnit(name="Bürgerservice", short_name="Bürgerservice")) == "Bürgerservice"
    assert str(OrgUnit(name="Stadtkasse")) == "Stadtkasse"

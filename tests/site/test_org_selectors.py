import pytest

from portal_site.accounts.models import Employee
from portal_site.accounts.selectors import department_head_of, team_lead_of

pytestmark = pytest.mark.django_db


def test_approvals_route_to_the_applicants_team_lead_and_department_head(demo):
    hans = Employee.objects.get(personnel_number="2001")  # team 10.1 in department 10
    assert team_lead_of(hans).username == "sachgebietsleitung"
    assert department_head_of(hans).username == "abteilungsleitung"


def test_no_lead_known_gives_none(demo):
    wiebke = Employee.objects.get(personnel_number="2004")  # department 33 without a lead
    assert team_lead_of(wiebke) is None
    assert department_head_of(wiebke) is None


def test_org_unit_names_read_well():
    from portal_site.accounts.models import OrgUnit

    assert str(OrgUnit(name="Standesamt", short_name="34")) == "34 Standesamt"
    assert str(OrgUnit(name="Bürgerservice", short_name="Bürgerservice")) == "Bürgerservice"
    assert str(OrgUnit(name="Stadtkasse")) == "Stadtkasse"

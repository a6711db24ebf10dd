"""The process library (flows/designer/library_views.py): the shipped designs with their
diagrams, used as a template for an own draft; the shipped Sperrmüllanmeldung with its
fee; the demo's process designer login."""

from __future__ import annotations

import pytest

from flows.designer.models import ProcessDesign
from flows.designer.sharing import install_library
from portal_site.accounts.models import OrgUnit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(staff):
    from flows.designer.demo import load_fees

    load_fees()  # the demo city's bulky-waste fee, which Sperrmüllanmeldung charges
    return install_library()


def _designer() -> User:
    """A process designer of the Bürgerservice (as the demo's ``prozessgestaltung``)."""
    from portal_site.accounts import roles
    from tests.factories import UserFactory

    office = OrgUnit.objects.get(short_name="Bürgerservice")
    return UserFactory(username="gestalterin", role=roles.PROCESS_DESIGNER, org_unit=office)


def test_the_shipped_bulky_waste_process_installs_with_its_fee(library):
    assert "sperrmuell" in library
    design = ProcessDesign.objects.get(key="sperrmuell")
    assert design.problems() == [] and design.latest_version().number == 1
    kinds = [step["kind"] for step in design.definition()["steps"]]
    assert kinds == ["fee", "task", "email", "end", "end"]


def test_the_library_lists_the_shipped_designs_and_makes_an_own_draft(library, client):
    user = _designer()
    client.force_login(user)
    page = client.get("/admin/prozessbibliothek/")
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("Sperrmüllanmeldung", "Raumplanung", "Trauinfo", "Wiederbesetzung"):
        assert name in text
    assert "Prozessbibliothek" in text and "Als Vorlage verwenden" in text
    office = OrgUnit.objects.get(short_name="Bürgerservice")
    used = client.post(
        "/admin/prozessbibliothek/sperrmuell/verwenden/", {"sperrmuell-office": office.pk}
    )
    own = ProcessDesign.objects.exclude(key="sperrmuell").get(key__startswith="sperrmuell")
    assert used.status_code == 302 and used["Location"].endswith(f"/edit/{own.pk}/")
    assert own.office == office and not own.versions.exists()  # a draft, not published
    shipped = ProcessDesign.objects.get(key="sperrmuell")
    assert own.definition()["steps"] == shipped.definition()["steps"]


def test_a_template_goes_only_to_the_designers_own_offices(library, client):
    client.force_login(_designer())
    registry = OrgUnit.objects.get(short_name="34")
    refused = client.post(
        "/admin/prozessbibliothek/trauinfo/verwenden/", {"trauinfo-office": registry.pk}
    )
    assert refused.status_code == 302
    assert not ProcessDesign.objects.filter(key__startswith="trauinfo-").exists()
    assert client.post("/admin/prozessbibliothek/gibtsnicht/verwenden/").status_code == 404
    client.force_login(User.objects.get(username="sachbearbeitung"))  # no designer
    assert client.get("/admin/prozessbibliothek/").status_code in (302, 403)


def test_the_library_draws_each_shipped_design_once_not_on_every_view(library, client, monkeypatch):
    from django.core.cache import cache

    from flows.designer import library_views

    cache.clear()
    drawn = []
    real = library_views.svg_data_url
    monkeypatch.setattr(
        library_views, "svg_data_url", lambda definition: drawn.append(1) or real(definition)
    )
    client.force_login(_designer())
    assert client.get("/admin/prozessbibliothek/").status_code == 200
    first = len(drawn)
    assert first == len(library_views.shipped())
    assert client.get("/admin/prozessbibliothek/").status_code == 200
    assert len(drawn) == first  # from the cache

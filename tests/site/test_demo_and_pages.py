from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from portal_site.accounts.models import Employee, OrgUnit
from portal_site.accounts.roles import ROLES
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.core.demo_kernel import DEMO_USERS

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    User = get_user_model()
    return {
        "pages": Page.objects.count(),
        "users": User.objects.count(),
        "org_units": OrgUnit.objects.count(),
        "employees": Employee.objects.count(),
    }


def test_demo_command_is_idempotent(demo):
    before = _counts()
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    assert before["users"] == len(DEMO_USERS) + 1  # staff plus the demo funeral home


def test_every_demo_page_answers_200(demo, client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert len(pages) >= 10
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        # German pages and their English translations, each in its own language
        assert f'lang="{page.locale.language_code}"'.encode() in response.content
        assert b'href="#main"' in response.content  # skip link
        assert b"<main" in response.content


def test_unknown_page_gives_a_german_404(demo, client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_each_demo_user_logs_into_the_admin(demo, client, username):
    response = client.post(
        "/admin/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    assert client.get("/admin/").status_code == 200


def test_each_role_is_a_group_and_each_demo_user_has_one(demo):
    User = get_user_model()
    for username, *_rest in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.groups.filter(name__in=[r.group_name for r in ROLES.values()]).exists()
        assert user.has_perm("wagtailadmin.access_admin")


def test_editor_can_edit_pages_but_clerk_cannot(demo):
    User = get_user_model()
    home = Page.objects.get(locale__language_code="de", depth=2)
    editor = User.objects.get(username="redaktion")
    clerk = User.objects.get(username="sachbearbeitung")
    assert home.permissions_for_user(editor).can_edit()
    assert not home.permissions_for_user(clerk).can_edit()


def test_health_check_reaches_the_database(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_english_is_available(demo, client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert b'lang="en"' in response.content

"""The admin speaks German to the city's staff: Wagtail's gaps and English records filled."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import Page, Workflow

from portal_site.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_staff_login_is_the_citys_and_german():
    content = Client().get("/admin/login/").content.decode()
    assert "Anmeldung für Mitarbeitende" in content
    assert "Bei Wagtail anmelden" not in content
    assert "Password" not in content
    assert "Stadt Kassel" in content


def test_wagtails_english_records_have_german_names():
    assert Page.objects.get(depth=1).title == "Seitenbaum"
    assert Workflow.objects.filter(name="Freigabe durch die Redaktion").exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()


def test_the_page_editor_offers_to_submit_for_approval_in_german(demo):
    client = Client()
    client.force_login(User.objects.get(username="redaktion"))
    page = Page.objects.get(locale__language_code="de", depth=2)
    content = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Zur Freigabe durch die Redaktion einreichen" in content
    assert "Moderators approval" not in content
    assert "admin-strings.js" in content and 'data-apply-selection="Auswahl übernehmen"' in content

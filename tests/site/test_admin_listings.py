"""The admin's listings read as people speak: yes/no fields as "Ja"/"Nein", never
True/False (portal_site.core.admin_columns.YesNoColumn)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from flows.designer.models import Resource
from shop.models import Fee

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/gebuehren/", "/admin/ressourcen/"])
def test_yes_no_columns_say_ja_or_nein(admin_client, url):
    Fee.objects.create(
        booking_key="999", name="Probe", description="Probegebühr", amount=Decimal("5.00")
    )
    Fee.objects.create(
        booking_key="998",
        name="Alt",
        description="Alte Gebühr",
        amount=Decimal("1.00"),
        active=False,
    )
    Resource.objects.create(name="Raum 1", capacity=4)
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", page)
    assert "Ja" in cells
    assert "True" not in cells and "False" not in cells


def test_a_form_with_errors_says_so_without_the_stilted_objekt(admin_client):
    """Wagtail's German "Das „Gebühr“-Objekt konnte … nicht erstellt werden" is replaced by
    the override catalogue (portal_site/locale/overrides)."""
    page = admin_client.post(
        "/admin/gebuehren/new/", {"booking_key": ""}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "nicht angelegt. Bitte prüfen Sie die markierten Felder." in page
    assert "-Objekt" not in page

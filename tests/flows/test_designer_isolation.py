"""A designer composes the processes and resources of their own offices only: imports,
copies, history, usage, editing and deleting never reach another office's records, and a
refused import changes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from flows.designer import sharing
from flows.designer.models import ProcessDesign, Resource
from portal_site.accounts import roles
from portal_site.accounts.models import OrgUnit
from tests.factories import UserFactory
from tests.flows.test_designer_steps import task

pytestmark = pytest.mark.django_db

END = {"kind": "end", "id": "ende", "outcome": "completed"}


def definition(key: str, office: str, title: str) -> dict:
    return {
        "format": sharing.FORMAT,
        "key": key,
        "name": f"Prozess {title}",
        "office": office,
        "inputs": [],
        "steps": [task("pruefen", "ende", title=title), END],
    }


@pytest.fixture
def offices(staff):
    """Designer A of the registry office (34), designer B of the archive (41.2); B's
    process and room."""
    registry, archive = OrgUnit.objects.get(short_name="34"), OrgUnit.objects.get(short_name="41.2")
    a = UserFactory(username="gestaltung-a", role=roles.PROCESS_DESIGNER, org_unit=registry)
    b = UserFactory(username="gestaltung-b", role=roles.PROCESS_DESIGNER, org_unit=archive)
    design_b = sharing.import_design(definition("archiv-prozess", "41.2", "Archiv prüft"))
    room = Resource.objects.create(name="Lesesaal", capacity=20, office=archive)
    return {"a": a, "b": b, "design_b": design_b, "room": room}


def upload(client, data) -> str:
    payload = data if isinstance(data, bytes) else json.dumps(data).encode()
    response = client.post(
        "/admin/prozesse/importieren/",
        {"file": SimpleUploadedFile("p.json", payload, "application/json")},
    )
    assert response.status_code == 200  # the form again, with the reason
    return response.content.decode()


def unchanged(design: ProcessDesign) -> None:
    stored = ProcessDesign.objects.get(pk=design.pk)
    assert stored.office.short_name == "41.2"
    assert stored.name == "Prozess Archiv prüft"
    assert stored.definition()["steps"][0]["title"] == "Archiv prüft"


def test_an_import_with_another_offices_key_is_refused_and_changes_nothing(offices, client):
    client.force_login(offices["a"])
    page = upload(client, definition("archiv-prozess", "34", "Standesamt übernimmt"))
    assert "gehört einer anderen Stelle" in page
    unchanged(offices["design_b"])
    page = upload(client, definition("archiv-prozess", "41.2", "Standesamt übernimmt"))
    assert "nur Prozesse Ihrer eigenen Stelle" in page
    unchanged(offices["design_b"])
    assert ProcessDesign.objects.count() == 1


def test_the_owner_imports_over_their_own_design(offices, client):
    client.force_login(offices["b"])
    response = client.post(
        "/admin/prozesse/importieren/",
        {
            "file": SimpleUploadedFile(
                "p.json",
                json.dumps(definition("archiv-prozess", "41.2", "Neu")).encode(),
                "application/json",
            )
        },
    )
    assert response.status_code == 302
    assert (
        ProcessDesign.objects.get(key="archiv-prozess").definition()["steps"][0]["title"] == "Neu"
    )


def test_a_deeply_nested_import_is_refused_with_a_message(offices, client):
    client.force_login(offices["a"])
    page = upload(client, b'{"steps": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert "kein lesbares JSON" in page or "nicht lesbar" in page


@pytest.mark.parametrize("view", ["edit", "copy", "history", "usage", "delete", "inspect"])
def test_another_offices_design_is_not_found_in_any_view(offices, client, view):
    client.force_login(offices["a"])
    design = offices["design_b"]
    assert client.get(f"/admin/prozesse/{view}/{design.pk}/").status_code in (403, 404)
    client.post(f"/admin/prozesse/{view}/{design.pk}/", {"name": "Übernommen", "key": "x"})
    unchanged(design)
    client.force_login(offices["b"])
    assert client.get(f"/admin/prozesse/edit/{design.pk}/").status_code == 200


@pytest.mark.parametrize("view", ["edit", "copy", "history", "usage", "delete"])
def test_another_offices_resource_is_not_found_in_any_view(offices, client, view):
    client.force_login(offices["a"])
    room = offices["room"]
    assert client.get(f"/admin/ressourcen/{view}/{room.pk}/").status_code in (403, 404)
    client.post(
        f"/admin/ressourcen/{view}/{room.pk}/",
        {"name": "Lesesaal", "kind": "room", "capacity": 1, "active": "on"},
    )
    room.refresh_from_db()
    assert room.capacity == 20 and Resource.objects.filter(pk=room.pk).exists()
    index = client.get("/admin/ressourcen/").content.decode()
    assert "Lesesaal" not in index
    client.force_login(offices["b"])
    assert client.get(f"/admin/ressourcen/edit/{room.pk}/").status_code == 200


def _viewset_patterns(*prefixes: str) -> list[str]:
    """Every URL of the designer's and the resources' viewsets that takes a key, from the
    URLconf (Wagtail's generic views included: a new one is covered the moment it exists)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(resolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, text)
            elif isinstance(entry, URLPattern) and "<" in text and text.startswith(prefixes):
                found.append(text)

    walk(get_resolver(), "")
    return found


def test_no_view_of_the_designers_viewsets_shows_or_changes_another_offices_records(
    offices, client
):
    import re

    patterns = _viewset_patterns("admin/prozesse/", "admin/ressourcen/")
    assert len(patterns) >= 12  # edit, copy, history, usage, delete, publish, export, …
    client.force_login(offices["a"])
    design, room = offices["design_b"], offices["room"]
    for pattern in patterns:
        key = room.pk if pattern.startswith("admin/ressourcen/") else design.pk
        path = "/" + re.sub(r"<(?:\w+:)?\w+>", str(key), pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(path, {"name": "Übernommen", "capacity": 1})
            body = response.content.decode(errors="replace") if response.status_code == 200 else ""
            assert "Archiv prüft" not in body and "Lesesaal" not in body, (method, path)
            assert response.status_code < 500, (method, path)
    unchanged(design)
    room.refresh_from_db()
    assert room.name == "Lesesaal" and room.capacity == 20

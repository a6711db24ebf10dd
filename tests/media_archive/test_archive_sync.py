"""The archive's holdings synchronised from a WebDAV folder with a metadata sheet
(media_archive.sync, media_archive.sync_sources.webdav), against a real WebDAV server."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from PIL import Image

from media_archive.models import ArchiveImage, SyncRun
from media_archive.sync import synchronise
from media_archive.sync_sources.webdav import WebDAVSource
from tests import webdav_server

pytestmark = pytest.mark.django_db

HEADER = "Datei;Signatur;Titel;Datierung;Jahr von;Ort;Schlagworte;Rechte\n"


def _jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _sheet(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def folder(tmp_path, settings):
    server = webdav_server.start(tmp_path / "dav")
    holdings = server.root / "bestand"
    holdings.mkdir()
    settings.ARCHIVE_SYNC_WEBDAV_URL = server.url
    settings.ARCHIVE_SYNC_WEBDAV_USER = webdav_server.USER
    settings.ARCHIVE_SYNC_WEBDAV_PASSWORD = webdav_server.PASSWORD
    settings.ARCHIVE_SYNC_WEBDAV_FOLDER = "bestand"
    for number, colour in enumerate(("red", "green", "blue"), start=1):
        (holdings / f"foto{number}.jpg").write_bytes(_jpeg(colour))
    (holdings / "ohne-zeile.jpg").write_bytes(_jpeg("white"))
    (holdings / "metadaten.csv").write_bytes(
        _sheet(
            [
                "foto1.jpg;F-1;Königsplatz;um 1910;1910;Kassel;Platz, Straßenbahn;Stadtarchiv",
                "foto2.jpg;F-2;Rathaus;1925;1925;Kassel;Rathaus;gemeinfrei",
                "foto3.jpg;F-3;Wilhelmshöhe;1950;1950;Kassel;Park;Stadtarchiv",
            ]
        )
    )
    server.holdings = holdings
    yield server
    server.stop()


def test_new_changed_removed_and_refused_items_are_taken_over_incrementally(folder):
    source = WebDAVSource()
    assert source.check_config() == []
    first = synchronise(source)
    assert (first.created, first.updated, first.removed, first.error) == (3, 0, 0, "")
    assert [name for name, _reason in first.refused] == ["ohne-zeile.jpg"]
    square = ArchiveImage.objects.get(signature="F-1")
    assert square.title == "Königsplatz" and square.in_archive and square.published
    assert sorted(square.tags.names()) == ["Platz", "Straßenbahn"]

    again = synchronise(source)  # nothing changed: nothing fetched, nothing written
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    sheet = folder.holdings / "metadaten.csv"
    sheet.write_bytes(sheet.read_bytes().replace(b"Rathaus;1925", b"Neues Rathaus;1925"))
    (folder.holdings / "foto3.jpg").write_bytes(_jpeg("black"))
    (folder.holdings / "foto1.jpg").unlink()
    third = synchronise(source)
    assert (third.created, third.updated, third.removed) == (0, 2, 1)
    assert ArchiveImage.objects.get(signature="F-2").title == "Neues Rathaus"
    gone = ArchiveImage.objects.get(signature="F-1")
    assert not gone.in_archive and not gone.published  # out of the archive, kept for orders
    assert SyncRun.objects.count() == 3


def test_a_run_broken_off_is_finished_by_the_next_one(folder):
    folder.faults.fail_downloads_after = 1  # the server fails after the first image
    broken = synchronise(WebDAVSource())
    assert broken.error and broken.created == 1 and ArchiveImage.objects.count() == 1
    folder.faults.fail_downloads_after = -1
    resumed = synchronise(WebDAVSource())
    assert (resumed.created, resumed.unchanged, resumed.error) == (2, 1, "")
    assert ArchiveImage.objects.filter(signature__in=["F-1", "F-2", "F-3"]).count() == 3


def test_the_command_prints_the_report(folder, capsys):
    call_command("sync_archive")
    out = capsys.readouterr().out
    assert "webdav: 3 new" in out and "ohne-zeile.jpg" in out


def test_a_folder_without_a_sheet_or_a_wrong_password_is_named(folder, settings):
    (folder.holdings / "metadaten.csv").unlink()
    [problem] = WebDAVSource().check_config()
    assert "metadaten" in problem
    settings.ARCHIVE_SYNC_WEBDAV_PASSWORD = "falsch"
    [problem] = WebDAVSource().check_config()
    assert "401" in problem or "WebDAV" in problem

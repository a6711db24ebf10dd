"""The archive's holdings synchronised from a SharePoint Online library through Graph
delta (media_archive.sync_sources.sharepoint), against the loopback Graph stand-in
written from Microsoft's Graph v1.0 reference (tests/graph_standin.py): no Microsoft
service is reachable here."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from PIL import Image

from media_archive.models import ArchiveImage, SyncRun
from media_archive.sync import synchronise
from media_archive.sync_sources.sharepoint import SharePointSource, columns, plain
from tests import graph_standin

pytestmark = pytest.mark.django_db


def _jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def library(settings):
    stand_in = graph_standin.start(drive="b!stadtarchiv-bilder", columns=())
    settings.ARCHIVE_SYNC_SHAREPOINT_TENANT = "kassel.onmicrosoft.com"
    settings.ARCHIVE_SYNC_SHAREPOINT_CLIENT_ID = graph_standin.CLIENT_ID
    settings.ARCHIVE_SYNC_SHAREPOINT_CLIENT_SECRET = graph_standin.CLIENT_SECRET
    settings.ARCHIVE_SYNC_SHAREPOINT_DRIVE_ID = "b!stadtarchiv-bilder"
    settings.ARCHIVE_SYNC_SHAREPOINT_GRAPH_URL = stand_in.url
    settings.ARCHIVE_SYNC_SHAREPOINT_TOKEN_URL = f"{stand_in.url}/tenant/oauth2/v2.0/token"
    books = stand_in.library
    books.page_size = 2  # several delta pages already with a handful of items
    photos = [
        ("Bestand/foto1.jpg", "red", "F-1", "Königsplatz", ["Platz", "Straßenbahn"]),
        ("Bestand/foto2.jpg", "green", "F-2", "Rathaus", ["Rathaus"]),
        ("Bestand/foto3.jpg", "blue", "F-3", "Wilhelmshöhe", [{"Label": "Park"}]),
    ]
    for path, colour, signature, title, keywords in photos:
        books.put(path, _jpeg(colour))
        books.set_fields(
            path,
            {
                "Signatur": signature,
                "Title": title,
                "Datierung": "um 1910",
                "JahrVon": 1910.0,
                "Ort": "Kassel",
                "Schlagworte": keywords,
                "Rechte": "Stadtarchiv",
                "Veroeffentlicht": True,
            },
        )
    books.put("Bestand/ohne-signatur.jpg", _jpeg("white"))
    books.put("Bestand/Findbuch.xml", b"<findbuch/>")  # not an image: not a holding
    yield stand_in
    stand_in.stop()


def test_delta_takes_new_changed_and_deleted_items_incrementally(library):
    books, source = library.library, SharePointSource()
    assert source.check_config() == []
    first = synchronise(source)
    assert (first.created, first.updated, first.removed, first.error) == (3, 0, 0, "")
    assert [name for name, _reason in first.refused] == ["ohne-signatur.jpg"]
    assert first.cursor == str(books.change)  # the delta link's token, kept for the next run
    square = ArchiveImage.objects.get(signature="F-1")
    assert square.title == "Königsplatz" and square.year_from == 1910 and square.published
    assert sorted(square.tags.names()) == ["Platz", "Straßenbahn"]
    assert ArchiveImage.objects.get(signature="F-3").tags.names()[0] == "Park"

    downloads = sum(1 for method, path in books.requests if path.startswith("/download/"))
    again = synchronise(source)  # nothing changed: the delta is empty, nothing read
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 0, 0)
    assert sum(1 for _m, p in books.requests if p.startswith("/download/")) == downloads

    books.set_fields("Bestand/foto2.jpg", {"Title": "Neues Rathaus"})  # metadata only
    books.put("Bestand/foto3.jpg", _jpeg("black"))  # new content
    books.delete("Bestand/foto1.jpg")
    books.set_fields("Bestand/ohne-signatur.jpg", {"Signatur": "F-4", "Title": "Nachgetragen"})
    third = synchronise(source)
    assert (third.created, third.updated, third.removed, third.refused) == (1, 2, 1, [])
    assert sum(1 for _m, p in books.requests if p.startswith("/download/")) == downloads + 2
    assert ArchiveImage.objects.get(signature="F-2").title == "Neues Rathaus"
    assert ArchiveImage.objects.get(signature="F-4").title == "Nachgetragen"
    gone = ArchiveImage.objects.get(signature="F-1")
    assert not gone.in_archive and not gone.published  # out of the archive, kept for orders
    assert {m for m, p in books.requests if "/delta" in p} == {"GET"}


def test_a_run_broken_off_keeps_its_items_and_the_next_asks_from_the_last_good_cursor(
    library,
):
    books = library.library
    books.fail_fields_after = 1  # Graph answers 503 after the first item's columns
    broken = synchronise(SharePointSource())
    assert broken.error and broken.created == 1 and broken.cursor == ""
    books.fail_fields_after = -1
    resumed = synchronise(SharePointSource())
    assert (resumed.created, resumed.unchanged, resumed.error) == (2, 1, "")
    assert ArchiveImage.objects.filter(signature__in=["F-1", "F-2", "F-3"]).count() == 3


def test_an_expired_delta_token_enumerates_the_library_again(library):
    books = library.library
    synchronise(SharePointSource())
    books.delete("Bestand/foto2.jpg")
    books.oldest_token = books.change + 1  # every token handed out so far has expired
    resynced = synchronise(SharePointSource())
    assert (resynced.removed, resynced.unchanged, resynced.error) == (1, 2, "")
    assert not ArchiveImage.objects.get(signature="F-2").in_archive
    assert resynced.cursor == str(books.change)


def test_the_command_prints_the_report_and_bad_credentials_are_named(library, settings, capsys):
    call_command("sync_archive")
    assert "sharepoint: 3 new" in capsys.readouterr().out
    assert SyncRun.objects.filter(source="sharepoint").count() == 1
    settings.ARCHIVE_SYNC_SHAREPOINT_CLIENT_SECRET = "falsch"
    [problem] = SharePointSource().check_config()
    assert "SharePoint" in problem and "401" in problem


def test_column_values_read_as_the_bulk_import_reads_them(settings):
    assert plain([{"Label": "Park"}, "Brunnen"]) == "Park, Brunnen"
    assert plain(True) == "ja" and plain(1925.0) == "1925"
    assert plain("1925-05-14T00:00:00Z") == "14.05.1925"
    settings.ARCHIVE_SYNC_SHAREPOINT_COLUMNS = "Inventarnummer=Signatur, Aufnahmeort=place"
    mapped = columns()
    assert mapped["Inventarnummer"] == "signature" and "Signatur" not in mapped
    assert mapped["Aufnahmeort"] == "place" and "Ort" not in mapped

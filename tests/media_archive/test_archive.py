"""The archive's holdings: import, search with facets, watermarked previews, private originals."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from PIL import Image, ImageChops

from media_archive import selectors
from media_archive.demo import drawn_photo
from media_archive.importing import import_archive
from media_archive.models import ArchiveImage
from portal_site.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def _sheet(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Datei", "Signatur", "Titel", "Jahr von", "Ort", "Schlagworte", "Rechte"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_import_lands_good_rows_and_reports_each_bad_one(demo):
    files = {"a.jpg": drawn_photo("A", 1, (400, 300)), "broken.jpg": b"not an image"}
    report = import_archive(
        sheet=_sheet(
            [
                ["a.jpg", "S 9 Nr. 1", "Markthalle", "1961", "Altstadt", "Markt, Handel", ""],
                ["missing.jpg", "S 9 Nr. 2", "Fehlt", "1961", "", "", ""],
                ["broken.jpg", "S 9 Nr. 3", "Kaputt", "1961", "", "", ""],
                ["a.jpg", "", "Ohne Signatur", "1961", "", "", ""],
                ["a.jpg", "S 9 Nr. 5", "Falsches Jahr", "neunzehnhundert", "", "", ""],
                ["a.jpg", "S 9 Nr. 6", "Falsche Rechte", "1961", "", "", "geheim"],
            ]
        ),
        sheet_name="bestand.csv",
        files=files.get,
    )
    assert (report.created, report.updated) == (1, 0)
    reasons = dict(report.rejected)
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "nicht im Upload" in reasons[3]
    assert "kein lesbares Bild" in reasons[4]
    assert "Signatur fehlt" in reasons[5]
    assert "keine Jahreszahl" in reasons[6]
    assert "Unbekannter Rechtestatus" in reasons[7]
    image = ArchiveImage.objects.get(signature="S 9 Nr. 1")
    assert sorted(image.tags.names()) == ["Handel", "Markt"]
    assert image.in_archive and image.published and image.year_from == 1961

    again = import_archive(
        sheet=_sheet([["", "S 9 Nr. 1", "Markthalle Kassel", "1962", "Altstadt", "Markt", ""]]),
        sheet_name="bestand.csv",
        files=files.get,
    )
    assert (again.created, again.updated, again.rejected) == (0, 1, [])
    image.refresh_from_db()
    assert image.title == "Markthalle Kassel" and image.year_from == 1962


def test_unreadable_sheet_is_reported_not_raised(db):
    report = import_archive(sheet=b"\x00\x01", sheet_name="x.xlsx", files=lambda name: None)
    assert report.rejected and report.created == 0


def test_search_every_word_must_match_and_facets_count_the_results(demo):
    result = selectors.search(selectors.Filters(query="documenta"))
    titles = {image.title for image in result.images}
    assert titles == {
        "documenta 1: Museum Fridericianum",
        "documenta 7: 7000 Eichen, erster Basaltstein",
        "Orangerie in der Karlsaue",  # keyword documenta
    }
    both = selectors.search(selectors.Filters(query="documenta friedrichsplatz"))
    assert {i.title for i in both.images} == {
        "documenta 1: Museum Fridericianum",
        "documenta 7: 7000 Eichen, erster Basaltstein",
    }
    places = {f.value: f.count for f in result.facets["place"]}
    assert places == {"Friedrichsplatz": 2, "Karlsaue": 1}
    decades = {f.value: f.count for f in result.facets["decade"]}
    assert decades == {"1950": 1, "1960": 1, "1980": 1}


def test_each_facet_narrows_the_results(demo):
    def titles(**kwargs):
        return {i.title for i in selectors.search(selectors.Filters(**kwargs)).images}

    assert titles(decade=1930) == {"Herkules im Bergpark Wilhelmshöhe"}
    assert titles(decade=1920) == {"Obere Königsstraße mit Rathaus", "Fuldaufer mit Drahtbrücke"}
    assert titles(place="Wilhelmshöhe") == {
        "Herkules im Bergpark Wilhelmshöhe",
        "Löwenburg im Winter",
    }
    assert titles(keyword="Bergpark", decade=1970) == {"Löwenburg im Winter"}
    assert len(titles(series="Ansichtskarten")) == 3
    ordered = list(selectors.search(selectors.Filters(sort="year")).images)
    assert [i.year_from for i in ordered] == sorted(i.year_from for i in ordered)


def test_unpublished_and_web_page_images_are_not_in_the_research(demo, client):
    hidden = ArchiveImage.objects.get(signature="S 01 Nr. 1955-014")
    hidden.published = False
    hidden.save()
    assert "Königsplatz" not in {i.title for i in selectors.search(selectors.Filters()).images}
    assert client.get(reverse("media_archive:detail", args=[hidden.pk])).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        "?q=%00%ff&jahrzehnt=abc&sortierung=evil&seite=-4",
        "?jahrzehnt=99999&ort=" + "x" * 5000,
        "?seite=999",
    ],
)
def test_bad_parameters_give_a_normal_page(demo, client, params):
    response = client.get(reverse("media_archive:research") + params)
    assert response.status_code == 200


def test_research_page_shows_watermarked_previews_and_facet_links(demo, client):
    page = client.get(reverse("media_archive:research") + "?q=Herkules").content.decode()
    assert "Herkules im Bergpark Wilhelmshöhe" in page
    assert "/archiv/datei/" in page and "/media/" not in page
    detail = ArchiveImage.objects.get(signature="S 03 Nr. 1936-007")
    html = client.get(reverse("media_archive:detail", args=[detail.pk])).content.decode()
    assert "S 03 Nr. 1936-007" in html and "Walter Thieme" in html
    assert "Löwenburg im Winter" in html  # related: same place keyword "Bergpark"


def _file_token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_originals_are_never_public_and_previews_are_watermarked(demo, client):
    image = ArchiveImage.objects.get(signature="S 01 Nr. 1961-087")
    original_url = image.file.url
    assert original_url.startswith("/archiv/datei/")
    assert client.get(original_url).status_code == 404
    assert client.get("/media/" + image.file.name).status_code == 404
    # An unmarked rendition (as the admin makes them) is for staff only.
    admin_rendition = image.get_rendition("max-800x600")
    assert client.get(admin_rendition.url).status_code == 404
    # A forged token finds nothing.
    assert client.get("/archiv/datei/images-original.jpg/").status_code == 404

    preview = image.get_rendition(selectors.PUBLIC_FILTERS["preview"])
    response = client.get(preview.url)
    assert response.status_code == 200
    marked = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")
    plain = Image.open(admin_rendition.file).convert("RGB").resize(marked.size)
    difference = ImageChops.difference(marked, plain).getbbox()
    assert difference is not None  # the watermark changed the picture

    client.force_login(User.objects.get(username="stadtarchiv"))
    assert client.get(original_url).status_code == 200
    assert client.get(admin_rendition.url).status_code == 200


def test_decades_are_counted_by_the_database_not_from_every_year(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        facets = selectors.search(selectors.Filters(keyword="Bergpark")).facets
    decades = {f.value: f.count for f in facets["decade"]}
    assert decades and all(int(value) % 10 == 0 for value in decades)
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    # four facets, each one grouped query: no query reads the years one by one
    assert len(grouped) == 4
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not any("year_from" in sql and "GROUP BY" not in sql for sql in sqls)

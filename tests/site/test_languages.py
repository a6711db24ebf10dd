"""Both languages on every portal page: German without a prefix, English under /en/,
and the language switch keeps the visitor on the same page."""

from __future__ import annotations

import pytest

from serviceportal.submission import status_path
from tests.factories import case_for, city_staff

pytestmark = pytest.mark.django_db

PAGES = [
    ("/archiv/", "Photo archive", "Fotoarchiv"),
    ("/konto/", "My account", "Mein Konto"),
    ("/anmelden/", "Log in for organisations", "Anmeldung für Organisationen"),
    ("/archiv/warenkorb/", "Basket", "Warenkorb"),
]


@pytest.mark.parametrize(("path", "english", "german"), PAGES)
def test_every_portal_page_answers_in_both_languages(demo, client, path, english, german):
    german_page = client.get(path)
    assert german_page.status_code == 200
    assert 'lang="de"' in german_page.content.decode()
    english_page = client.get("/en" + path)
    assert english_page.status_code == 200, path
    content = english_page.content.decode()
    assert 'lang="en"' in content and english in content
    assert german not in content


def test_the_switch_keeps_the_page_and_links_stay_in_the_language(demo, client):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/archiv/?q=rathaus"})
    assert switched.status_code == 302 and switched["Location"] == "/en/archiv/?q=rathaus"
    english = client.get("/en/archiv/").content.decode()
    assert 'href="/en/archiv/"' in english and 'href="/en/konto/"' in english
    back = client.post("/i18n/setlang/", {"language": "de", "next": "/en/konto/"})
    assert back["Location"] == "/konto/"
    page = client.post("/i18n/setlang/", {"language": "en", "next": "/online-dienste/"})
    assert page["Location"] == "/en/online-dienste/"


def test_the_status_page_speaks_the_readers_language(db, client):
    staff = city_staff()
    case = case_for("generic", office=staff["standesamt"].org_unit, values={}, inputs={})
    german = client.get(status_path(case)).content.decode()
    assert "Stand Ihres Vorgangs" in german and "Eingegangen" in german
    english = client.get("/en" + status_path(case)).content.decode()
    assert "Status of your case" in english and "Received" in english
    assert "Eingegangen" not in english


# Words of the portal's own German user interface; none may stand in an English page's
# main content (the demo's archive data, titles of images, stay as catalogued).
GERMAN_UI_WORDS = [
    "Zurück",
    "Weiter",
    "Warenkorb",
    "Suchen",
    "Bitte",
    "Ihre ",
    "Ihr ",
    "Vorgang",
    "Eingegangen",
    "bezahlen",
    "Anmelden",
    "Abmelden",
    "Fotoarchiv",
    "Mein Konto",
    "E-Mail-Adresse",
    "Organisationen",
    "Anmeldelink",
    "Ergebnisse",
    "Nutzungsart",
]
ENGLISH_UI_WORDS = ["Back", "Basket", "Search", "Please", "Your ", "Case", "Received", "Log in"]


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_english_pages_hold_no_german_interface_words_and_german_no_english(db, client):
    from tests.factories import archive_images

    staff = city_staff()
    archive_images("S 01 Nr. 1955-014", "S 01 Nr. 1955-102")
    case = case_for("generic", office=staff["standesamt"].org_unit, values={}, inputs={})
    paths = ["/archiv/", "/archiv/warenkorb/", "/konto/", "/anmelden/", status_path(case)]
    for path in paths:
        english = _main(client.get("/en" + path).content.decode())
        assert [w for w in GERMAN_UI_WORDS if w in english] == [], path
        german = _main(client.get(path).content.decode())
        assert [w for w in ENGLISH_UI_WORDS if w in german] == [], path

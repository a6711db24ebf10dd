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

"""Page slugs and titles as a German reader expects them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from wagtail.models import Page

from serviceportal.models import ContentPage
from serviceportal.slugs import german_slug

pytestmark = pytest.mark.django_db

SOFT = "\u00ad"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Sperrmüll", "sperrmuell"),
        ("Größe & Maße", "groesse-masse"),
        ("Übersicht Ämter", "uebersicht-aemter"),
        ("Café Öffnungszeiten", "cafe-oeffnungszeiten"),
    ],
)
def test_german_titles_become_transliterated_ascii_slugs(title, slug):
    assert german_slug(title) == slug


def test_a_page_saved_without_slug_or_with_umlauts_gets_the_german_spelling():
    root = Page.get_first_root_node()
    made = root.add_child(instance=ContentPage(title="Sperrmüll"))
    assert made.slug == "sperrmuell"
    assert made.url_path.endswith("/sperrmuell/")
    typed = root.add_child(instance=ContentPage(title="Andere", slug="straßen-öffnung"))
    assert typed.slug == "strassen-oeffnung"
    twin = root.add_child(instance=ContentPage(title="Sperrmüll"))
    assert twin.slug == "sperrmuell-2"


def _hyphenated(text: str, language: str) -> str:
    with translation.override(language):
        return Template("{% load portal_text %}{{ text|hyphenate }}").render(
            Context({"text": text})
        )


def test_long_words_get_soft_hyphens_in_the_page_language():
    german = _hyphenated("Personenstandsurkunden anfordern", "de")
    assert SOFT in german.split(" ")[0]
    assert german.replace(SOFT, "") == "Personenstandsurkunden anfordern"
    assert german.split(" ")[1] == "anfordern"  # short words stay whole
    english = _hyphenated("Responsibilities", "en")
    assert SOFT in english and english.replace(SOFT, "") == "Responsibilities"


def test_hyphenation_keeps_html_escaped():
    assert _hyphenated("<b>Verwaltungsgebühren</b>", "de").startswith("&lt;b&gt;")


def test_the_home_page_tiles_carry_soft_hyphens(demo, client):
    body = client.get("/").content.decode()
    tile = next(line for line in body.splitlines() if "/personenstandsurkunden/" in line)
    assert SOFT in tile
    assert "Personenstandsurkunden anfordern" in tile.replace(SOFT, "")


@pytest.mark.parametrize(
    ("label", "lead"),
    [
        ("Name", "Name:"),
        ("Ich habe die Hinweise gelesen.", "Ich habe die Hinweise gelesen:"),
        ("Postleitzahl:", "Postleitzahl:"),
        ("Sind Sie verheiratet?", "Sind Sie verheiratet?"),
    ],
)
def test_error_summary_leads_into_the_message_without_double_punctuation(label, lead):
    rendered = Template("{% load portal_text %}{{ label|lead_in }}").render(
        Context({"label": label})
    )
    assert rendered == lead


def test_the_consent_box_left_empty_reads_well_in_the_error_summary(demo, client):
    from serviceportal.form_pages import ServiceFormPage
    from tests.serviceportal.builders import Applicant

    form = ServiceFormPage.objects.get(
        locale__language_code="de", slug="personenstandsurkunden-anfordern"
    )
    response = Applicant(client, form).next({})
    content = response.content.decode()
    assert "gelesen:" in content
    assert "Dieses Feld muss ausgefüllt werden." in content
    assert ".: " not in content

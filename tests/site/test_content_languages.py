"""Page content in both languages: the demo tree exists in English (Wagtail locales), every
CMS page and form answers in the reader's language, choices keep their stored values, and
the switch finds a page's translation even under a slug of its own."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page

from portal_site.cases.models import Case
from serviceportal.demo_english import FORM_TEXTS, translate_steps
from serviceportal.form_definition import build_steps, parse_choices
from serviceportal.form_engine import display_value
from serviceportal.form_pages import ServiceFormPage
from serviceportal.models import HomePage
from tests.serviceportal.builders import Applicant

# German words of the demo's content and the portal's interface; none may stand in the
# main content or navigation of an English page.
GERMAN_WORDS = [
    "Urkunde",
    "Anmeldung",
    "Ihre ",
    "Ihr ",
    "Gebühren",
    "Bearbeitungszeit",
    "beantragen",
    "Zurück",
    "Weiter",
    "Angaben",
    "Bitte",
    "Online-Dienste",
    "Kontakt",
    "Datenschutz",
    "Antrag",
    "Vorname",
    "Stadtarchiv",
    "Briefkasten",
]
ENGLISH_WORDS = ["Certificate", "Your ", "Fees", "Apply online", "Online services", "Contact"]


def _visible(html: str) -> str:
    """The header navigation, the breadcrumbs and the main content."""
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return header.split('class="language', 1)[0] + main


@pytest.mark.django_db
def test_every_german_demo_page_has_a_live_english_translation(demo):
    english = Locale.objects.get(language_code="en")
    german = Page.objects.live().filter(locale__language_code="de", depth__gt=1)
    assert german.count() >= 15
    for page in german:
        translation = page.get_translation_or_none(english)
        assert translation is not None and translation.live, page.title
        assert translation.title != page.title or page.title == "Start", page.title


@pytest.mark.django_db
def test_english_cms_pages_hold_no_german_words_and_german_pages_no_english(demo, client):
    for page in Page.objects.live().filter(depth__gt=1).specific():
        html = client.get(page.url).content.decode()
        visible = _visible(html)
        if page.locale.language_code == "en":
            assert page.url.startswith("/en/"), page.url
            assert [w for w in GERMAN_WORDS if w in visible] == [], page.url
        else:
            assert [w for w in ENGLISH_WORDS if w in visible] == [], page.url


def test_every_text_of_the_demo_forms_has_an_english_version(demo):
    for page in ServiceFormPage.objects.filter(locale__language_code="de"):
        for step in build_steps(page.steps):
            texts = [step.title, step.intro]
            for field in step.fields:
                texts += [field.label, field.help_text, field.placeholder, *field.choices]
            missing = [t for t in texts if t and not t[:2].isdigit() and t not in FORM_TEXTS]
            assert missing == [], page.slug


def test_choices_keep_their_stored_value_and_show_their_own_text():
    assert parse_choices("Geburtsurkunde | Birth certificate\nSonstiges\n | leer\n") == (
        ("Geburtsurkunde", "Birth certificate"),
        ("Sonstiges", "Sonstiges"),
    )
    raw = [
        {
            "type": "step",
            "value": {
                "title": "Frage",
                "intro": "",
                "condition": {"field": "", "values": ""},
                "fields": [
                    {
                        "label": "Welche Urkundenart wollen Sie anfordern?",
                        "name": "urkundenart",
                        "field_type": "radio",
                        "choices": "Geburtsurkunde\nSterbeurkunde",
                        "help_text": "",
                        "placeholder": "",
                    }
                ],
            },
        }
    ]
    [step] = translate_steps(raw)
    field = step["value"]["fields"][0]
    assert field["label"] == "Which kind of certificate do you need?"
    assert (
        field["choices"] == "Geburtsurkunde | Birth certificate\nSterbeurkunde | Death certificate"
    )


@pytest.mark.django_db(transaction=True)
def test_the_english_form_stores_the_same_values_and_shows_english_choices(demo, client):
    page = ServiceFormPage.objects.get(
        locale__language_code="en", slug="personenstandsurkunden-anfordern"
    )
    applicant = Applicant(client, page)
    assert applicant.url.startswith("/en/")
    first = client.get(applicant.url).content.decode()
    assert "I have read the information" in first and "Bitte" not in _visible(first)
    applicant.next({"datenschutz": "on"})
    applicant.next(
        {
            "anrede": "Frau",
            "name": "Jones",
            "vorname": "Ann",
            "postleitzahl": "34117",
            "ort": "Kassel",
            "strasse": "Main Street 1",
            "email": "ann.jones@example.org",
        }
    )
    question = client.get(applicant.url).content.decode()
    assert 'value="Geburtsurkunde"' in question and "Birth certificate" in question
    applicant.next({"urkundenart": "Geburtsurkunde"})
    details = client.get(applicant.url).content.decode()
    assert "Details of the birth certificate" in details  # the condition held
    applicant.next(
        {
            "geburt_zweck": "Familienforschung",
            "geburt_anzahl": "2",
            "geburt_format": "Geburtsurkunde DIN A4-Format",
            "geburt_berechtigt": "beurkundete Person",
            "geburt_geburtsname": "Jones",
            "geburt_familienname": "Jones",
            "geburt_vorname": "Ann",
            "geburt_datum": "1980-02-03",
            "geburt_ort": "Kassel",
        }
    )
    summary = client.get(applicant.url).content.decode()
    assert "Family research" in summary and "Birth certificate, A4" in summary
    assert "Familienforschung" not in summary
    applicant.submit()
    case = Case.objects.get()
    assert case.data["values"]["urkundenart"] == "Geburtsurkunde"
    assert case.data["values"]["geburt_zweck"] == "Familienforschung"


def test_a_shown_text_is_what_the_summary_reads(demo):
    page = ServiceFormPage.objects.get(
        locale__language_code="en", slug="personenstandsurkunden-anfordern"
    )
    spec = next(
        f for step in build_steps(page.steps) for f in step.fields if f.name == "urkundenart"
    )
    assert display_value(spec, "Sterbeurkunde") == "Death certificate"
    assert display_value(spec, "unbekannt") == "unbekannt"


@pytest.mark.django_db
def test_the_switch_goes_to_the_translation_under_its_own_slug(demo, client):
    english = Locale.objects.get(language_code="en")
    german_page = Page.objects.get(locale__language_code="de", slug="kontakt")
    translation = german_page.get_translation(english).specific
    translation.slug = "contact"
    translation.save_revision().publish()
    to_english = client.post("/i18n/setlang/", {"language": "en", "next": "/kontakt/"})
    assert to_english["Location"] == "/en/contact/"
    assert client.get("/en/contact/").status_code == 200
    to_german = client.post("/i18n/setlang/", {"language": "de", "next": "/en/contact/"})
    assert to_german["Location"] == "/kontakt/"
    # a page with no translation leads to the home page in the other language
    translation.unpublish()
    assert (
        client.post("/i18n/setlang/", {"language": "en", "next": "/kontakt/"})["Location"]
        == HomePage.objects.get(locale=english).url
    )


@pytest.mark.django_db
def test_an_editor_may_translate_a_page_into_english(demo, client):
    editor = get_user_model().objects.get(username="redaktion")
    client.force_login(editor)
    page = Page.objects.get(locale__language_code="de", slug="datenschutz")
    form = client.get(f"/admin/translation/submit/page/{page.pk}/")
    assert form.status_code == 200
    # the English copy exists in the demo, so "Übersetzen" offers no locale left:
    # a new German page is copied into English by the same view
    home = HomePage.objects.get(locale__language_code="de")
    new = home.add_child(instance=type(page.specific)(title="Sperrmüll", slug="sperrmuell"))
    new.save_revision().publish()
    english = Locale.objects.get(language_code="en")
    response = client.post(f"/admin/translation/submit/page/{new.pk}/", {"locales": [english.pk]})
    assert response.status_code == 302
    copy = new.get_translation(english)
    assert copy.slug == "sperrmuell" and copy.get_parent().locale == english


@pytest.mark.django_db
def test_the_navigation_is_the_readers_language_in_one_query(demo, rf, django_assert_num_queries):
    from django.utils import translation

    from serviceportal.context_processors import navigation

    request = rf.get("/")
    pages = navigation(request)["site_nav_pages"]  # nothing read until the header needs it
    with django_assert_num_queries(1):
        german = [page.title for page in pages]
    assert german == ["Online-Dienste", "Kontakt"]
    with translation.override("en"):
        english = [page.title for page in navigation(request)["site_nav_pages"]]
    assert english == ["Online services", "Contact"]

"""The service catalogue (Leistungen): every published service by topic with a search,
every demo process reachable from it, what a service costs and what to bring, and the
archive shop's terms of use linked where they are accepted (serviceportal.models
ServicePage, ServiceIndexPage, catalogue; shop ArchiveShopSettings)."""

from __future__ import annotations

import re

import pytest
from wagtail.models import Page

from serviceportal.form_pages import ServiceFormPage
from serviceportal.models import ServicePage

pytestmark = pytest.mark.django_db

CATALOGUE = "/online-dienste/"


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_every_published_form_is_reachable_from_the_catalogue(client, demo):
    """From the catalogue to each service page, from there to its online application:
    every live form of the demo (all seven processes' forms) and the archive shop."""
    catalogue = client.get(CATALOGUE).content.decode()
    reachable: set[str] = set()
    for service_url in sorted(_links(catalogue)):
        if not service_url.startswith(CATALOGUE) or service_url == CATALOGUE:
            continue
        page = client.get(service_url)
        assert page.status_code == 200, service_url
        reachable |= _links(page.content.decode())
    forms = ServiceFormPage.objects.live().filter(locale__language_code="de")
    assert forms.count() >= 7
    for form in forms:
        assert form.url in reachable, form.title
    assert "/archiv/" in reachable
    process_keys = {form.process_key for form in forms}
    assert {
        "civil_status_certificate",
        "training_registration",
        "generic",
        "gestaltet-sterbefall",
        "gestaltet-raumplanung",
        "gestaltet-trauinfo",
        "gestaltet-wiederbesetzung",
    } <= process_keys


def test_services_are_grouped_by_topic_and_found_by_a_search(client, demo):
    page = client.get(CATALOGUE).content.decode()
    headings = re.findall(r'<h2 id="topic-[^"]+">([^<]+)</h2>', page)
    assert "Personenstand, Familie und Sterbefall" in headings
    assert "Für Beschäftigte der Stadt" in headings
    found = client.get(CATALOGUE, {"q": "Standesamt"}).content.decode().replace("\xad", "")
    assert "Personenstandsurkunden anfordern" in found
    assert "Trauinfo" in found
    assert "Anmeldung zum internen Fortbildungsprogramm" not in found
    by_document = client.get(CATALOGUE, {"q": "Todesbescheinigung"}).content.decode()
    by_document = by_document.replace("\xad", "")
    assert "Sterbefallvoranmeldung für Bestattungsunternehmen" in by_document
    nothing = client.get(CATALOGUE, {"q": "Hundesteuer"}).content.decode()
    assert "Keine Leistung passt zu Ihrer Suche" in nothing


def test_a_service_shows_its_office_fees_and_documents(client, demo):
    page = client.get(f"{CATALOGUE}personenstandsurkunden/").content.decode()
    assert "Standesamt Kassel" in page  # the office's name on letters
    assert "10,00 €" in page and "5,00 €" in page  # from the fee schedule
    assert "Personalausweis oder Reisepass (Kopie)" in page
    german = ServicePage.objects.get(locale__language_code="de", slug="personenstandsurkunden")
    english = german.get_translation(german.locale.__class__.objects.get(language_code="en"))
    page = client.get(english.url).content.decode()
    assert "€10.00" in page and "Identity card or passport (copy)" in page


def test_a_new_service_page_appears_in_the_catalogue_without_more_work(client, demo):
    index = Page.objects.get(locale__language_code="de", slug="online-dienste")
    service = ServicePage(
        title="Grünschnitt abholen lassen",
        slug="gruenschnitt",
        summary="Abholung vereinbaren.",
        topic="bauen",
    )
    index.add_child(instance=service)
    service.save_revision().publish()
    page = client.get(CATALOGUE).content.decode().replace("\xad", "")
    assert "Bauen, Wohnen und Umwelt" in page and "Grünschnitt abholen lassen" in page


def test_a_leika_key_has_fourteen_digits(demo):
    from django.core.exceptions import ValidationError

    service = ServicePage.objects.get(locale__language_code="de", slug="auskunft-eheschliessung")
    service.leika_key = "9905"
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert "leika_key" in refused.value.message_dict
    service.leika_key = "99123456789012"
    service.full_clean()


def test_the_archive_basket_links_the_terms_of_use(client, demo):
    from media_archive.models import ArchiveImage
    from shop.models import ImageProduct

    image = ArchiveImage.objects.first()
    product = ImageProduct.objects.filter(active=True).first()
    client.post("/archiv/warenkorb/hinzufuegen/", {"image": image.pk, "product": product.pk})
    basket = client.get("/archiv/warenkorb/").content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*>Nutzungsbedingungen lesen', basket)
    assert link is not None
    terms = client.get(link.group(1))
    assert terms.status_code == 200
    assert "Stadtarchiv Kassel" in terms.content.decode()

"""Demo pages of the portal, in German, from the city of Kassel's presentation."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page, Site

from portal_site.accounts.models import OrgUnit
from portal_site.core.demo import register_demo_step
from portal_site.core.demo_kernel import ensure_wagtail_roots
from shop.models import ArchiveShopSettings, Fee

from .models import ContentPage, HomePage, PortalSettings, ServiceIndexPage, ServicePage

HOME_INTRO = (
    "Willkommen im Serviceportal der Stadt Kassel. Hier erledigen Sie Ihre "
    "Anliegen online – rund um die Uhr, ohne Wartezeiten und ohne Medienbruch."
)

SERVICES = [
    {
        "slug": "personenstandsurkunden",
        "topic": "personenstand",
        "office": "34",
        "fee_keys": ["300", "301"],
        "documents": (
            "Personalausweis oder Reisepass (Kopie)\n"
            "bei Urkunden anderer Personen: Nachweis des berechtigten Interesses"
        ),
        "title": "Personenstandsurkunden anfordern",
        "summary": (
            "Geburts-, Sterbe-, Ehe- und Lebenspartnerschaftsurkunden online beim "
            "Standesamt bestellen und bequem bezahlen."
        ),
        "fees": "10,00 € für die erste Urkunde, 5,00 € für jede weitere",
        "processing_time": "in der Regel 3 bis 5 Werktage nach Zahlungseingang",
        "text": (
            "Sie erhalten nach dem Absenden eine Eingangsbestätigung per E-Mail. "
            "Das Standesamt prüft Ihren Antrag und sendet Ihnen eine Gebührenrechnung. "
            "Nach Zahlungseingang werden die Urkunden mit einem Begleitschreiben versandt. "
            "Für verschiedene Urkundenarten ist jeweils ein eigener Antrag erforderlich."
        ),
        "contact": (
            "Standesamt",
            "Obere Königsstraße 8\n34117 Kassel",
            "0561 787-0",
            "standesamt@kassel.de",
        ),
    },
    {
        "slug": "fortbildung",
        "topic": "verwaltung",
        "office": "10.3",
        "fee_keys": [],
        "documents": "Personalnummer",
        "title": "Anmeldung zum internen Fortbildungsprogramm",
        "summary": (
            "Für Mitarbeiterinnen und Mitarbeiter der Stadtverwaltung: Anmeldung zu "
            "Seminaren des Fortbildungsprogramms mit Personalnummer und Nachname."
        ),
        "fees": "keine",
        "processing_time": "Entscheidung durch Vorgesetzte und Personalentwicklung",
        "text": (
            "Sachgebietsleitung und Abteilungsleitung entscheiden über Ihre Teilnahme; "
            "die Personalentwicklung vergibt die Plätze. Sie werden bei jedem Schritt "
            "automatisch per E-Mail informiert und erhalten nach dem Seminar eine "
            "Teilnahmebescheinigung."
        ),
        "contact": (
            "Personalentwicklung",
            "Rathaus, Obere Königsstraße 8\n34117 Kassel",
            "0561 787-1111",
            "fortbildung@kassel.de",
        ),
    },
    {
        "slug": "stadtarchiv-bilder",
        "topic": "kultur",
        "office": "41.2",
        "fee_keys": ["410", "411", "412", "413", "414"],
        "documents": "",
        "online_path": "/archiv/",
        "title": "Bilder aus dem Stadtarchiv bestellen",
        "summary": (
            "Den gesamten Bildbestand des Stadtarchivs durchsuchen, Bilder für die "
            "gewünschte Nutzung bestellen, online bezahlen und herunterladen."
        ),
        "fees": "nach Nutzungsart laut Preisliste des Stadtarchivs",
        "processing_time": "sofort nach Zahlung; gewerbliche Nutzung nach Freigabe",
        "text": (
            "Mit der Bestellung erhalten Sie automatisch eine Nutzungsgenehmigung und "
            "eine Rechnung. Gewerbliche Nutzungen gibt das Stadtarchiv vorher frei."
        ),
        "contact": (
            "Stadtarchiv",
            "Wildemannsgasse 1\n34117 Kassel",
            "0561 787-4071",
            "stadtarchiv@kassel.de",
        ),
    },
    {
        "slug": "digitaler-briefkasten",
        "topic": "buergerservice",
        "office": "Bürgerservice",
        "fee_keys": [],
        "documents": "",
        "title": "Digitaler Briefkasten",
        "summary": (
            "Ihr Anliegen an die Stadtverwaltung – mit Anhängen, rund um die Uhr. "
            "Wir leiten es an die zuständige Stelle weiter."
        ),
        "fees": "keine",
        "processing_time": "Antwort in der Regel innerhalb von 10 Werktagen",
        "text": (
            "Beschreiben Sie Ihr Anliegen und fügen Sie bei Bedarf Dokumente oder Fotos "
            "bei. Sie erhalten eine Eingangsbestätigung mit Ihrer Vorgangsnummer."
        ),
        "contact": (
            "Bürgerservice",
            "Obere Königsstraße 8\n34117 Kassel",
            "0561 115",
            "buergerservice@kassel.de",
        ),
    },
    {
        "slug": "sterbefallvoranmeldung",
        "topic": "personenstand",
        "office": "34",
        "fee_keys": [],
        "documents": (
            "Todesbescheinigung\nGeburts- oder Heiratsurkunde der verstorbenen Person\n"
            "Personalausweis der verstorbenen Person"
        ),
        "title": "Sterbefallvoranmeldung für Bestattungsunternehmen",
        "summary": (
            "Registrierte Bestattungsunternehmen melden Sterbefälle online beim "
            "Standesamt an – ohne Wartezeiten."
        ),
        "fees": "nach Gebührenordnung",
        "processing_time": "Terminvergabe durch das Standesamt",
        "text": "Die Anmeldung steht registrierten Bestattungsunternehmen mit Konto offen.",
        "contact": (
            "Standesamt",
            "Obere Königsstraße 8\n34117 Kassel",
            "0561 787-0",
            "standesamt@kassel.de",
        ),
    },
    {
        "slug": "raumbuchung",
        "title": "Besprechungsraum buchen (Raumplanung)",
        "summary": (
            "Für Beschäftigte der Stadtverwaltung: einen Besprechungsraum für einen Termin "
            "buchen; der Raum wird sofort reserviert und bestätigt."
        ),
        "topic": "verwaltung",
        "office": "10.1",
        "fee_keys": [],
        "documents": "Personalnummer",
        "fees": "keine",
        "processing_time": "Bestätigung durch das Sachgebiet Organisation",
        "text": (
            "Wählen Sie Raum, Datum und Uhrzeit. Ist der Raum belegt, bietet Ihnen das "
            "Sachgebiet Organisation einen anderen an. Die Bestätigung kommt mit einem "
            "Kalendereintrag."
        ),
        "contact": (
            "Sachgebiet Organisation",
            "Rathaus, Obere Königsstraße 8\n34117 Kassel",
            "0561 787-1010",
            "organisation@kassel.de",
        ),
    },
    {
        "slug": "auskunft-eheschliessung",
        "title": "Trauinfo: Auskunft zur Eheschließung",
        "summary": (
            "Fragen zur Eheschließung in Kassel stellen: Unterlagen, Trauorte, Termine. "
            "Das Standesamt antwortet per E-Mail."
        ),
        "topic": "personenstand",
        "office": "34",
        "fee_keys": [],
        "documents": "",
        "fees": "keine",
        "processing_time": "Antwort in der Regel innerhalb einer Woche",
        "text": (
            "Das Standesamt beantwortet Ihre Fragen und nennt die Unterlagen, die Sie brauchen."
        ),
        "contact": (
            "Standesamt",
            "Obere Königsstraße 8\n34117 Kassel",
            "0561 787-0",
            "standesamt@kassel.de",
        ),
    },
    {
        "slug": "wiederbesetzung-planstelle",
        "title": "Wiederbesetzung einer Planstelle beantragen",
        "summary": (
            "Für Führungskräfte der Stadtverwaltung: die Wiederbesetzung einer frei "
            "werdenden Planstelle beantragen."
        ),
        "topic": "verwaltung",
        "office": "10",
        "fee_keys": [],
        "documents": "Stellennummer und Entgeltgruppe\nGrund und Datum des Freiwerdens",
        "fees": "keine",
        "processing_time": "Prüfung von Stellenplan und Haushalt, dann Entscheidung",
        "text": (
            "Personal und Kämmerei prüfen Stellenplan und Haushaltsmittel gleichzeitig; "
            "die Abteilungsleitung entscheidet. Den Bescheid erhalten Sie per E-Mail."
        ),
        "contact": (
            "Personal und Organisation",
            "Rathaus, Obere Königsstraße 8\n34117 Kassel",
            "0561 787-1000",
            "personal@kassel.de",
        ),
    },
    {
        "slug": "sperrmuell",
        "topic": "buergerservice",
        "office": "Bürgerservice",
        "fee_keys": [],
        "documents": "",
        "title": "Sperrmüll zur Abholung anmelden",
        "summary": (
            "Sperrige Möbel und Gegenstände abholen lassen: online anmelden, die Gebühr "
            "bezahlen, den Abholtermin per E-Mail erhalten."
        ),
        "fees": "30,00 € je Abholung (bis 3 m³)",
        "processing_time": "Abholtermin in der Regel innerhalb von zwei Wochen",
        "text": (
            "Melden Sie an, was abgeholt werden soll, und bezahlen Sie die Gebühr online. "
            "Der Bürgerservice plant die Abholung ein und nennt Ihnen den Termin."
        ),
        "contact": (
            "Bürgerservice",
            "Obere Königsstraße 8\n34117 Kassel",
            "0561 115",
            "buergerservice@kassel.de",
        ),
    },
]

ARCHIVE_TERMS = "nutzungsbedingungen-stadtarchiv"

CONTENT_PAGES = [
    (
        ARCHIVE_TERMS,
        "Nutzungsbedingungen des Stadtarchivs",
        "Was für Bilder gilt, die Sie beim Stadtarchiv Kassel bestellen.",
        [
            (
                "paragraph",
                "<p>Sie dürfen ein bestelltes Bild nur für die bestellte Nutzungsart und "
                "Auflösung verwenden; die Nutzungsgenehmigung nennt beide. Geben Sie bei "
                "jeder Veröffentlichung an: „Stadtarchiv Kassel“ und die Signatur des "
                "Bildes. Eine Weitergabe an Dritte ist nicht gestattet. Rechte Dritter "
                "(Urheber, abgebildete Personen) klären Sie selbst. Von einer Veröffentlichung "
                "erhält das Stadtarchiv ein Belegexemplar.</p>",
            ),
        ],
    ),
    (
        "kontakt",
        "Kontakt",
        "So erreichen Sie die Stadtverwaltung Kassel.",
        [
            (
                "contact",
                {
                    "name": "Bürgerservice / Servicecenter 115",
                    "address": "Rathaus\nObere Königsstraße 8\n34117 Kassel",
                    "phone": "0561 115",
                    "email": "buergerservice@kassel.de",
                    "opening_hours": "Mo–Fr 8:00–18:00",
                },
            ),
        ],
    ),
    (
        "barrierefreiheit",
        "Erklärung zur Barrierefreiheit",
        "Die Stadt Kassel ist bemüht, ihr Serviceportal barrierefrei zugänglich zu machen.",
        [
            (
                "paragraph",
                "<p>Dieses Portal soll die Anforderungen der BITV 2.0 erfüllen. "
                "Barrieren melden Sie bitte an buergerservice@kassel.de.</p>",
            ),
        ],
    ),
    (
        "datenschutz",
        "Datenschutz",
        "Wie die Stadt Kassel Ihre Daten im Serviceportal verarbeitet.",
        [
            (
                "paragraph",
                "<p>Ihre Angaben werden ausschließlich zur Bearbeitung Ihres "
                "Anliegens verwendet und nach Ablauf der Aufbewahrungsfrist "
                "gelöscht.</p>",
            ),
        ],
    ),
    (
        "impressum",
        "Impressum",
        "Magistrat der Stadt Kassel",
        [
            ("paragraph", "<p>Magistrat der Stadt Kassel, Obere Königsstraße 8, 34117 Kassel</p>"),
        ],
    ),
]


def _child(parent: Page, slug: str) -> Page | None:
    return parent.get_children().filter(slug=slug).first()


@transaction.atomic
def load_portal_demo() -> dict[str, int]:
    root = ensure_wagtail_roots()
    site = Site.objects.filter(is_default_site=True).first()
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        home = HomePage(
            title="Serviceportal Stadt Kassel",
            slug="start",
            intro=HOME_INTRO,
            seo_title="Serviceportal der Stadt Kassel",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        welcome = root.get_children().exclude(pk=home.pk).filter(slug="home").first()
        if site is None:
            site = Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        site.root_page = home
        site.site_name = "Serviceportal Stadt Kassel"
        site.save()
        if welcome is not None and welcome.specific_class is Page:
            welcome.delete()
    PortalSettings.for_site(site).save()

    index = _child(home, "online-dienste")
    if index is None:
        index = ServiceIndexPage(
            title="Online-Dienste",
            slug="online-dienste",
            intro="<p>Alle Anliegen, die Sie bei der Stadt Kassel online erledigen können.</p>",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    for service in SERVICES:
        if _child(index, service["slug"]) is not None:
            continue
        name, address, phone, email = service["contact"]
        page = ServicePage(
            title=service["title"],
            slug=service["slug"],
            summary=service["summary"],
            topic=service["topic"],
            office=OrgUnit.objects.filter(short_name=service["office"]).first(),
            documents_to_bring=service["documents"],
            online_path=service.get("online_path", ""),
            fees=service["fees"],
            processing_time=service["processing_time"],
            body=[
                ("paragraph", f"<p>{service['text']}</p>"),
                (
                    "contact",
                    {
                        "name": name,
                        "address": address,
                        "phone": phone,
                        "email": email,
                        "opening_hours": "",
                    },
                ),
            ],
        )
        index.add_child(instance=page)
        page.fee_items.set(Fee.objects.filter(booking_key__in=service["fee_keys"]))
        page.save_revision().publish()
    for slug, title, intro, body in CONTENT_PAGES:
        if _child(home, slug) is not None:
            continue
        page = ContentPage(
            title=title, slug=slug, intro=intro, body=body, show_in_menus=slug == "kontakt"
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    shop_settings = ArchiveShopSettings.for_site(site)
    if shop_settings.terms_page_id is None:
        shop_settings.terms_page = _child(home, ARCHIVE_TERMS)
        shop_settings.save()
    return {"pages": Page.objects.live().descendant_of(home, inclusive=True).count()}


register_demo_step(order=30, name="portal", run=load_portal_demo)

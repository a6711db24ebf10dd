"""Demo online forms from the city of Kassel's presentation (German)."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page

from portal_site.accounts.models import OrgUnit
from portal_site.core.demo import register_demo_step

from .catalogues import Catalogue, CatalogueEntry
from .form_pages import ServiceFormPage
from .identification import IdentificationMode
from .models import ServiceIndexPage, ServicePage

COURSES = [
    ("A-2016-01", "Überzeugend präsentieren"),
    ("A-2016-02", "Besprechungen sicher moderieren"),
    ("A-2016-03", "Projektmanagement"),
    ("A-2016-04", "Zeitmanagement und Arbeitstechniken"),
    ("A-2016-05", "Mein Auftritt - körperorientiertes Coaching für Vortragende"),
    ("A-2016-06", 'Rhetorik - "Wie bringe ich es auf den Punkt?"'),
    ("A-2016-07", "Service leisten - professioneller Umgang mit dem Kunden"),
    ("A-2016-08", "Moderne Korrespondenz - verständlich und bürgerorientiert schreiben"),
    ("A-2016-09", "Rechtschreibung und Zeichensetzung: richtig ist wichtig!"),
    ("A-2016-10", "Zuhören - Verstehen - im Gespräch bleiben: ein Kommunikationstraining"),
    ("A-2016-11", "Englisch 1 - Auffrischen von Grundkenntnissen für den Arbeitsalltag"),
    ("A-2016-12", "Englisch 2 - Refresher for civil servants"),
    ("A-2016-13", "Meine Persönlichkeit überzeugt"),
    ("A-2016-14", "Eigenschaften, die stark machen"),
    ("A-2016-15", "Führung und Persönlichkeit"),
    ("A-2016-16", "Schwierige Gespräche ergebnisorientiert und erfolgreich führen"),
    ("A-2016-17", "Ein Konflikt! Was soll ich tun?"),
    ("A-2016-18-1", "Umgang mit schwierigen Kunden Information zur Deeskalation am Arbeitsplatz"),
    ("A-2016-18-2", "Umgang mit schwierigen Kunden Information zur Deeskalation am Arbeitsplatz"),
    ("A-2016-19", "Interkulturelle Kompetenz - ein Grundlagentraining"),
    ("A-2016-20", "Vergabeverfahren und Vergabesunterlagen im Bereich VOL - für Einsteiger"),
    ("A-2016-21", "NSK - Grundlagen der Doppik"),
    ("A-2016-22", "Facebook, Twitter und Co. - Eine Einführung in die sozialen Medien"),
    ("A-2016-23", "Impulsseminar: Nie mehr sprachlos"),
    ("A-2016-24", "Impulsseminar: Minimalziele - in kleinen Schritten Großes erreichen"),
    ("A-2016-25", "Impulsseminar: Unter Stress souverän bleiben, Gefühle im Griff behalten"),
    ("A-2016-26", "That's me - Selbst PR für Frauen"),
    ("A-2016-27", "Work-Life-Balance"),
    ("Au-2016-12", "Ausbildung der Ausbilder/innen (AdA-Lehrgang)"),
]

LISTS = {
    "Altersgruppen": ["bis 25 Jahre", "26-40 Jahre", "41-55 Jahre", "über 55 Jahre"],
    "Berufsgruppen": [
        "Allgemeine Verwaltung, einschließlich Kulturbereich",
        "Technischer Dienst",
        "Sozial- und Erziehungsdienst",
        "Gesundheitsdienst",
        "Feuerwehr",
        "Auszubildende",
    ],
    "Arbeitszeit": ["vollzeitbeschäftigt", "teilzeitbeschäftigt"],
    "Funktionen": ["Sachbearbeiter/in bzw. Mitarbeiter/in", "Führungskraft", "Auszubildende/r"],
}

CERTIFICATE_KINDS = ["Geburtsurkunde", "Sterbeurkunde", "Eheurkunde", "Lebenspartnerschaftsurkunde"]
PURPOSES = [
    "Anmeldung einer Eheschließung",
    "Rentenangelegenheiten",
    "Pass- und Ausweisangelegenheiten",
    "Familienforschung",
    "Legalisation/Apostille (Verwendung im Ausland)",
    "Sonstiges",
]
ENTITLED = [
    "beurkundete Person",
    "Ehegatte/Lebenspartner/in",
    "Eltern, Kinder oder Enkel",
    "Geschwister",
    "Bevollmächtigte Person",
]


def f(
    label,
    field_type="singleline",
    *,
    name="",
    required=True,
    help_text="",
    choices=(),
    catalogue=None,
    role="",
    condition=None,
    default="",
    placeholder="",
    file_types=(),
    max_size_mb=None,
    process_input="",
    rules=None,
):
    return {
        "label": label,
        "name": name,
        "field_type": field_type,
        "required": required,
        "help_text": help_text,
        "default_value": default,
        "placeholder": placeholder,
        "choices": "\n".join(choices),
        "catalogue": catalogue,
        "file_types": list(file_types),
        "max_size_mb": max_size_mb,
        "applicant_role": role,
        "process_input": process_input,
        "rules": rules or {},
        "condition": condition or {"field": "", "values": ""},
    }


def step(title, fields, *, intro="", condition=None):
    return (
        "step",
        {
            "title": title,
            "intro": intro,
            "condition": condition or {"field": "", "values": ""},
            "fields": fields,
        },
    )


def _detail_step(kind: str, prefix: str, person_fields: list[dict]) -> tuple:
    formats = [
        f"{kind} DIN A4-Format",
        f"{kind} DIN A5-Format (Stammbuchformat)",
        f"Internationale {kind}",
    ]
    return step(
        f"Angaben zur {kind}",
        [
            f(
                f"Verwendungszweck für die {kind}",
                "dropdown",
                name=f"{prefix}_zweck",
                choices=PURPOSES,
            ),
            f(
                "Anzahl der benötigten Urkunden",
                "number",
                name=f"{prefix}_anzahl",
                process_input="anzahl",
                default="1",
                help_text="1 bis 20 Urkunden; die erste kostet 10,00 €, jede weitere 5,00 €.",
                rules={"minimum": "1", "maximum": "20", "whole_number": True},
            ),
            f(f"Format der {kind}", "dropdown", name=f"{prefix}_format", choices=formats),
            f(
                "Anforderungsberechtigt als",
                "dropdown",
                name=f"{prefix}_berechtigt",
                choices=ENTITLED,
            ),
            *person_fields,
            f("Bemerkungen", "multiline", name=f"{prefix}_bemerkungen", required=False),
        ],
        condition={"field": "urkundenart", "values": kind},
    )


def certificate_steps() -> list[tuple]:
    return [
        step(
            "Start",
            [
                f(
                    "Ich habe die Hinweise zur Verarbeitung meiner Daten gelesen.",
                    "checkbox",
                    name="datenschutz",
                ),
            ],
            intro=(
                "Mit diesem Formular fordern Sie Personenstandsurkunden beim Standesamt Kassel "
                "an. Die Gebühren betragen 10,00 € für die erste und 5,00 € für jede weitere "
                "Urkunde."
            ),
        ),
        step(
            "Antragstellerdaten",
            [
                f("Anrede", "dropdown", choices=["Herr", "Frau", "divers", "keine Angabe"]),
                f("Name", name="name", role="last_name"),
                f("Vorname", name="vorname", role="first_name"),
                f("Akademischer Grad", required=False),
                f("Postleitzahl", placeholder="34117", rules={"pattern": "postcode_de"}),
                f("Ort"),
                f("Straße/Hausnummer/Zusatz", name="strasse"),
                f("E-Mail", "email", name="email", role="email"),
            ],
        ),
        step(
            "Frage",
            [
                f(
                    "Welche Urkundenart wollen Sie anfordern?",
                    "radio",
                    name="urkundenart",
                    choices=CERTIFICATE_KINDS,
                    help_text=(
                        "Bei der Anforderung von verschiedenen Urkunden ist jeweils ein neuer "
                        "Antrag erforderlich."
                    ),
                ),
            ],
        ),
        _detail_step(
            "Geburtsurkunde",
            "geburt",
            [
                f("Geburtsname", name="geburt_geburtsname"),
                f("Aktueller Familienname", name="geburt_familienname"),
                f("Vorname", name="geburt_vorname"),
                f("Geburtsdatum", "date", name="geburt_datum", rules={"date_rule": "not_future"}),
                f("Geburtsort", name="geburt_ort"),
            ],
        ),
        _detail_step(
            "Sterbeurkunde",
            "sterbe",
            [
                f("Familienname der verstorbenen Person", name="sterbe_familienname"),
                f("Vorname der verstorbenen Person", name="sterbe_vorname"),
                f("Sterbedatum", "date", name="sterbe_datum", rules={"date_rule": "not_future"}),
                f("Sterbeort", name="sterbe_ort"),
            ],
        ),
        _detail_step(
            "Eheurkunde",
            "ehe",
            [
                f("Familienname (Ehegatte 1)", name="ehe_familienname_1"),
                f("Vorname (Ehegatte 1)", name="ehe_vorname_1"),
                f("Familienname (Ehegatte 2)", name="ehe_familienname_2"),
                f("Vorname (Ehegatte 2)", name="ehe_vorname_2"),
                f(
                    "Datum der Eheschließung",
                    "date",
                    name="ehe_datum",
                    rules={"date_rule": "not_future"},
                ),
                f("Ort der Eheschließung", name="ehe_ort"),
            ],
        ),
        _detail_step(
            "Lebenspartnerschaftsurkunde",
            "lp",
            [
                f("Familienname (Lebenspartner/in 1)", name="lp_familienname_1"),
                f("Vorname (Lebenspartner/in 1)", name="lp_vorname_1"),
                f("Familienname (Lebenspartner/in 2)", name="lp_familienname_2"),
                f("Vorname (Lebenspartner/in 2)", name="lp_vorname_2"),
                f(
                    "Datum der Begründung",
                    "date",
                    name="lp_datum",
                    rules={"date_rule": "not_future"},
                ),
                f("Ort der Begründung", name="lp_ort"),
            ],
        ),
    ]


def training_steps(catalogues: dict[str, Catalogue]) -> list[tuple]:
    return [
        step(
            "Antrag",
            [
                f("Fortbildung", "catalogue", catalogue=catalogues["Fortbildungsprogramm"]),
                f("Altersgruppe", "catalogue", catalogue=catalogues["Altersgruppen"]),
                f("Berufsgruppe", "catalogue", catalogue=catalogues["Berufsgruppen"]),
                f("Arbeitszeit", "catalogue", catalogue=catalogues["Arbeitszeit"]),
                f("Funktion", "catalogue", catalogue=catalogues["Funktionen"]),
                f(
                    "Erneute Anmeldung für diese Fortbildung",
                    "checkbox",
                    name="erneute_anmeldung",
                    required=False,
                ),
                f(
                    "Besondere Hilfe wg. Behinderung erforderlich",
                    "checkbox",
                    name="besondere_hilfe",
                    required=False,
                ),
                f(
                    "Persönliche Lernziele",
                    "multiline",
                    name="lernziele",
                    required=False,
                    placeholder="Lernziel:",
                ),
            ],
            intro="Angaben zur Fortbildung",
        ),
    ]


def mailbox_steps() -> list[tuple]:
    return [
        step(
            "Ihr Anliegen",
            [
                f("Ihr Name", name="name", role="full_name"),
                f("E-Mail", "email", name="email", role="email"),
                f("Telefon (für Rückfragen)", name="telefon", required=False),
                f("Betreff", name="betreff"),
                f("Ihre Nachricht", "multiline", name="nachricht"),
            ],
        ),
        step(
            "Anhänge",
            [
                f(
                    "Anhang 1",
                    "file",
                    name="anhang_1",
                    required=False,
                    file_types=["pdf", "jpeg", "png"],
                    max_size_mb=10,
                    help_text="PDF, JPEG oder PNG, höchstens 10 MB.",
                ),
                f(
                    "Anhang 2",
                    "file",
                    name="anhang_2",
                    required=False,
                    file_types=["pdf", "jpeg", "png"],
                    max_size_mb=10,
                    help_text="PDF, JPEG oder PNG, höchstens 10 MB.",
                ),
            ],
            intro="Fügen Sie bei Bedarf Dokumente oder Fotos bei.",
        ),
    ]


def death_notice_steps() -> list[tuple]:
    return [
        step(
            "Angaben zur verstorbenen Person",
            [
                f("Familienname", name="familienname"),
                f("Vorname", name="vorname"),
                f("Geburtsdatum", "date", name="geburtsdatum", rules={"date_rule": "past"}),
                f("Sterbedatum", "date", name="sterbedatum", rules={"date_rule": "not_future"}),
                f("Sterbeort", name="sterbeort"),
            ],
        ),
        step(
            "Unterlagen",
            [
                f(
                    "Todesbescheinigung",
                    "file",
                    name="todesbescheinigung",
                    file_types=["pdf"],
                    max_size_mb=10,
                    help_text="PDF, höchstens 10 MB.",
                ),
                f("Bemerkungen", "multiline", name="bemerkungen", required=False),
            ],
        ),
    ]


def room_booking_steps() -> list[tuple]:
    rooms = ["Sitzungssaal", "Besprechungsraum 101", "Besprechungsraum 214"]
    times = [f"{hour:02d}:{minute:02d}" for hour in range(7, 21) for minute in (0, 30)]
    return [
        step(
            "Termin",
            [
                f("Anlass", name="anlass"),
                f("Datum", "date", name="datum"),
                f("Beginn", "dropdown", name="beginn", choices=times),
                f("Ende", "dropdown", name="ende", choices=times),
                f("Anzahl der Teilnehmenden", "number", name="teilnehmende"),
            ],
        ),
        # the room after the time: the form offers only the rooms free then
        step(
            "Raum",
            [
                f("Raum", "dropdown", name="raum", choices=rooms),
                f(
                    "Bewirtung",
                    "dropdown",
                    name="bewirtung",
                    choices=["keine", "Kaffee und Wasser", "Imbiss"],
                    required=False,
                ),
            ],
        ),
    ]


def marriage_info_steps() -> list[tuple]:
    return [
        step(
            "Ihre Angaben",
            [
                f("Ihr Name", name="name", role="full_name"),
                f("E-Mail", "email", name="email", role="email"),
                f(
                    "Wunschtermin",
                    "date",
                    name="wunschtermin",
                    required=False,
                    rules={"date_rule": "future"},
                ),
                f(
                    "Ort der Trauung",
                    "radio",
                    name="ort",
                    choices=["Trauzimmer im Rathaus", "Standesamt im Schloss", "externer Ort"],
                ),
                f(
                    "Staatsangehörigkeit der Verlobten",
                    "radio",
                    name="staatsangehoerigkeit",
                    choices=["beide deutsch", "eine/r ausländisch", "beide ausländisch"],
                ),
                f(
                    "Frühere Ehe oder Lebenspartnerschaft",
                    "radio",
                    name="vorehe",
                    choices=["keine", "geschieden", "verwitwet", "aufgehoben"],
                ),
            ],
        ),
    ]


def bulky_waste_steps() -> list[tuple]:
    return [
        step(
            "Abholung",
            [
                f("Ihr Name", name="name", role="full_name"),
                f("E-Mail", "email", name="email", role="email"),
                f("Abholadresse", name="adresse"),
                f(
                    "Gegenstände",
                    "multiline",
                    name="gegenstaende",
                    help_text="Zum Beispiel: Sofa, zwei Stühle, ein Schrank (bis 3 m³).",
                ),
                f(
                    "Wunschtermin",
                    "date",
                    name="wunschtermin",
                    required=False,
                    rules={"date_rule": "future"},
                ),
            ],
        ),
    ]


def reappointment_steps() -> list[tuple]:
    return [
        step(
            "Planstelle",
            [
                f("Stellennummer", name="stellennummer"),
                f("Entgeltgruppe", "number", name="entgeltgruppe"),
                f("Grund des Freiwerdens", name="grund"),
                f("Gewünschte Besetzung zum", "date", name="besetzung_zum"),
            ],
        ),
    ]


DEMO_ORGANISATION = ("Bestattungshaus Kassel", "bestattungshaus", "info@bestattungshaus-kassel.de")


def _demo_organisation() -> None:
    from portal_site.accounts.models import User
    from portal_site.core.demo import DEMO_PASSWORD

    from .catalogues import ApplicantOrganisation

    name, username, email = DEMO_ORGANISATION
    organisation, _ = ApplicantOrganisation.objects.get_or_create(
        name=name,
        defaults={
            "kind": ApplicantOrganisation.Kind.FUNERAL_HOME,
            "email": email,
            "address": "Friedrich-Ebert-Straße 1\n34117 Kassel",
        },
    )
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email, first_name="Bernd", last_name="Bestatter")
        user.set_password(DEMO_PASSWORD)
        user.save()
    organisation.members.add(user)


def _catalogue(name: str, entries: list[tuple[str, str]]) -> Catalogue:
    catalogue, created = Catalogue.objects.get_or_create(name=name)
    if created:
        for index, (code, label) in enumerate(entries):
            CatalogueEntry.objects.create(
                catalogue=catalogue, code=code, label=label, sort_order=index
            )
    return catalogue


FORMS = [
    # slug, title, service page slug, process key, office short name, identification, steps
    (
        "personenstandsurkunden-anfordern",
        "Personenstandsurkunden anfordern",
        "personenstandsurkunden",
        "civil_status_certificate",
        "34",
        IdentificationMode.ANYONE,
        "Personenstandsurkunden bestellen",
    ),
    (
        "anmeldung-fortbildung",
        "Anmeldung zur Fortbildung",
        "fortbildung",
        "training_registration",
        "10.3",
        IdentificationMode.EMPLOYEE,
        "Anmeldung für die Teilnahme an einer Fortbildung",
    ),
    (
        "briefkasten",
        "Digitaler Briefkasten",
        "digitaler-briefkasten",
        "generic",
        "Bürgerservice",
        IdentificationMode.ANYONE,
        "Allgemeine Anfrage",
    ),
    (
        "sterbefall-voranmelden",
        "Sterbefall voranmelden",
        "sterbefallvoranmeldung",
        "gestaltet-sterbefall",
        "34",
        IdentificationMode.ORGANISATION,
        "Sterbefallvoranmeldung",
    ),
    # Processes built in the workflow designer (flows/designer/library/).
    (
        "raum-buchen",
        "Besprechungsraum buchen",
        "raumbuchung",
        "gestaltet-raumplanung",
        "10.1",
        IdentificationMode.EMPLOYEE,
        "Raumbuchung",
    ),
    (
        "trauinfo",
        "Trauinfo: Auskunft zur Eheschließung",
        "auskunft-eheschliessung",
        "gestaltet-trauinfo",
        "34",
        IdentificationMode.ANYONE,
        "Anfrage zur Eheschließung",
    ),
    (
        "sperrmuell-anmelden",
        "Sperrmüll zur Abholung anmelden",
        "sperrmuell",
        "gestaltet-sperrmuell",
        "Bürgerservice",
        IdentificationMode.ANYONE,
        "Sperrmüllanmeldung",
    ),
    (
        "wiederbesetzung",
        "Wiederbesetzung einer Planstelle beantragen",
        "wiederbesetzung-planstelle",
        "gestaltet-wiederbesetzung",
        "10",
        IdentificationMode.EMPLOYEE,
        "Wiederbesetzung einer Planstelle",
    ),
]


@transaction.atomic
def load_form_demo() -> dict[str, int]:
    catalogues = {"Fortbildungsprogramm": _catalogue("Fortbildungsprogramm", COURSES)}
    for name, labels in LISTS.items():
        catalogues[name] = _catalogue(name, [("", label) for label in labels])
    german = Locale.get_default()  # the English copies come later (demo_english)
    index = ServiceIndexPage.objects.filter(slug="online-dienste", locale=german).first()
    if index is None:
        return {"forms": 0}
    steps_by_slug = {
        "personenstandsurkunden-anfordern": certificate_steps(),
        "anmeldung-fortbildung": training_steps(catalogues),
        "briefkasten": mailbox_steps(),
        "sterbefall-voranmelden": death_notice_steps(),
        "raum-buchen": room_booking_steps(),
        "trauinfo": marriage_info_steps(),
        "wiederbesetzung": reappointment_steps(),
        "sperrmuell-anmelden": bulky_waste_steps(),
    }
    _demo_organisation()
    created = 0
    for slug, title, service_slug, process_key, office, mode, case_title in FORMS:
        page = ServiceFormPage.objects.filter(slug=slug, locale=german).first()
        if page is None:
            page = ServiceFormPage(
                title=title,
                slug=slug,
                steps=steps_by_slug[slug],
                process_key=process_key,
                office=OrgUnit.objects.filter(short_name=office).first(),
                identification=mode,
                case_title=case_title,
                show_in_menus=False,
            )
            index.add_child(instance=page)
            page.save_revision().publish()
            created += 1
        service = ServicePage.objects.filter(slug=service_slug, locale=german).first()
        if service is not None and service.online_link_id != page.pk:
            service.online_link = page
            service.save_revision().publish()
    return {
        "forms": ServiceFormPage.objects.count(),
        "created": created,
        "pages": Page.objects.count(),
    }


register_demo_step(order=40, name="forms", run=load_form_demo)

"""The demo pages in English: a translation of the German tree in Wagtail's "en" locale.

Editors do the same with "Übersetzen" (wagtail.contrib.simple_translation): the copy keeps
the German page's place, slug and form definition, and its texts are then edited. Choices
of the English forms are written "stored value | shown text", so answers, conditions and
processes see the same values in both languages.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page

from portal_site.core.demo import register_demo_step

from .form_definition import CHOICE_SEPARATOR, field_name, list_item_value, parse_choices
from .form_pages import ServiceFormPage
from .models import ContentPage, HomePage, ServiceIndexPage, ServicePage

ENGLISH = "en"

HOME = {
    "title": "Service portal of the City of Kassel",
    "seo_title": "Service portal of the City of Kassel",
    "intro": (
        "Welcome to the service portal of the City of Kassel. Here you can handle your "
        "requests online – around the clock, without queues and without paper."
    ),
}

INDEX = {
    "title": "Online services",
    "intro": "<p>Everything you can do online with the City of Kassel.</p>",
}

# Service pages by slug: title, summary, fees, processing time, text, contact name.
SERVICES: dict[str, dict[str, str]] = {
    "personenstandsurkunden": {
        "documents": (
            "Identity card or passport (copy)\n"
            "for other people's certificates: proof of legitimate interest"
        ),
        "title": "Request civil status certificates",
        "summary": (
            "Order birth, death, marriage and civil partnership certificates online from "
            "the registry office and pay conveniently."
        ),
        "fees": "€10.00 for the first certificate, €5.00 for each further one",
        "processing_time": "usually 3 to 5 working days after payment",
        "text": (
            "After sending you receive a confirmation by e-mail. The registry office checks "
            "your application and sends you a fee invoice. After payment the certificates "
            "are posted with a cover letter. Each kind of certificate needs an application "
            "of its own."
        ),
        "contact": "Registry office",
    },
    "fortbildung": {
        "documents": "Personnel number",
        "title": "Registration for the internal training programme",
        "summary": (
            "For the city administration's staff: register for seminars of the training "
            "programme with your personnel number and surname."
        ),
        "fees": "none",
        "processing_time": "decision by your supervisors and HR development",
        "text": (
            "Your team lead and your head of department decide on your participation; HR "
            "development allocates the places. You are told by e-mail at every step and "
            "receive a certificate of attendance after the seminar."
        ),
        "contact": "HR development",
    },
    "stadtarchiv-bilder": {
        "title": "Order pictures from the city archive",
        "summary": (
            "Search all pictures of the city archive, order them for the use you have in "
            "mind, pay online and download them."
        ),
        "fees": "by type of use, according to the city archive's price list",
        "processing_time": "right after payment; commercial use after approval",
        "text": (
            "With your order you automatically receive a usage permission and an invoice. "
            "The city archive approves commercial uses beforehand."
        ),
        "contact": "City archive",
    },
    "digitaler-briefkasten": {
        "title": "Digital letterbox",
        "summary": (
            "Your request to the city administration – with attachments, around the clock. "
            "We forward it to the office in charge."
        ),
        "fees": "none",
        "processing_time": "usually an answer within 10 working days",
        "text": (
            "Describe your request and attach documents or photos if needed. You receive a "
            "confirmation with your case number."
        ),
        "contact": "Citizens' service",
    },
    "sterbefallvoranmeldung": {
        "documents": (
            "Death certificate (medical)\nBirth or marriage certificate of the deceased\n"
            "Identity card of the deceased"
        ),
        "title": "Advance notice of a death for funeral directors",
        "summary": (
            "Registered funeral directors notify the registry office of deaths online – "
            "without waiting."
        ),
        "fees": "according to the fee schedule",
        "processing_time": "the registry office gives an appointment",
        "text": "Registered funeral directors with an account can send the notice.",
        "contact": "Registry office",
    },
    "raumbuchung": {
        "documents": "Personnel number",
        "title": "Book a meeting room (room planning)",
        "summary": (
            "For the city's employees: book a meeting room for an appointment; the room is "
            "reserved at once and confirmed."
        ),
        "fees": "none",
        "processing_time": "confirmed by the organisation team",
        "text": (
            "Choose room, date and time. If the room is taken, the organisation team offers "
            "you another one. The confirmation comes with a calendar entry."
        ),
        "contact": "Organisation team",
    },
    "sperrmuell": {
        "title": "Book a bulky-waste pickup",
        "summary": (
            "Have bulky furniture and items collected: book online, pay the fee, get the "
            "pickup date by e-mail."
        ),
        "fees": "€30.00 per pickup (up to 3 m³)",
        "processing_time": "a pickup date usually within two weeks",
        "text": (
            "Tell us what is to be collected and pay the fee online. The citizens' service "
            "plans the pickup and tells you the date."
        ),
        "contact": "Citizens' service",
    },
    "auskunft-eheschliessung": {
        "title": "Trauinfo: information on getting married",
        "summary": (
            "Ask about getting married in Kassel: documents, venues, dates. The registry "
            "office answers by e-mail."
        ),
        "fees": "none",
        "processing_time": "an answer usually within a week",
        "text": "The registry office answers your questions and names the documents you need.",
        "contact": "Registry office",
    },
    "wiederbesetzung-planstelle": {
        "documents": "Post number and pay grade\nReason and date the post becomes vacant",
        "title": "Apply to fill a vacant post",
        "summary": "For the city's managers: apply to fill a post that becomes vacant.",
        "fees": "none",
        "processing_time": "post plan and budget are checked, then decided",
        "text": (
            "Human resources and the treasury check the post plan and the budget at the same "
            "time; the head of department decides. You receive the decision by e-mail."
        ),
        "contact": "Human resources and organisation",
    },
}

# Content pages by slug: title, intro, paragraph (HTML) or None for a contact block.
CONTENT: dict[str, tuple[str, str, str | None]] = {
    "kontakt": ("Contact", "How to reach the City of Kassel's administration.", None),
    "barrierefreiheit": (
        "Accessibility statement",
        "The City of Kassel strives to make its service portal accessible.",
        "<p>This portal is meant to meet the requirements of BITV 2.0. Please report "
        "barriers to buergerservice@kassel.de.</p>",
    ),
    "datenschutz": (
        "Privacy",
        "How the City of Kassel processes your data in the service portal.",
        "<p>Your details are used only to handle your request and are deleted when the "
        "retention period ends.</p>",
    ),
    "impressum": (
        "Legal notice",
        "Magistrate of the City of Kassel",
        "<p>Magistrate of the City of Kassel, Obere Königsstraße 8, 34117 Kassel</p>",
    ),
    "nutzungsbedingungen-stadtarchiv": (
        "Terms of use of the city archive",
        "What applies to images you order from the Kassel city archive.",
        "<p>You may use an ordered image only for the use and resolution you ordered; "
        "the usage permission names both. Credit every publication with the archive's "
        "name as the usage permission gives it and the image's reference number. You "
        "may not pass the image on to "
        "others. You clear the rights of others (authors, people shown) yourself. The "
        "archive receives a copy of every publication.</p>",
    ),
}

CONTACT_NAMES = {"Bürgerservice / Servicecenter 115": "Citizens' service / service centre 115"}
OPENING_HOURS = {"Mo–Fr 8:00–18:00": "Mon–Fri 8:00–18:00"}

# Online forms by slug: title and the case title the applicant reads.
FORMS = {
    "personenstandsurkunden-anfordern": "Request civil status certificates",
    "anmeldung-fortbildung": "Registration for a training course",
    "briefkasten": "Digital letterbox",
    "sterbefall-voranmelden": "Advance notice of a death",
    "raum-buchen": "Book a meeting room",
    "trauinfo": "Wedding information: questions about getting married",
    "wiederbesetzung": "Apply to refill a permanent post",
    "sperrmuell-anmelden": "Book a bulky-waste pickup",
}

CONFIRMATION_TEXT = "<p>Thank you! Your application has been received.</p>"
EMAIL_SUBJECT = "Confirmation of receipt {case_number}: {form_title}"
EMAIL_BODY = (
    "Dear {applicant_name},\n\n"
    "thank you for your application “{form_title}”. We received it on {received_at} "
    "under the case number {case_number}.\n\n"
    "You can see how it is progressing at any time here:\n{status_url}\n\n"
    "Your details:\n{summary}\n\n"
    "Kind regards\nThe City of Kassel"
)

_KINDS = {
    "Geburtsurkunde": "birth certificate",
    "Sterbeurkunde": "death certificate",
    "Eheurkunde": "marriage certificate",
    "Lebenspartnerschaftsurkunde": "civil partnership certificate",
}

# The texts of the demo forms (step titles, introductions, labels, help texts, placeholders
# and choices), German -> English.
FORM_TEXTS: dict[str, str] = {
    "Start": "Start",
    "Mit diesem Formular fordern Sie Personenstandsurkunden beim Standesamt Kassel an. "
    "Die Gebühren betragen 10,00 € für die erste und 5,00 € für jede weitere Urkunde.": (
        "With this form you request civil status certificates from the Kassel registry "
        "office. The fees are €10.00 for the first certificate and €5.00 for each further one."
    ),
    "Ich habe die Hinweise zur Verarbeitung meiner Daten gelesen.": (
        "I have read the information on how my data are processed."
    ),
    "Antragstellerdaten": "Applicant",
    "Anrede": "Title",
    "Herr": "Mr",
    "Frau": "Ms",
    "divers": "diverse",
    "keine Angabe": "not stated",
    "Name": "Surname",
    "Vorname": "First name",
    "Akademischer Grad": "Academic degree",
    "Postleitzahl": "Postcode",
    "Ort": "Town",
    "Straße/Hausnummer/Zusatz": "Street and house number",
    "E-Mail": "E-mail",
    "Abholung": "Pickup",
    "Abholadresse": "Pickup address",
    "Gegenstände": "Items",
    "Zum Beispiel: Sofa, zwei Stühle, ein Schrank (bis 3 m³).": (
        "For example: a sofa, two chairs, a wardrobe (up to 3 m³)."
    ),
    "Frage": "Question",
    "Welche Urkundenart wollen Sie anfordern?": "Which kind of certificate do you need?",
    "Bei der Anforderung von verschiedenen Urkunden ist jeweils ein neuer Antrag "
    "erforderlich.": "Each kind of certificate needs an application of its own.",
    **{german: english[0].upper() + english[1:] for german, english in _KINDS.items()},
    **{f"Angaben zur {german}": f"Details of the {english}" for german, english in _KINDS.items()},
    **{
        f"Verwendungszweck für die {german}": f"Purpose of the {english}"
        for german, english in _KINDS.items()
    },
    **{f"Format der {german}": f"Format of the {english}" for german, english in _KINDS.items()},
    **{
        f"{german} DIN A4-Format": f"{english[0].upper() + english[1:]}, A4"
        for german, english in _KINDS.items()
    },
    **{
        f"{german} DIN A5-Format (Stammbuchformat)": (
            f"{english[0].upper() + english[1:]}, A5 (family book format)"
        )
        for german, english in _KINDS.items()
    },
    **{
        f"Internationale {german}": f"International {english}" for german, english in _KINDS.items()
    },
    "Anmeldung einer Eheschließung": "Notice of an intended marriage",
    "Rentenangelegenheiten": "Pension matters",
    "Pass- und Ausweisangelegenheiten": "Passport and identity card",
    "Familienforschung": "Family research",
    "Legalisation/Apostille (Verwendung im Ausland)": "Legalisation/apostille (use abroad)",
    "Sonstiges": "Other",
    "Anzahl der benötigten Urkunden": "Number of certificates needed",
    "1 bis 20 Urkunden; die erste kostet 10,00 €, jede weitere 5,00 €.": (
        "1 to 20 certificates; the first costs €10.00, each further one €5.00."
    ),
    "Anforderungsberechtigt als": "Entitled to request as",
    "beurkundete Person": "the person recorded",
    "Ehegatte/Lebenspartner/in": "spouse or civil partner",
    "Eltern, Kinder oder Enkel": "parent, child or grandchild",
    "Geschwister": "sibling",
    "Bevollmächtigte Person": "authorised representative",
    "Geburtsname": "Birth name",
    "Aktueller Familienname": "Current surname",
    "Geburtsdatum": "Date of birth",
    "Geburtsort": "Place of birth",
    "Bemerkungen": "Remarks",
    "Familienname der verstorbenen Person": "Surname of the deceased",
    "Vorname der verstorbenen Person": "First name of the deceased",
    "Sterbedatum": "Date of death",
    "Sterbeort": "Place of death",
    "Familienname (Ehegatte 1)": "Surname (spouse 1)",
    "Vorname (Ehegatte 1)": "First name (spouse 1)",
    "Familienname (Ehegatte 2)": "Surname (spouse 2)",
    "Vorname (Ehegatte 2)": "First name (spouse 2)",
    "Datum der Eheschließung": "Date of marriage",
    "Ort der Eheschließung": "Place of marriage",
    "Familienname (Lebenspartner/in 1)": "Surname (partner 1)",
    "Vorname (Lebenspartner/in 1)": "First name (partner 1)",
    "Familienname (Lebenspartner/in 2)": "Surname (partner 2)",
    "Vorname (Lebenspartner/in 2)": "First name (partner 2)",
    "Datum der Begründung": "Date of registration",
    "Ort der Begründung": "Place of registration",
    "Ihr Anliegen": "Your request",
    "Ihr Name": "Your name",
    "Telefon (für Rückfragen)": "Phone (for questions)",
    "Betreff": "Subject",
    "Ihre Nachricht": "Your message",
    "Anhänge": "Attachments",
    "Fügen Sie bei Bedarf Dokumente oder Fotos bei.": "Attach documents or photos if needed.",
    "Anhang 1": "Attachment 1",
    "Anhang 2": "Attachment 2",
    "PDF, JPEG oder PNG, höchstens 10 MB.": "PDF, JPEG or PNG, at most 10 MB.",
    "Angaben zur verstorbenen Person": "The deceased",
    "Familienname": "Surname",
    "Unterlagen": "Documents",
    "Todesbescheinigung": "Death certificate (medical)",
    "PDF, höchstens 10 MB.": "PDF, at most 10 MB.",
    "Termin und Raum": "Date and room",
    "Termin": "Date and time",
    "Anlass": "Occasion",
    "Raum": "Room",
    "Sitzungssaal": "Council chamber",
    "Besprechungsraum 101": "Meeting room 101",
    "Besprechungsraum 214": "Meeting room 214",
    "Datum": "Date",
    "Beginn": "Start",
    "Ende": "End",
    "Anzahl der Teilnehmenden": "Number of participants",
    "Bewirtung": "Catering",
    "keine": "none",
    "Kaffee und Wasser": "Coffee and water",
    "Imbiss": "Snacks",
    "Ihre Angaben": "Your details",
    "Wunschtermin": "Preferred date",
    "Ort der Trauung": "Place of the ceremony",
    "Trauzimmer im Rathaus": "Wedding room in the town hall",
    "Standesamt im Schloss": "Registry office in the palace",
    "externer Ort": "another place",
    "Staatsangehörigkeit der Verlobten": "Nationality of the engaged couple",
    "beide deutsch": "both German",
    "eine/r ausländisch": "one of them foreign",
    "beide ausländisch": "both foreign",
    "Frühere Ehe oder Lebenspartnerschaft": "Earlier marriage or civil partnership",
    "geschieden": "divorced",
    "verwitwet": "widowed",
    "aufgehoben": "annulled",
    "Planstelle": "Permanent post",
    "Stellennummer": "Post number",
    "Entgeltgruppe": "Pay grade",
    "Grund des Freiwerdens": "Why the post became vacant",
    "Gewünschte Besetzung zum": "To be filled by",
    "Antrag": "Application",
    "Angaben zur Fortbildung": "About the training course",
    "Fortbildung": "Training course",
    "Altersgruppe": "Age group",
    "Berufsgruppe": "Occupational group",
    "Arbeitszeit": "Working time",
    "Funktion": "Position",
    "Erneute Anmeldung für diese Fortbildung": "Repeated registration for this course",
    "Besondere Hilfe wg. Behinderung erforderlich": "Special assistance needed for a disability",
    "Persönliche Lernziele": "Personal learning goals",
    "Lernziel:": "Learning goal:",
}


def translate_text(text: str) -> str:
    return FORM_TEXTS.get(text, text) if text else text


def translate_choices(text: str) -> str:
    """German choice lines as "stored value | English text" (values stay German)."""
    lines = []
    for value, _label in parse_choices(text):
        english = FORM_TEXTS.get(value)
        lines.append(f"{value} {CHOICE_SEPARATOR} {english}" if english else value)
    return "\n".join(lines)


def translate_steps(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A form definition's raw stream data with its texts in English; names stay."""
    steps = []
    for block in raw:
        value = dict(block["value"])
        value["title"] = translate_text(value.get("title", ""))
        value["intro"] = translate_text(value.get("intro", ""))
        fields = []
        for item in value.get("fields", []):
            stored = list_item_value(item)
            fv = dict(stored)
            fv["name"] = field_name(fv)  # a name taken from the German label stays
            for key in ("label", "help_text", "placeholder"):
                fv[key] = translate_text(fv.get(key) or "")
            fv["choices"] = translate_choices(fv.get("choices") or "")
            fields.append({**item, "value": fv} if stored is not item else fv)
        value["fields"] = fields
        steps.append({**block, "value": value})
    return steps


def _texts(page: Page) -> None:
    if isinstance(page, HomePage):
        page.title, page.seo_title, page.intro = HOME["title"], HOME["seo_title"], HOME["intro"]
    elif isinstance(page, ServiceIndexPage):
        page.title, page.intro = INDEX["title"], INDEX["intro"]
    elif isinstance(page, ServicePage) and page.slug in SERVICES:
        service = SERVICES[page.slug]
        page.title, page.summary = service["title"], service["summary"]
        page.fees, page.processing_time = service["fees"], service["processing_time"]
        page.documents_to_bring = service.get("documents", "")
        body = []
        for block in page.body.raw_data:
            if block["type"] == "paragraph":
                body.append({**block, "value": f"<p>{service['text']}</p>"})
            elif block["type"] == "contact":
                body.append({**block, "value": {**block["value"], "name": service["contact"]}})
            else:
                body.append(block)
        page.body = body
    elif isinstance(page, ContentPage) and page.slug in CONTENT:
        title, intro, paragraph = CONTENT[page.slug]
        page.title, page.intro = title, intro
        body = []
        for block in page.body.raw_data:
            if block["type"] == "paragraph" and paragraph:
                body.append({**block, "value": paragraph})
            elif block["type"] == "contact":
                contact = dict(block["value"])
                contact["name"] = CONTACT_NAMES.get(contact["name"], contact["name"])
                hours = contact.get("opening_hours") or ""
                contact["opening_hours"] = OPENING_HOURS.get(hours, hours)
                body.append({**block, "value": contact})
            else:
                body.append(block)
        page.body = body
    elif isinstance(page, ServiceFormPage) and page.slug in FORMS:
        page.title = FORMS[page.slug]
        page.confirmation_text = CONFIRMATION_TEXT
        page.confirmation_email_subject = EMAIL_SUBJECT
        page.confirmation_email_body = EMAIL_BODY
        page.steps = translate_steps(list(page.steps.raw_data))


@transaction.atomic
def load_english_demo() -> dict[str, int]:
    """Translate every live German demo page that has no English copy yet."""
    locale, _created = Locale.objects.get_or_create(language_code=ENGLISH)
    home = HomePage.objects.filter(locale__language_code="de").first()
    if home is None:
        return {"pages": 0}
    created = 0
    for page in Page.objects.live().descendant_of(home, inclusive=True).specific():
        if page.get_translation_or_none(locale) is not None:
            continue
        english = page.copy_for_translation(locale, copy_parents=True).specific
        _texts(english)
        english.save_revision().publish()
        created += 1
    # A service's "apply online" link points to the form in the service's own language.
    for service in ServicePage.objects.filter(locale=locale, online_link__isnull=False):
        form = service.online_link.get_translation_or_none(locale)
        if form is not None and service.online_link_id != form.pk:
            service.online_link = form
            service.save_revision().publish()
    return {"pages": Page.objects.filter(locale=locale).live().count(), "created": created}


register_demo_step(order=45, name="english", run=load_english_demo)

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core import mail
from openpyxl import load_workbook

from portal_site.cases.models import Case, CaseFile, TimelineEntry
from portal_site.core.demo import DEMO_PASSWORD
from portal_site.notifications.models import OutboxMessage
from serviceportal.catalogues import ApplicantOrganisation
from serviceportal.demo_forms import f
from serviceportal.form_pages import ServiceFormPage
from serviceportal.form_submissions import ServiceFormSubmission
from serviceportal.identification import IdentificationMode
from tests.serviceportal.builders import PDF, Applicant, make_form, simple_steps, upload

pytestmark = pytest.mark.django_db(transaction=True)


def to_the_upload_step(applicant: Applicant, *, name: str, email: str) -> None:
    """Through the applicant's data, the birth certificate and its place to the upload."""
    applicant.next({"name": name, "email": email})
    applicant.next({"art": "Geburtsurkunde"})
    applicant.next({"geburtsort": "Kassel"})


def _fill_birth(applicant: Applicant) -> None:
    applicant.next({"name": "Frank Mustermann", "email": "frank.mustermann@kassel.de"})
    applicant.next({"art": "Geburtsurkunde"})
    applicant.next({"geburtsort": "Musterstadt"})
    applicant.next({})  # no upload


def test_a_required_field_left_empty_gives_a_german_message_at_the_field(demo, client):
    applicant = Applicant(client, make_form())
    response = applicant.next({"name": "", "email": "kein-email"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Feld muss ausgefüllt werden." in content
    assert "Bitte gültige E-Mail-Adresse eingeben." in content
    assert 'aria-invalid="true"' in content
    assert applicant.position() == "s0"


def test_the_chosen_answer_decides_which_step_follows(demo, client):
    applicant = Applicant(client, make_form())
    applicant.next({"name": "A", "email": "a@example.org"})
    applicant.next({"art": "Sterbeurkunde"})
    assert applicant.position() == "s3"
    page = client.get(applicant.url).content.decode()
    assert "Sterbeort" in page and "Geburtsort" not in page
    assert "Bemerkung" in page  # field-level condition holds too


def test_back_keeps_every_answer(demo, client):
    applicant = Applicant(client, make_form())
    applicant.next({"name": "Frank Mustermann", "email": "frank@example.org"})
    applicant.back()
    page = client.get(applicant.url).content.decode()
    assert 'value="Frank Mustermann"' in page
    assert 'value="frank@example.org"' in page


def test_sending_opens_one_case_with_number_answers_timeline_and_confirmation(demo, client):
    applicant = Applicant(client, make_form())
    _fill_birth(applicant)
    assert applicant.position() == "summary"
    summary = client.get(applicant.url).content.decode()
    assert "Angaben prüfen" in summary and "Musterstadt" in summary
    response = applicant.submit()
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "portal"
    assert case.applicant_name == "Frank Mustermann"
    assert case.office.short_name == "Bürgerservice"
    assert case.data["values"]["geburtsort"] == "Musterstadt"
    assert "sterbeort" not in case.data["values"]  # hidden step not stored
    assert {
        "step": "Geburt",
        "name": "geburtsort",
        "label": "Geburtsort",
        "value": "Musterstadt",
    } in case.data["answers"]
    assert case.timeline.filter(kind=TimelineEntry.Kind.RECEIVED).exists()
    confirmation = client.get(response["Location"]).content.decode()
    assert case.number in confirmation
    [message] = mail.outbox
    assert case.number in message.subject
    assert "Musterstadt" in message.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/vorgang/" in message.body


def test_a_replayed_or_double_send_creates_one_case(demo, client):
    applicant = Applicant(client, make_form())
    _fill_birth(applicant)
    token = applicant.state()["token"]
    first = applicant.submit(token)
    second = applicant.submit(token)  # double click / replayed POST
    assert Case.objects.count() == 1
    assert ServiceFormSubmission.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_without_a_registered_process_the_case_is_kept_and_noted(demo, client):
    applicant = Applicant(client, make_form(process_key="gibt_es_nicht"))
    _fill_birth(applicant)
    applicant.submit()
    case = Case.objects.get()
    notes = case.timeline.filter(kind=TimelineEntry.Kind.SYSTEM).values_list("message", flat=True)
    assert any("gibt_es_nicht" in note for note in notes)


def test_upload_is_filed_privately_with_the_case(demo, client):
    applicant = Applicant(client, make_form())
    to_the_upload_step(applicant, name="A", email="a@example.org")
    applicant.next({"nachweis": upload("nachweis.pdf", PDF)})
    applicant.submit()
    case_file = CaseFile.objects.get()
    assert case_file.kind == CaseFile.Kind.UPLOAD
    assert case_file.source == "nachweis"
    assert case_file.file.path.startswith(settings.PRIVATE_MEDIA_ROOT)
    with case_file.file.open("rb") as handle:
        assert handle.read() == PDF
    assert client.get(settings.MEDIA_URL + case_file.file.name).status_code == 404


def test_a_renamed_program_is_refused_by_its_content(demo, client):
    applicant = Applicant(client, make_form())
    to_the_upload_step(applicant, name="A", email="a@example.org")
    response = applicant.next({"nachweis": upload("rechnung.pdf", b"MZ\x90\x00" + b"\x00" * 64)})
    assert "Dieser Dateityp ist nicht erlaubt. Erlaubt: PDF, PNG." in response.content.decode()
    too_big = applicant.next({"nachweis": upload("gross.pdf", PDF + b"0" * 1024 * 1024)})
    assert "Die Datei ist zu groß" in too_big.content.decode()


def test_employee_identification_checks_the_directory(demo, client):
    page = make_form(identification=IdentificationMode.EMPLOYEE)
    applicant = Applicant(client, page)
    wrong = applicant.next({"personnel_number": "2001", "last_name": "Falsch"})
    assert "passen nicht zu unserem Mitarbeiterverzeichnis" in wrong.content.decode()
    applicant.next({"personnel_number": "2001", "last_name": "mustermann"})
    assert applicant.state()["identity"]["last_name"] == "Mustermann"
    to_the_upload_step(applicant, name="x", email="x@example.org")
    applicant.next({})
    applicant.submit()
    case = Case.objects.get()
    assert case.applicant_name == "Hans Mustermann"
    assert case.applicant_email == "hans.mustermann@kassel.de"
    assert case.data["values"]["personnel_number"] == "2001"


def test_failed_identifications_are_throttled(demo, client):
    applicant = Applicant(client, make_form(identification=IdentificationMode.EMPLOYEE))
    for _ in range(5):
        applicant.next({"personnel_number": "2001", "last_name": "Falsch"})
    locked = applicant.next({"personnel_number": "2001", "last_name": "Mustermann"})
    assert "Zu viele Fehlversuche" in locked.content.decode()
    assert not applicant.state()["identity"]


def test_organisation_forms_require_a_member_login(demo, client, django_user_model):
    page = make_form(identification=IdentificationMode.ORGANISATION)
    response = client.get(page.url)
    assert "/anmelden/?next=" in response.content.decode()
    user = django_user_model.objects.create_user(
        "bestatter", password=DEMO_PASSWORD, email="info@bestattung-kassel.de"
    )
    organisation = ApplicantOrganisation.objects.create(
        name="Bestattungen Kassel", kind="funeral_home", email="info@bestattung-kassel.de"
    )
    organisation.members.add(user)
    login = client.post(
        "/anmelden/", {"username": "bestatter", "password": DEMO_PASSWORD, "next": page.url}
    )
    assert login.status_code == 302
    applicant = Applicant(client, page)
    assert applicant.position() == "s0"
    assert applicant.state()["identity"]["name"] == "Bestattungen Kassel"


def test_failed_organisation_logins_are_throttled(demo, client):
    for _ in range(5):
        client.post("/anmelden/", {"username": "nobody", "password": "wrong"})
    response = client.post("/anmelden/", {"username": "nobody", "password": "wrong"})
    assert "Zu viele Fehlversuche" in response.content.decode()


def test_status_page_shows_the_status_only_and_refuses_forged_links(demo, client):
    applicant = Applicant(client, make_form())
    _fill_birth(applicant)
    applicant.submit()
    body = mail.outbox[0].body
    path = body[body.index("/vorgang/") :].split()[0]
    response = client.get(path)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Eingegangen" in content and Case.objects.get().number in content
    assert "Mustermann" not in content and "Musterstadt" not in content
    forged = client.get(path[:-3] + "abc/")
    assert forged.status_code == 404
    assert "Link ungültig" in forged.content.decode()


def test_submissions_are_listed_and_exported_as_xlsx(demo, client):
    page = make_form()
    applicant = Applicant(client, page)
    _fill_birth(applicant)
    applicant.submit()
    client.logout()
    # the form's responsible office reads the answers (the editor does not: test_access_matrix)
    client.login(username="sachbearbeitung", password=DEMO_PASSWORD)
    listing = client.get(f"/admin/forms/submissions/{page.pk}/")
    assert listing.status_code == 200
    assert Case.objects.get().number in listing.content.decode()
    export = client.get(f"/admin/forms/submissions/{page.pk}/?export=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert header[:2] == ["Vorgangsnummer", "Eingangsdatum"]
    assert row[0] == Case.objects.get().number
    assert "Musterstadt" in row


def test_with_the_mail_server_down_the_case_is_kept_and_the_mail_waits(demo, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    applicant = Applicant(client, make_form())
    _fill_birth(applicant)
    response = applicant.submit()
    assert response.status_code == 302
    case = Case.objects.get()
    message = OutboxMessage.objects.get(case=case)
    assert message.status == OutboxMessage.Status.RETRYING
    assert case.number in message.subject


def test_demo_funeral_home_applies_with_its_account(demo, client):
    client.post("/anmelden/", {"username": "bestattungshaus", "password": DEMO_PASSWORD})
    page = ServiceFormPage.objects.get(locale__language_code="de", slug="sterbefall-voranmelden")
    applicant = Applicant(client, page)
    applicant.next(
        {
            "familienname": "Beispiel",
            "vorname": "Berta",
            "geburtsdatum": "1930-05-01",
            "sterbedatum": "2026-11-20",
            "sterbeort": "Kassel",
        }
    )
    applicant.next({"todesbescheinigung": upload("bescheinigung.pdf", PDF)})
    applicant.submit()
    case = Case.objects.get()
    assert case.applicant_name == "Bestattungshaus Kassel"
    assert case.applicant_user.username == "bestattungshaus"
    assert case.office.short_name == "34"


def test_a_later_step_cannot_be_posted_before_the_earlier_ones_are_answered(demo, client):
    applicant = Applicant(client, make_form())
    client.get(applicant.url)
    skipped = client.post(applicant.url, {"position": "s4", "action": "next"})
    assert skipped.status_code == 302
    assert applicant.position() == "s0"
    forged = client.post(
        applicant.url,
        {"position": "summary", "action": "submit", "token": applicant.state()["token"]},
    )
    assert forged.status_code == 302
    assert not Case.objects.exists()
    assert applicant.position() == "s0"


def test_employee_identification_cannot_be_skipped(demo, client):
    applicant = Applicant(client, make_form(identification=IdentificationMode.EMPLOYEE))
    client.get(applicant.url)
    client.post(
        applicant.url,
        {"position": "s0", "action": "next", "name": "x", "email": "x@example.org"},
    )
    assert applicant.position() == "identify"
    assert "name" not in applicant.state()["answers"]


def test_changing_the_kind_of_certificate_requires_the_new_detail_step(demo, client):
    applicant = Applicant(client, make_form())
    _fill_birth(applicant)
    client.post(applicant.url, {"position": "summary", "action": "edit:s1"})
    applicant.next({"art": "Sterbeurkunde"})
    assert applicant.position() == "s3"
    # Jumping to the summary without the death certificate's details is refused.
    client.post(applicant.url, {"position": "summary", "action": "submit", "token": "x"})
    applicant.submit()
    assert not Case.objects.exists()
    assert applicant.position() == "s3"
    applicant.next({"sterbeort": "Kassel"})
    applicant.next({})
    applicant.submit()
    case = Case.objects.get()
    assert case.data["values"]["sterbeort"] == "Kassel"
    assert "geburtsort" not in case.data["values"]


def test_answers_no_longer_valid_when_sending_lead_back_to_their_step(demo, client):
    page = make_form()
    applicant = Applicant(client, page)
    _fill_birth(applicant)
    # given: the editor makes a new field required while the applicant checks the summary
    steps = simple_steps()
    steps[2][1]["fields"].append(f("Geburtsjahr", name="geburtsjahr"))
    page.steps = steps
    page.save_revision().publish()
    # when
    response = applicant.submit()
    # then
    assert response.status_code == 302
    assert not Case.objects.exists()
    shown = client.get(applicant.url).content.decode()
    assert "Einige Angaben fehlen oder sind nicht mehr gültig" in shown
    assert "Geburtsjahr" in shown
    assert applicant.position() == "s2"


def test_back_from_the_first_step_after_identification_does_not_ask_again(demo, client):
    applicant = Applicant(client, make_form(identification=IdentificationMode.EMPLOYEE))
    applicant.next({"personnel_number": "2001", "last_name": "Mustermann"})
    assert applicant.position() == "s0"
    page = client.get(applicant.url).content.decode()
    assert 'value="back"' not in page
    applicant.back()
    assert applicant.position() == "s0"


def test_only_department_heads_may_ask_to_refill_a_position(demo, client):
    page = ServiceFormPage.objects.get(locale__language_code="de", slug="wiederbesetzung")
    applicant = Applicant(client, page)
    refused = applicant.next({"personnel_number": "2001", "last_name": "Mustermann"})
    assert "Nur Beschäftigte mit der Rolle „Abteilungsleitung“" in refused.content.decode()
    applicant.next({"personnel_number": "1124", "last_name": "Hauptmann"})
    applicant.next(
        {
            "stellennummer": "10-123",
            "entgeltgruppe": "9",
            "grund": "Ruhestand",
            "besetzung_zum": "2027-04-01",
        }
    )
    applicant.submit()
    case = Case.objects.get()
    assert case.process_key == "gestaltet-wiederbesetzung"
    assert case.applicant_name == "Albert Hauptmann"

    page.identification = IdentificationMode.ANYONE
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Beschäftigte"):
        page.full_clean()


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        ("0", "größer oder gleich 1"),
        ("-3", "größer oder gleich 1"),
        ("500", "kleiner oder gleich 20"),
        ("2,5", "Zahl eingeben"),  # not sent by a browser's number field: refused anyway
        ("2.5", "ganze Zahl"),  # what a German browser sends for 2,5
    ],
)
def test_editor_rules_refuse_impossible_answers_with_a_message(demo, client, copies, message):
    rules = {"minimum": "1", "maximum": "20", "whole_number": True}
    steps = [
        (
            "step",
            {
                "title": "Angaben",
                "intro": "",
                "condition": {"field": "", "values": ""},
                "fields": [
                    f("Anzahl", "number", name="anzahl", rules=rules),
                    f("Postleitzahl", name="plz", rules={"pattern": "postcode_de"}),
                    f("Geburtsdatum", "date", name="geboren", rules={"date_rule": "past"}),
                    f("IBAN", name="iban", required=False, rules={"pattern": "iban"}),
                    f("E-Mail", "email", name="email", role="email"),
                ],
            },
        ),
    ]
    page = make_form(steps=steps, slug="regeln")
    applicant = Applicant(client, page)
    bad = applicant.next(
        {"anzahl": copies, "plz": "abc", "geboren": "2030-01-01", "iban": "DE00 1234"}
    ).content.decode()
    assert message in bad
    assert "fünf Ziffern" in bad and "vor dem heutigen Tag" in bad and "gültige IBAN" in bad
    assert 'min="1"' in bad and 'max="20"' in bad and 'step="1"' in bad
    good = applicant.next(
        {
            "anzahl": "4",
            "plz": "34117",
            "geboren": "1960-01-01",
            "iban": "DE02120300000000202051",
            "email": "erika@example.org",
        }
    )
    assert good.status_code == 302 and applicant.state()["answers"]["anzahl"] in ("4", 4)


def test_rules_that_cannot_hold_are_refused_and_other_types_rules_dropped(demo):
    from django.core.exceptions import ValidationError

    from serviceportal.form_definition import FieldBlock

    block = FieldBlock()
    # the editor hides a number rule on a text field; saving drops it, no hidden error
    text_with_range = f("Name", name="name", rules={"minimum": "1", "pattern": "postcode_de"})
    cleaned = block.clean(block.to_python(text_with_range))
    assert cleaned["rules"]["minimum"] is None and cleaned["rules"]["pattern"] == "postcode_de"
    broken = f("Kennung", name="k", rules={"pattern": "custom", "custom_pattern": "(["})
    with pytest.raises(ValidationError):
        block.clean(block.to_python(broken))
    upside_down = f("Zahl", "number", name="z", rules={"minimum": "5", "maximum": "1"})
    with pytest.raises(ValidationError):
        block.clean(block.to_python(upside_down))
    fine = f("Zahl", "number", name="z", rules={"minimum": "1", "maximum": "5"})
    assert block.clean(block.to_python(fine))["rules"]["maximum"] == 5


def test_a_registration_the_process_refuses_is_not_sent_and_keeps_the_answers(demo, client):
    from flows.models import Course, Participation
    from portal_site.accounts.models import Employee
    from tests.factories import case_for

    course = Course.objects.order_by("code").first()
    hans = Employee.objects.get(personnel_number="2001")
    earlier = case_for("training_registration", office=None, values={}, inputs={})
    Participation.objects.create(
        course=course, case=earlier, employee=hans, status=Participation.Status.CONFIRMED
    )
    steps = [
        (
            "step",
            {
                "title": "Kurs",
                "intro": "",
                "condition": {"field": "", "values": ""},
                "fields": [f("Fortbildung", name="fortbildung")],
            },
        ),
    ]
    page = make_form(
        steps=steps,
        slug="kurs",
        process_key="training_registration",
        identification=IdentificationMode.EMPLOYEE,
        office_short="10.3",
    )
    applicant = Applicant(client, page)
    applicant.next({"personnel_number": "2001", "last_name": "Mustermann"})
    applicant.next({"fortbildung": course.code})
    refused = applicant.submit()
    assert refused.status_code == 302
    page_html = client.get(page.url).content.decode()
    assert "bereits angemeldet" in page_html and earlier.number in page_html
    assert Case.objects.count() == 1  # only the earlier one
    assert applicant.state()["answers"]["fortbildung"] == course.code


def test_an_upload_is_listed_after_back_kept_without_sending_it_again_and_removable(demo, client):
    applicant = Applicant(client, make_form())
    to_the_upload_step(applicant, name="A", email="a@example.org")
    applicant.next({"nachweis": upload("nachweis.pdf", PDF)})
    applicant.back()  # from the summary to the upload step
    page = client.get(applicant.url).content.decode()
    assert "Hochgeladen: nachweis.pdf" in page and 'value="remove:nachweis"' in page
    applicant.next({})  # nothing chosen again: the kept file stays
    assert applicant.state()["uploads"]["nachweis"]["filename"] == "nachweis.pdf"
    applicant.back()
    removed = client.post(
        applicant.url,
        {"position": applicant.position(), "action": "remove:nachweis"},
        follow=True,
    ).content.decode()
    assert "Die Datei „nachweis.pdf“ wurde entfernt." in removed
    assert "nachweis" not in applicant.state()["uploads"]
    assert "Hochgeladen: nachweis.pdf" not in removed
    applicant.next({})
    applicant.submit()
    assert not CaseFile.objects.filter(kind=CaseFile.Kind.UPLOAD).exists()


def test_a_required_upload_kept_from_before_need_not_be_sent_again(demo, client):
    page = make_form()
    definition = page.steps.raw_data
    for step in definition:
        for field in step["value"]["fields"]:
            if field["value"]["name"] == "nachweis":
                field["value"]["required"] = True
    page.steps = definition
    page.save_revision().publish()
    applicant = Applicant(client, ServiceFormPage.objects.get(pk=page.pk))
    to_the_upload_step(applicant, name="A", email="a@example.org")
    assert "Dieses Feld muss ausgefüllt werden." in applicant.next({}).content.decode()
    applicant.next({"nachweis": upload("nachweis.pdf", PDF)})
    applicant.back()
    applicant.next({})
    assert applicant.position() == "summary"


def _resume_path(address: str) -> str:
    import re

    [mail] = [m for m in OutboxMessage.objects.all() if address in m.to]
    return re.search(r"/antrag-fortsetzen/[0-9a-f-]+/", mail.body).group(0)


def test_save_and_resume_on_another_device_keeps_answers_and_upload(demo, client):
    from django.test import Client

    from serviceportal.models import SavedApplication

    applicant = Applicant(client, make_form())
    to_the_upload_step(applicant, name="Frank Mustermann", email="frank@example.org")
    applicant.next({"nachweis": upload("nachweis.pdf", PDF)})
    asked = client.post(applicant.url, {"position": applicant.position(), "action": "save"})
    page = asked.content.decode()
    assert "Zwischenspeichern und später fortsetzen" in page and 'value="frank@example.org"' in page
    bad = client.post(
        applicant.url,
        {"position": applicant.position(), "action": "save_confirm", "email": "frank"},
    ).content.decode()
    assert "gültige E-Mail-Adresse" in bad and not SavedApplication.objects.exists()
    done = client.post(
        applicant.url,
        {"position": applicant.position(), "action": "save_confirm", "email": "frank@example.org"},
        follow=True,
    ).content.decode()
    assert "Ihre Angaben sind gespeichert" in done
    path = _resume_path("frank@example.org")

    other_device = Client()
    response = other_device.get(path, follow=True)
    assert "Willkommen zurück" in response.content.decode()
    again = Applicant(other_device, applicant.page)
    assert again.state()["answers"]["geburtsort"] == "Kassel"
    assert again.state()["uploads"]["nachweis"]["filename"] == "nachweis.pdf"
    again.submit()
    case = Case.objects.get()
    assert case.files.get(kind=CaseFile.Kind.UPLOAD).filename == "nachweis.pdf"
    assert not SavedApplication.objects.exists()  # sent: the saved copy is gone
    gone = Client().get(path)
    assert gone.status_code == 404 and "bereits abgeschickt" in gone.content.decode()


def test_an_expired_resume_link_says_so_and_the_periodic_job_deletes_it(demo, client):
    from datetime import timedelta

    from django.core.files.storage import storages
    from django.test import Client
    from django.utils import timezone

    from portal_site.core.periodic import periodic_jobs
    from serviceportal.models import SavedApplication

    applicant = Applicant(client, make_form())
    to_the_upload_step(applicant, name="A", email="a@example.org")
    applicant.next({"nachweis": upload("nachweis.pdf", PDF)})
    client.post(
        applicant.url,
        {"position": applicant.position(), "action": "save_confirm", "email": "a@example.org"},
    )
    saved = SavedApplication.objects.get()
    stored = saved.state["uploads"]["nachweis"]["storage_name"]
    # the temporary uploads' purge keeps the saved application's file
    from serviceportal.uploads import TEMP_LIFETIME

    old = timezone.now() - TEMP_LIFETIME - timedelta(hours=1)
    import os

    path = storages["private"].path(stored)
    os.utime(path, (old.timestamp(), old.timestamp()))
    periodic_jobs()["serviceportal.purge_stale_uploads"]()
    assert storages["private"].exists(stored)
    SavedApplication.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = Client().get(_resume_path("a@example.org"))
    assert expired.status_code == 404 and "abgelaufen" in expired.content.decode()
    assert periodic_jobs()["serviceportal.purge_expired_saved_applications"]() == 1
    assert not SavedApplication.objects.exists() and not storages["private"].exists(stored)


@pytest.mark.parametrize("token", ["00000000-0000-0000-0000-000000000000", "kein-token"])
def test_an_unknown_resume_link_is_a_clear_not_found(demo, client, token):
    response = client.get(f"/antrag-fortsetzen/{token}/")
    assert response.status_code == 404


def test_a_form_step_needs_few_queries_however_many_fields(
    demo, client, django_assert_max_num_queries
):
    """The form's definition is read from its JSON: no query per field (there were 51 for
    the certificate order's fields, one per "process input" choice list)."""
    page = ServiceFormPage.objects.get(
        locale__language_code="de", slug="personenstandsurkunden-anfordern"
    )
    client.get(page.url)
    with django_assert_max_num_queries(16):  # site, locale, page route, session, settings
        assert client.get(page.url).status_code == 200
    applicant = Applicant(client, page)
    with django_assert_max_num_queries(32):  # plus the session write and the answers
        applicant.next({"datenschutz": "on"})


def test_a_resumed_employee_form_asks_for_the_identification_again(demo, client):
    from django.test import Client

    page = make_form(identification=IdentificationMode.EMPLOYEE)
    applicant = Applicant(client, page)
    applicant.next({"personnel_number": "2001", "last_name": "Mustermann"})
    to_the_upload_step(applicant, name="x", email="x@example.org")
    client.post(
        applicant.url,
        {"position": applicant.position(), "action": "save_confirm", "email": "x@example.org"},
    )
    other_device = Client()
    other_device.get(_resume_path("x@example.org"))
    again = Applicant(other_device, page)
    assert "identity" not in again.state()
    assert again.state()["answers"]["geburtsort"] == "Kassel"  # the answers are kept
    assert 'name="personnel_number"' in other_device.get(page.url).content.decode()
    refused = again.submit()
    assert not Case.objects.exists() and refused.status_code in (200, 302)
    wrong = again.next({"personnel_number": "2001", "last_name": "Falsch"})
    assert "passen nicht zu unserem Mitarbeiterverzeichnis" in wrong.content.decode()
    again.next({"personnel_number": "2001", "last_name": "Mustermann"})
    # every step is shown again (its answers kept) before the summary can be reached
    to_the_upload_step(again, name="x", email="x@example.org")
    again.next({})  # the upload step
    again.submit()
    assert Case.objects.get().applicant_name == "Hans Mustermann"

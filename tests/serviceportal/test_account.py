"""Mein Konto: the applicant's own cases through a sign-in link sent by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from portal_site.cases.models import CaseFile
from portal_site.cases.services import add_note, attach_file
from portal_site.notifications.models import OutboxMessage
from portal_site.notifications.services import queue_email
from tests.factories import InvoiceFactory, case_for, city_staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cases(db):
    staff = city_staff()
    office = staff["standesamt"].org_unit
    mine = case_for(
        "civil_status_certificate",
        office=office,
        values={},
        inputs={},
        title="Personenstandsurkunden anfordern",
        applicant_name="Frank Mustermann",
        applicant_email="Frank.Mustermann@example.org",
    )
    other = case_for(
        "generic",
        office=office,
        values={},
        inputs={},
        title="Digitaler Briefkasten",
        applicant_name="Otto Andere",
        applicant_email="otto@example.org",
    )
    invoice_pdf = attach_file(
        case=mine,
        content=PDF,
        filename="Gebuehrenbescheid.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.GENERATED,
        title="Gebührenbescheid",
    )
    attach_file(  # filed, never sent to the applicant
        case=mine,
        content=PDF,
        filename="Vorgangsblatt.pdf",
        content_type="application/pdf",
        kind=CaseFile.Kind.GENERATED,
        title="Vorgangsblatt",
    )
    queue_email(
        to=[mine.applicant_email],
        subject="Ihr Gebührenbescheid",
        body="Bitte zahlen Sie 25,00 €.",
        case=mine,
        attachments=[invoice_pdf.as_attachment()],
    )
    add_note(case=mine, actor=staff["standesamt"], text="Geheime Notiz der Sachbearbeitung")
    InvoiceFactory(case=mine)
    return {"mine": mine, "other": other, "staff": staff}


def _sign_in_link(address: str) -> str:
    [mail] = [m for m in OutboxMessage.objects.all() if address in m.to]
    return re.search(r"https?://\S+/konto/anmelden/\S+/", mail.body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _ask(client, address: str):
    return client.post("/konto/", {"email": address}, follow=True).content.decode()


def test_the_link_opens_the_applicants_own_cases_and_nothing_else(cases, client):
    page = _ask(client, "frank.mustermann@example.org")  # another spelling of the address
    assert "haben wir Ihnen einen Anmeldelink" in page
    link = _sign_in_link("frank.mustermann@example.org")
    content = client.get(_path(link), follow=True).content.decode()
    assert cases["mine"].number in content and cases["other"].number not in content
    assert client.get(f"/konto/vorgang/{cases['other'].number}/").status_code == 404


def _signed_in(client, cases) -> None:
    _ask(client, "frank.mustermann@example.org")
    client.get(_path(_sign_in_link("frank.mustermann@example.org")))


def test_a_case_shows_its_status_messages_documents_and_the_fee_to_pay(cases, client):
    _signed_in(client, cases)
    case = cases["mine"]
    page = client.get(f"/konto/vorgang/{case.number}/").content.decode()
    assert "Eingegangen" in page and "Ihr Gebührenbescheid" in page
    assert "Bitte zahlen Sie 25,00 €." in page and "Jetzt bezahlen" in page
    assert "Gebührenbescheid" in page and "Vorgangsblatt" not in page
    assert "Geheime Notiz" not in page
    mailed = case.files.get(filename="Gebuehrenbescheid.pdf")
    download = client.get(f"/konto/vorgang/{case.number}/dokument/{mailed.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    internal = case.files.get(filename="Vorgangsblatt.pdf")
    assert client.get(f"/konto/vorgang/{case.number}/dokument/{internal.pk}/").status_code == 404


def test_no_mail_for_an_address_without_cases_but_the_same_answer(cases, client):
    page = _ask(client, "niemand@example.org")
    assert "haben wir Ihnen einen Anmeldelink" in page
    assert not [m for m in OutboxMessage.objects.all() if "niemand@example.org" in m.to]


def test_a_link_works_once_and_a_broken_or_expired_one_says_so(cases, client, settings):
    _ask(client, "frank.mustermann@example.org")
    path = _path(_sign_in_link("frank.mustermann@example.org"))
    assert client.get(path).status_code == 302
    client.post("/konto/abmelden/")
    used = client.get(path)
    assert used.status_code == 400 and "bereits verwendet" in used.content.decode()
    broken = client.get(path.replace("/anmelden/", "/anmelden/x"))
    assert broken.status_code == 400 and "nicht gültig" in broken.content.decode()
    settings.PORTAL_ACCOUNT_LINK_MINUTES = -1
    _ask(client, "frank.mustermann@example.org")
    links = [m for m in OutboxMessage.objects.order_by("created_at") if "frank" in m.to[0]]
    fresh = re.search(r"/konto/anmelden/\S+/", links[-1].body).group(0)
    expired = client.get(fresh)
    assert expired.status_code == 400 and "abgelaufen" in expired.content.decode()
    assert cases["mine"].number not in client.get("/konto/").content.decode()


def test_too_many_link_requests_are_refused(cases, client, settings):
    settings.PORTAL_ACCOUNT_LINKS_PER_HOUR = 2
    _ask(client, "frank.mustermann@example.org")
    _ask(client, "frank.mustermann@example.org")
    page = _ask(client, "frank.mustermann@example.org")
    assert "Zu viele Links angefordert" in page
    assert len([m for m in OutboxMessage.objects.all() if "frank" in m.to[0]]) == 2


def test_an_organisation_logged_into_the_portal_sees_the_cases_it_applied_for(cases, client):
    from portal_site.accounts.models import User

    user = User.objects.create_user("bestatter", password="Kassel-Demo-2026")
    cases["other"].applicant_user = user
    cases["other"].save(update_fields=["applicant_user"])
    client.force_login(user)
    page = client.get("/konto/").content.decode()
    assert cases["other"].number in page and cases["mine"].number not in page


@pytest.mark.parametrize(
    "path", ["/konto/vorgang/26.0001/", "/konto/vorgang/%00/", "/konto/vorgang/x/dokument/1/"]
)
def test_without_sign_in_a_case_is_not_found(cases, client, path):
    assert client.get(path).status_code == 404


def test_bad_input_to_the_link_request_is_a_message(cases, client):
    page = client.post("/konto/", {"email": "kein-adresse"}).content.decode()
    assert "gültige E-Mail-Adresse" in page

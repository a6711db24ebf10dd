"""Each input that once gave an HTTP 500 now gets a clear 4xx or a form error."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import time
import zipfile

import pytest
from django.test import Client
from PIL import Image

from media_archive.demo import drawn_photo
from media_archive.importing import files_from_zip, import_archive
from media_archive.models import ArchiveImage
from portal_site.core.demo import DEMO_PASSWORD
from shop import bank_import, camt
from tests.shop.camt_builder import entry as _entry
from tests.shop.camt_builder import statement

pytestmark = pytest.mark.django_db


def _client() -> Client:
    return Client(raise_request_exception=False)


def _image_pk() -> int:
    return ArchiveImage.objects.filter(published=True).values_list("pk", flat=True).first()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_writing_to_an_archive_image_page_is_not_allowed(demo, method):
    response = getattr(_client(), method)(f"/archiv/bild/{_image_pk()}/")
    assert response.status_code == 405


def test_head_on_an_archive_image_page_answers(demo):
    assert _client().head(f"/archiv/bild/{_image_pk()}/").status_code == 200


@pytest.mark.parametrize(
    "back", ["NaN", "javascript:alert(1)", "https://evil.example/", "//evil.example/x", "archiv"]
)
def test_basket_back_links_stay_on_the_portal(demo, back):
    response = _client().post(
        "/archiv/warenkorb/hinzufuegen/", {"image": "0", "product": "0", "back": back}
    )
    assert response.status_code == 302
    assert response["Location"] == "/archiv/warenkorb/"


def test_basket_back_link_to_a_local_page_is_kept(demo):
    response = _client().post(
        "/archiv/warenkorb/hinzufuegen/", {"image": "0", "back": "/archiv/?q=Markt"}
    )
    assert response["Location"] == "/archiv/?q=Markt"


@pytest.mark.parametrize("value", ["²²²²", "١٩٦٠", "99999999999999999999", "\x00"])
def test_archive_research_ignores_a_non_ascii_decade(demo, value):
    assert _client().get("/archiv/", {"jahrzehnt": value}).status_code == 200


@pytest.mark.parametrize("path", ["/archiv/bild/99999999999999999999/", "/vorgang/a%00b/"])
def test_ids_out_of_range_and_nul_are_not_found(demo, path):
    assert _client().get(path).status_code == 404


def _stripe(body: bytes, *, header: str | None = None, stamp: int | None = None):
    stamp = int(time.time()) if stamp is None else stamp
    mac = hmac.new(b"whsec_x", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return _client().post(
        "/bezahlen/rueckmeldung/stripe/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header or f"t={stamp},v1={mac}",
    )


def _session(**overrides) -> dict:
    session = {
        "id": "cs_1",
        "currency": "eur",
        "client_reference_id": "7b0c6f1e-0d8e-4c54-9d3f-8c1f1b5a0d11",
        "payment_status": "paid",
        "amount_total": 1000,
    }
    return {"type": "checkout.session.completed", "data": {"object": {**session, **overrides}}}


@pytest.mark.parametrize(
    "body",
    [
        json.dumps([_session()]),
        json.dumps({"type": "checkout.session.completed", "data": []}),
        json.dumps(_session(amount_total="abc")),
        json.dumps(_session(amount_total=None)),
        json.dumps(_session(amount_total=True)),
        json.dumps(_session(client_reference_id="not-a-uuid")),
        json.dumps(_session(id=["x"])),
    ],
)
def test_signed_stripe_webhooks_with_broken_bodies_are_refused(demo, settings, body):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert _stripe(body.encode()).status_code == 400


@pytest.mark.parametrize(
    "header", ["t=1,v1=éé", "t=²,v1=00", "v1=00", f"t={10**40},v1=00", "t=-5,v1=00"]
)
def test_malformed_stripe_signatures_are_refused(demo, settings, header):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert _stripe(json.dumps(_session()).encode(), header=header).status_code == 400


@pytest.mark.parametrize("amount", ["NaN", "1e9999", "12345678901234567890", "10.001", "-5.00"])
def test_bank_statement_amounts_must_be_finite_euros(demo, amount):
    with pytest.raises(camt.StatementError, match="Umsatz 1"):
        bank_import.import_bank_file(
            content=statement(_entry("R1", amount, "Kassenzeichen 1234567890")),
            filename="x.xml",
        )


def test_the_statement_page_still_works_after_a_refused_amount(demo, client):
    client.login(username="stadtkasse", password=DEMO_PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("nan.xml", statement(_entry("R1", "NaN", "x")))
    response = client.post("/admin/stadtkasse/kontoauszug/", {"file": upload})
    assert response.status_code == 200
    assert "Umsatz 1" in response.content.decode()
    assert client.get("/admin/stadtkasse/kontoauszug/").status_code == 200


def _bomb_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


def _sheet(rows: list[list[str]]) -> bytes:
    lines = ["Datei;Signatur;Titel;Jahr von"] + [";".join(row) for row in rows]
    return "\n".join(lines).encode()


def test_a_decompression_bomb_is_rejected_and_the_other_rows_land(db):
    files = {"bomb.png": _bomb_png(), "good.jpg": drawn_photo("G", 1, (200, 150))}
    report = import_archive(
        sheet=_sheet([["good.jpg", "B 1", "Gut", "1960"], ["bomb.png", "B 2", "Bombe", "1960"]]),
        sheet_name="bestand.csv",
        files=files.get,
    )
    assert report.created == 1
    [(row, reason)] = report.rejected
    assert row == 3 and "zu groß" in reason
    assert not ArchiveImage.objects.filter(signature="B 2").exists()


def _zip_with_bad_crc() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("good.jpg", drawn_photo("G", 1, (200, 150)))
        archive.writestr("bad.jpg", drawn_photo("B", 2, (200, 150)))
    data = bytearray(buffer.getvalue())
    # flip one byte inside the second member's data: its CRC no longer matches
    offset = data.find(b"bad.jpg") + len(b"bad.jpg") + 200
    data[offset] ^= 0xFF
    return bytes(data)


def test_a_damaged_zip_member_rejects_its_row_and_keeps_the_report(db):
    report = import_archive(
        sheet=_sheet([["good.jpg", "Z 1", "Gut", "1960"], ["bad.jpg", "Z 2", "Kaputt", "1960"]]),
        sheet_name="bestand.csv",
        files=files_from_zip(_zip_with_bad_crc()),
    )
    assert report.created == 1
    [(row, reason)] = report.rejected
    assert row == 3 and "beschädigt" in reason


@pytest.mark.parametrize("action", ["set_position", "lock", "unlock"])
def test_moving_or_locking_the_page_tree_root_is_refused(demo, action):
    from portal_site.accounts.models import User

    client = _client()
    client.force_login(User.objects.get(username="redaktion"))
    assert client.post(f"/admin/pages/1/{action}/", {}).status_code == 404


@pytest.mark.parametrize("key", ["abc", "token_41x", "Ab_5FCd-e_3A"])
def test_wagtail_choosers_answer_not_found_for_a_key_that_is_no_id(demo, key):
    """Wagtail unquotes admin keys (``_41`` → ``A``) before reading them as an integer;
    the error then names the unquoted key, which must still end as a 404."""
    from portal_site.accounts.models import User

    client = _client()
    client.force_login(User.objects.get(username="administration"))
    assert client.get(f"/admin/documents/chooser/chosen/{key}/").status_code == 404


def _staff(username: str = "redaktion") -> Client:
    from portal_site.accounts.models import User

    client = _client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/admin/choose-external-link/", {}),
        ("post", "/admin/choose-phone-link/", {}),
        ("get", "/admin/choose-page/chosen-multiple/?id=abc", None),
        ("get", f"/admin/images/chooser/chosen-multiple/?id={10**30}", None),
        ("get", f"/admin/documents/chooser/chosen-multiple/?id={10**30}", None),
        ("post", "/admin/redirects/import/", {}),
    ],
)
def test_malformed_requests_to_wagtails_admin_views_are_refused_not_crashed(
    demo, method, path, data
):
    response = getattr(_staff("administration"), method)(path, data or {})
    assert response.status_code < 500


def test_no_member_of_staff_can_raise_a_server_error_at_will(demo):
    assert _staff("administration").get("/admin/failwhale/").status_code == 404


@pytest.mark.parametrize("username", [None, "redaktion"])
def test_a_refusal_to_a_scripts_request_is_our_page(demo, username, settings):
    from django.template.loader import get_template

    assert "site/templates" in get_template("403.html").origin.name  # not viewflow's
    client = _staff(username) if username else _client()
    response = client.get("/admin/users/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code in (302, 403)


def test_a_foreign_host_gets_400_not_500(demo, settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    settings.DEBUG = False
    response = _client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Unvollständige Anfrage" in response.content.decode() or b"request" in response.content


def test_creating_through_a_snippet_chooser_without_permission_is_refused(demo):
    response = _staff("sachbearbeitung").post(
        "/admin/snippets/choose/serviceportal/catalogue/create/", {"action": "x"}
    )
    assert response.status_code in (302, 400, 403)


@pytest.mark.parametrize(
    "path",
    ["/admin/pages/3/move/2/confirm/", "/admin/pages/3/revisions/999999/revert/"],
)
def test_malformed_page_move_and_revision_requests_are_refused(demo, path):
    response = _staff("administration").post(path, {"token": "x"})
    assert response.status_code < 500


def test_the_favicon_is_found(demo):
    response = _client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    assert _client().get(response["Location"]).status_code == 200
    assert 'rel="icon"' in _client().get("/").content.decode()

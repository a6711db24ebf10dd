"""Archive orders: basket, automatic and approval branches, payment, delivery, downloads."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from flows import selectors, workspace
from media_archive.models import ArchiveImage
from portal_site.accounts.models import User
from shop import orders, services
from shop.models import DownloadGrant, ImageProduct, Invoice, Order
from tests.concurrency import run_in_parallel
from tests.factories import archive_images
from tests.flows.test_charts import end_reached

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = {
    "salutation": "Frau",
    "first_name": "Erika",
    "last_name": "Musterfrau",
    "street": "Wilhelmshöher Allee 19",
    "postcode": "34117",
    "town": "Kassel",
    "email": "erika.musterfrau@example.org",
    "purpose": "Buch „Kassel in den 50ern“, Auflage 2.000",
    "accept": "on",
}


HOLDINGS_ORDERED = (
    "S 01 Nr. 1961-087",
    "S 01 Nr. 1955-102",
    "S 01 Nr. 1964-210",
    "S 01 Nr. 1978-140",
)


@pytest.fixture
def archive(staff):
    """The cash office and archive staff and the holdings the orders use."""
    archive_images(*HOLDINGS_ORDERED)


def _product(usage: str, full: bool = True) -> ImageProduct:
    return ImageProduct.objects.get(usage_type__name=usage, long_edge__isnull=full)


def _image(signature: str) -> ArchiveImage:
    return ArchiveImage.objects.get(signature=signature)


def _order(client, signature: str, usage: str, *, full: bool = True):
    image = _image(signature)
    client.post(
        reverse("shop:basket_add"), {"image": image.pk, "product": _product(usage, full).pk}
    )
    return client.post(reverse("shop:basket"), CUSTOMER)


def _pay(order: Order) -> None:
    services.confirm_payment_by_hand(
        invoice=order.invoice,
        amount=order.invoice.total,
        received_on=timezone.localdate(),
        note="",
        actor=User.objects.get(username="stadtkasse"),
        token=str(uuid.uuid4()),
    )


def test_publication_use_is_invoiced_at_once_and_delivered_after_payment(archive, client):
    response = _order(client, "S 01 Nr. 1961-087", "Veröffentlichung (Druck/Online)")
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/bezahlen/{order.invoice.pay_token}/"
    )
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.invoice.total == Decimal("50.00")
    assert [line.booking_key for line in order.invoice.lines.all()] == ["413"]
    assert order.case.process_key == "archive_order" and order.case.office.short_name == "41.2"

    _pay(order)

    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED and order.case.status == "completed"
    [grant] = DownloadGrant.objects.filter(item__order=order)
    [delivery] = [m for m in mail.outbox if "Dateien zum Herunterladen" in m.subject]
    # the link is signed with a timestamp: find it in the mail and follow it
    [link] = re.findall(r"https?://\S+/archiv/download/\S+/", delivery.body)
    signed = link.rsplit("/", 2)[1]
    assert signing.loads(signed, salt=orders.DOWNLOAD_SALT) == str(grant.token)
    assert Client().get(link.split("testserver", 1)[1]).status_code == 200
    names = [attachment[0] for attachment in delivery.attachments]
    assert f"Nutzungsgenehmigung-{order.case.number}.pdf" in names
    assert f"Gebuehrenrechnung-{order.invoice.reference}.pdf" in names
    permission = order.case.files.get(filename__startswith="Nutzungsgenehmigung")
    with permission.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "S 01 Nr. 1961-087" in text and "Veröffentlichung" in text
    assert end_reached(order.case) == "end"
    # An order is an order in every mail and letter, never an application ("Antrag").
    assert mail.outbox and all("Antrag" not in m.subject + m.body for m in mail.outbox)
    assert "Rechnung" in mail.outbox[0].subject and "Bestellung" in mail.outbox[0].subject
    assert "Antrag" not in _invoice_pdf_text(order) and "Ihre Bestellung" in _invoice_pdf_text(
        order
    )


def test_an_order_not_paid_by_the_final_date_takes_the_storno_step(archive, client):
    _order(client, "S 01 Nr. 1961-087", "Veröffentlichung (Druck/Online)")
    order = Order.objects.get()
    services.cancel_invoice(invoice=order.invoice, reason="Nicht bezahlt")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.case.status == "cancelled"
    assert end_reached(order.case) == "end_cancelled"
    assert order.case.personal_data_deleted_at is not None
    assert not DownloadGrant.objects.filter(item__order=order).exists()


def test_commercial_use_waits_for_the_archive_and_can_be_approved(archive, client):
    _order(client, "S 01 Nr. 1964-210", "Kommerzielle Nutzung")
    order = Order.objects.get()
    assert order.status == Order.Status.AWAITING_APPROVAL and order.invoice is None
    assert any("ist eingegangen" in m.subject for m in mail.outbox)

    archivist = User.objects.get(username="stadtarchiv")
    [task] = selectors.queue_tasks(user=archivist)
    workspace.claim_task(task_id=task.pk, user=archivist)
    workspace.complete_step(
        task_id=task.pk, user=archivist, data={"decision": "yes", "reason": "", "comment": ""}
    )
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.invoice.total == Decimal("150.00")


def test_commercial_use_rejected_ends_the_order_without_invoice(archive, client):
    _order(client, "S 01 Nr. 1964-210", "Kommerzielle Nutzung")
    order = Order.objects.get()
    archivist = User.objects.get(username="stadtarchiv")
    [task] = selectors.queue_tasks(user=archivist)
    workspace.claim_task(task_id=task.pk, user=archivist)
    workspace.complete_step(
        task_id=task.pk,
        user=archivist,
        data={"decision": "no", "reason": "Werbung für Tabak ist ausgeschlossen.", "comment": ""},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED and order.case.status == "rejected"
    assert not Invoice.objects.exists()
    [message] = [m for m in mail.outbox if m.subject == f"Ihre Bestellung {order.case.number}"]
    assert "Tabak" in message.body
    assert end_reached(order.case) == "end_rejected"


def test_third_party_rights_need_approval_even_for_private_use(archive, client):
    _order(client, "S 01 Nr. 1955-102", "Privatgebrauch")
    assert Order.objects.get().status == Order.Status.AWAITING_APPROVAL


def test_restricted_and_unpublished_images_cannot_be_ordered(archive, client):
    restricted = _image("S 01 Nr. 1978-140")
    page = client.get(reverse("shop:archive_image", args=[restricted.pk])).content.decode()
    assert "kann nicht online bestellt werden" in page
    response = client.post(
        reverse("shop:basket_add"),
        {"image": restricted.pk, "product": _product("Privatgebrauch").pk},
        follow=True,
    )
    assert "kann für diese Nutzung nicht bestellt werden" in response.content.decode()
    assert (
        client.post(reverse("shop:basket_add"), {"image": "x", "product": "y"}).status_code == 302
    )
    assert client.post(reverse("shop:basket"), CUSTOMER).status_code == 200  # empty basket
    assert not Order.objects.exists()


def test_checkout_with_bad_customer_data_keeps_the_basket(archive, client):
    image = _image("S 01 Nr. 1961-087")
    client.post(
        reverse("shop:basket_add"), {"image": image.pk, "product": _product("Privatgebrauch").pk}
    )
    response = client.post(reverse("shop:basket"), {**CUSTOMER, "email": "kein-mail", "accept": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "gültige E-Mail-Adresse" in page
    assert "Hauptbahnhof" in page  # the basket is still there
    assert not Order.objects.exists()


@pytest.fixture
def delivered(archive, client):
    _order(client, "S 01 Nr. 1961-087", "Privatgebrauch", full=False)
    order = Order.objects.get()
    _pay(order)
    return DownloadGrant.objects.get(item__order=order)


def test_download_gives_the_file_in_the_ordered_size(delivered):
    response = Client().get(orders.download_url(delivered))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    from io import BytesIO

    picture = Image.open(BytesIO(response.content))
    assert max(picture.size) == 1500


def test_download_link_is_limited_in_count(delivered):
    url = orders.download_url(delivered)
    for _attempt in range(delivered.max_downloads):
        assert Client().get(url).status_code == 200
    refused = Client().get(url)
    assert refused.status_code == 404
    assert "so oft heruntergeladen" in refused.content.decode()


def test_expired_or_foreign_download_link_is_refused(delivered):
    DownloadGrant.objects.filter(pk=delivered.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = Client().get(orders.download_url(delivered))
    assert expired.status_code == 404 and "abgelaufen" in expired.content.decode()
    # The bare token, a token signed by someone else, or a forged one: all refused.
    for foreign in (
        f"/archiv/download/{delivered.token}/",
        "/archiv/download/"
        + signing.dumps(str(delivered.token), salt="shop.download", key="another-portal")
        + "/",
        "/archiv/download/not-a-token/",
    ):
        response = Client().get(foreign)
        assert response.status_code == 404 and "nicht gültig" in response.content.decode()


def test_parallel_downloads_never_pass_the_limit(postgres_only, delivered):
    DownloadGrant.objects.filter(pk=delivered.pk).update(max_downloads=2)

    signed = orders.download_url(delivered).rsplit("/", 2)[1]

    def fetch():
        try:
            orders.use_grant(signed)
            return "ok"
        except orders.DownloadRefused:
            return "refused"

    results, errors = run_in_parallel([fetch] * 6)
    assert errors == [] and sorted(results) == ["ok", "ok"] + ["refused"] * 4


def _invoice_pdf_text(order: Order) -> str:
    invoice_file = order.case.files.get(filename__startswith="Gebuehrenrechnung")
    with invoice_file.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


@pytest.mark.parametrize(
    ("contact", "greeting", "address"),
    [
        (
            {"first_name": "Verena", "last_name": "Muster"},
            "Guten Tag Verena Muster,",
            ["Verlag Nordhessen GmbH", "Frau Verena Muster"],
        ),
        ({"first_name": "", "last_name": "", "salutation": ""}, "Guten Tag,", []),
    ],
)
def test_an_organisation_orders_and_is_addressed_as_one(
    archive, client, contact, greeting, address
):
    image = _image("S 01 Nr. 1961-087")
    client.post(
        reverse("shop:basket_add"),
        {"image": image.pk, "product": _product("Veröffentlichung (Druck/Online)").pk},
    )
    client.post(
        reverse("shop:basket"),
        {**CUSTOMER, **contact, "organisation": "Verlag Nordhessen GmbH"},
    )
    order = Order.objects.get()
    partner = order.partner
    assert partner.organisation == "Verlag Nordhessen GmbH"
    assert partner.display_name == "Verlag Nordhessen GmbH"
    assert partner.address_lines[: len(address) or 1] == (address or ["Verlag Nordhessen GmbH"])
    assert partner.address_lines[-2:] == ["Wilhelmshöher Allee 19", "34117 Kassel"]
    [invoice_mail] = [m for m in mail.outbox if order.invoice.reference in m.body]
    assert invoice_mail.body.startswith(greeting)
    assert "GmbH," not in invoice_mail.body.splitlines()[0]
    text = _invoice_pdf_text(order)
    assert "Frau Verena Verlag" not in text and "Verlag Nordhessen GmbH" in text


def test_checkout_needs_a_name_or_an_organisation(archive, client):
    image = _image("S 01 Nr. 1961-087")
    client.post(
        reverse("shop:basket_add"),
        {"image": image.pk, "product": _product("Veröffentlichung (Druck/Online)").pk},
    )
    response = client.post(reverse("shop:basket"), {**CUSTOMER, "last_name": ""})
    assert response.status_code == 200
    assert "Bitte geben Sie Ihren Namen oder eine Organisation an." in response.content.decode()
    assert not Order.objects.exists()

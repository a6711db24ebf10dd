"""Online payment (demo and Stripe protocol), idempotent callbacks, races on PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import stripe as stripe_sdk
from django.db import connection
from django.urls import reverse

from shop.models import Invoice, OnlinePayment, Payment
from shop.providers import InvalidCallback
from shop.providers.demo import DemoProvider
from shop.providers.stripe import STRIPE_API_VERSION, StripeProvider
from tests.concurrency import run_in_parallel
from tests.shop.helpers import approve_up_to_invoice, certificate_case

pytestmark = pytest.mark.django_db(transaction=True)
WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def invoice(demo):
    case = certificate_case()
    approve_up_to_invoice(case)
    return Invoice.objects.get(case=case)


def test_pay_page_shows_amount_and_unknown_link_is_a_clear_404(client, invoice):
    page = client.get(reverse("shop:pay", args=[invoice.pay_token]))
    assert page.status_code == 200
    assert "25,00 €" in page.content.decode() and invoice.reference in page.content.decode()
    missing = client.get("/bezahlen/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert "Zahlungslink ist ungültig" in missing.content.decode()


def test_demo_payment_books_once_even_when_the_callback_is_replayed(client, invoice):
    start = client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "demo"})
    attempt = OnlinePayment.objects.get(invoice=invoice)
    assert start.status_code == 302 and start["Location"].endswith(f"/demo/{attempt.token}/")
    payload = DemoProvider.sign(attempt, paid=True)
    callback = reverse("shop:callback", args=["demo"])

    first = client.post(callback, {"payload": payload})
    second = client.post(callback, {"payload": payload})

    assert first.status_code == second.status_code == 302
    assert Payment.objects.filter(invoice=invoice).count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_amount == Decimal("25.00")
    done = client.get(first["Location"])
    assert "ist eingegangen" in done.content.decode()


def test_demo_callback_with_a_forged_payload_books_nothing(client, invoice):
    client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "demo"})
    response = client.post(reverse("shop:callback", args=["demo"]), {"payload": "forged:data"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_cancelled_demo_payment_leaves_the_invoice_open(client, invoice):
    client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "demo"})
    attempt = OnlinePayment.objects.get(invoice=invoice)
    response = client.post(
        reverse("shop:callback", args=["demo"]),
        {"payload": DemoProvider.sign(attempt, paid=False)},
    )
    assert "abgebrochen" in client.get(response["Location"]).content.decode()
    attempt.refresh_from_db()
    invoice.refresh_from_db()
    assert attempt.status == OnlinePayment.Status.FAILED
    assert invoice.status == Invoice.Status.OPEN


def test_unknown_provider_callback_is_refused(client, invoice):
    assert client.post(reverse("shop:callback", args=["paypal"]), {}).status_code == 400


# -- Stripe protocol ----------------------------------------------------------


class _FakeStripe(BaseHTTPRequestHandler):
    """Stripe's Checkout endpoint on loopback: records requests, answers like Stripe."""

    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).requests.append((self.path, dict(self.headers), parse_qs(body)))
        payload = json.dumps(
            {
                "id": "cs_test_123",
                "object": "checkout.session",
                "url": "https://checkout.example/pay/cs_test_123",
            }
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def stripe(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeStripe)
    _FakeStripe.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    settings.STRIPE_SECRET_KEY = "sk_test_key"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield _FakeStripe
    server.shutdown()


def _signed(event: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None):
    """A webhook body and its ``Stripe-Signature`` header, signed by the official SDK."""
    body = json.dumps(event)
    header = stripe_sdk.WebhookSignature.generate_signature_header(
        body, secret, timestamp=at or int(time.time())
    )
    return body.encode(), header


def _completed(attempt: OnlinePayment, *, amount: int = 2500) -> dict:
    return {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_test_123",
                "client_reference_id": str(attempt.token),
                "payment_intent": "pi_123",
                "payment_status": "paid",
                "amount_total": amount,
                "currency": "eur",
            }
        },
    }


def test_stripe_checkout_session_is_created_with_the_open_amount(client, invoice, stripe):
    response = client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "stripe"})
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.example/pay/cs_test_123"
    [(path, headers, form)] = stripe.requests
    assert path == "/v1/checkout/sessions"
    assert headers["Authorization"] == "Bearer sk_test_key"
    assert headers["Stripe-Version"] == STRIPE_API_VERSION
    assert form["line_items[0][price_data][unit_amount]"] == ["2500"]
    assert form["line_items[0][price_data][currency]"] == ["eur"]
    assert form["locale"] == ["de"]
    assert form["customer_email"] == [invoice.case.applicant_email]
    assert form["payment_intent_data[metadata][reference]"] == [invoice.reference]
    assert form["payment_intent_data[description]"] == [f"Kassenzeichen {invoice.reference}"]
    assert int(form["expires_at"][0]) >= time.time() + 30 * 60
    attempt = OnlinePayment.objects.get(invoice=invoice)
    assert form["client_reference_id"] == [str(attempt.token)]
    assert headers["Idempotency-Key"] == str(attempt.token)
    assert attempt.external_id == "cs_test_123"


def test_stripe_unreachable_gives_a_clear_message_not_a_500(client, invoice, settings, stripe):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "stripe"})
    assert response.status_code == 200
    assert "Zahlungsdienst ist gerade nicht erreichbar" in response.content.decode()


def test_stripe_webhook_replayed_twice_books_once(client, invoice, stripe):
    client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "stripe"})
    attempt = OnlinePayment.objects.get(invoice=invoice)
    body, header = _signed(_completed(attempt))
    url = reverse("shop:callback", args=["stripe"])
    for _attempt in range(2):
        response = client.post(
            url, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 200
    [payment] = Payment.objects.filter(invoice=invoice)
    assert (payment.provider, payment.external_id, payment.amount) == (
        "stripe",
        "pi_123",
        Decimal("25.00"),
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "stale", "changed_body"],
)
def test_stripe_webhook_with_bad_signature_books_nothing(client, invoice, stripe, tamper):
    client.post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "stripe"})
    attempt = OnlinePayment.objects.get(invoice=invoice)
    event = _completed(attempt)
    if tamper == "wrong_secret":
        body, header = _signed(event, secret="whsec_other")
    elif tamper == "stale":
        body, header = _signed(event, at=int(time.time()) - 3600)
    else:
        body, header = _signed(event)
        body = body.replace(b"2500", b"9900")
    response = client.post(
        reverse("shop:callback", args=["stripe"]),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_stripe_signature_check_accepts_stripes_documented_scheme(settings):
    """HMAC-SHA256 over "<timestamp>.<body>" with the endpoint secret, as Stripe documents it."""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body = json.dumps({"type": "ping"}).encode()
    stamp = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    header = f"t={stamp},v1={mac.hexdigest()}"
    assert StripeProvider().verify(body=body, header=header) == {"type": "ping"}
    with pytest.raises(InvalidCallback):
        StripeProvider().verify(body=body + b" ", header=header)


def test_two_callbacks_at_the_same_moment_book_once(postgres_only, invoice, stripe, settings):
    assert connection.vendor == "postgresql"
    from django.test import Client

    Client().post(reverse("shop:pay", args=[invoice.pay_token]), {"provider": "stripe"})
    attempt = OnlinePayment.objects.get(invoice=invoice)
    body, header = _signed(_completed(attempt))

    def deliver():
        return (
            Client()
            .post(
                reverse("shop:callback", args=["stripe"]),
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
            .status_code
        )

    results, errors = run_in_parallel([deliver] * 4)
    assert errors == [] and results == [200, 200, 200, 200]
    assert Payment.objects.filter(invoice=invoice).count() == 1
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("25.00") and invoice.flag == ""
    assert invoice.case.status == "completed"
    assert invoice.case.files.filter(filename__startswith="Begleitschreiben").count() == 1

"""A short, hypothesis-driven version of ``benchmarks/fuzz_portal.py``: no input gives a 500.

The full run (``python -m benchmarks.fuzz_portal --requests 5000``) goes through CI
on SQLite and PostgreSQL; these properties keep the same guarantees in the suite.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz_portal import Fuzzer, Outcome
from serviceportal.form_pages import ServiceFormPage
from shop.camt import statement_amount

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.text(max_size=300)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


def _client() -> Client:
    return Client(raise_request_exception=False)


@FUZZ
@given(data=st.data())
def test_every_public_url_answers_malformed_parts_without_a_500(demo, data):
    import random

    fuzzer = Fuzzer(rng=random.Random(0), outcome=Outcome())
    pattern = data.draw(st.sampled_from(fuzzer.public_patterns()))
    fuzzer.value = lambda kind="str": data.draw(text | st.integers().map(str))
    path = fuzzer.fill(pattern)
    method = data.draw(st.sampled_from(["get", "post", "head", "put", "delete"]))
    query = data.draw(st.dictionaries(text, text, max_size=3))
    response = getattr(_client(), method)("/" + quote(path.lstrip("/"), safe="/"), query)
    assert response.status_code < 500, (method, path, query)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "jahrzehnt", "ort", "schlagwort", "serie", "sortierung", "seite"]),
        text,
        max_size=5,
    )
)
def test_archive_research_takes_any_parameters(demo, params):
    assert _client().get("/archiv/", params).status_code == 200


@FUZZ
@given(event=json_values, stamp=st.integers(min_value=-(2**80), max_value=2**80) | st.just(None))
def test_signed_stripe_webhooks_with_any_body_are_refused_or_booked(demo, settings, event, stamp):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    body = json.dumps(event).encode()
    stamp = stamp if stamp is not None else int(time.time())
    mac = hmac.new(b"whsec_x", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    response = _client().post(
        "/bezahlen/rueckmeldung/stripe/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=f"t={stamp},v1={mac}",
    )
    assert response.status_code in (200, 400)


@FUZZ
@given(data=st.data())
def test_form_steps_take_any_answers_in_any_order(demo, data):
    page = data.draw(st.sampled_from(list(ServiceFormPage.objects.live())))
    names = [spec.name for step in page.step_specs for spec in step.fields]
    client = _client()
    for _ in range(3):
        payload = data.draw(st.dictionaries(st.sampled_from(names), text, max_size=6))
        payload["position"] = data.draw(
            st.sampled_from(["identify", "summary", *[s.key for s in page.step_specs]]) | text
        )
        payload["action"] = data.draw(st.sampled_from(["next", "back", "submit"]) | text)
        response = client.post(page.url, payload)
        assert response.status_code < 500, payload


@given(value=text | st.decimals().map(str) | st.floats().map(str))
def test_bank_amounts_are_finite_euros_or_refused(value):
    try:
        amount = statement_amount(value)
    except InvalidOperation:
        return
    assert amount.is_finite() and Decimal("0") <= amount <= Decimal("9999999999.99")
    assert amount == amount.quantize(Decimal("0.01"))

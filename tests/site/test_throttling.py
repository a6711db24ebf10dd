"""Login and identification throttling (django-axes on the shared database store)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.test import Client

from portal_site.core.demo import DEMO_PASSWORD
from serviceportal.identification import IdentificationMode
from tests.concurrency import database_url
from tests.redis_server import require_redis
from tests.serviceportal.builders import Applicant, make_form

pytestmark = pytest.mark.django_db

LOCKED = "Zu viele Fehlversuche"


def _client(ip: str, **headers) -> Client:
    return Client(REMOTE_ADDR=ip, **headers)


def _staff_login(client: Client, password: str, username: str = "standesamt"):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_staff_login_is_locked_after_five_failures_even_with_the_right_password(demo):
    client = _client("198.51.100.7")
    for _ in range(5):
        assert _staff_login(client, "falsch").status_code in (200, 429)
    # the right password no longer opens the door
    response = _staff_login(client, DEMO_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_identity_is_locked_from_every_client(demo):
    for number in range(5):
        _staff_login(_client(f"203.0.113.{number + 1}"), "falsch")
    # a new client address does not help: the guessed account is locked
    response = _staff_login(_client("203.0.113.99"), DEMO_PASSWORD)
    assert response.status_code == 429


def test_a_client_guessing_many_accounts_is_locked(demo):
    client = _client("192.0.2.50")
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        _staff_login(client, "falsch", username=username)
    response = _staff_login(client, DEMO_PASSWORD, username="stadtarchiv")
    assert response.status_code == 429


def test_a_known_pair_between_guesses_does_not_reset_the_count(demo):
    # the bypass of the old lockout: 4 wrong guesses + 1 known pair, repeated
    form = make_form(identification=IdentificationMode.EMPLOYEE)
    applicant = Applicant(Client(REMOTE_ADDR="198.51.100.20"), form)
    for _ in range(2):
        for _ in range(2):
            applicant.next({"personnel_number": "2002", "last_name": "Falsch"})
        known = Applicant(Client(REMOTE_ADDR="198.51.100.21"), form)
        known.next({"personnel_number": "2001", "last_name": "Mustermann"})
        assert known.state()["identity"]
    # 4 failures on 2002 so far; the fifth locks it, and the true surname is refused
    applicant.next({"personnel_number": "2002", "last_name": "Falsch"})
    other = Applicant(Client(REMOTE_ADDR="198.51.100.22"), form)
    response = other.next({"personnel_number": "2002", "last_name": "Beispiel"})
    assert LOCKED in response.content.decode()
    assert not other.state()["identity"]


def test_portal_login_of_organisations_is_throttled(demo):
    client = _client("198.51.100.30")
    for _ in range(5):
        client.post("/anmelden/", {"username": "bestattungshaus", "password": "falsch"})
    response = client.post("/anmelden/", {"username": "bestattungshaus", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_forwarded_for_counts_only_behind_a_trusted_proxy(demo, settings):
    # without a trusted proxy, X-Forwarded-For is the client's own claim and ignored
    for number in range(5):
        _staff_login(
            _client("192.0.2.80", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}"), "falsch", f"u{number}"
        )
    assert _staff_login(_client("192.0.2.80"), DEMO_PASSWORD, "stadtarchiv").status_code == 429
    # behind the configured proxy, the forwarded address is the client
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.1"]
    for number in range(5):
        _staff_login(_client("10.0.0.1", HTTP_X_FORWARDED_FOR="198.18.0.5"), "falsch", f"v{number}")
    behind = _client("10.0.0.1", HTTP_X_FORWARDED_FOR="198.18.0.6")
    response = _staff_login(behind, DEMO_PASSWORD, "standesamt")
    assert response.status_code == 302  # another client behind the same proxy is not locked
    blocked = _client("10.0.0.1", HTTP_X_FORWARDED_FOR="198.18.0.5")
    assert _staff_login(blocked, DEMO_PASSWORD, "sachbearbeitung").status_code == 429


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(base: str, seconds: float = 120) -> None:
    """A loaded CI machine may take a while to boot gunicorn and answer its first request."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(f"{base}/health/live/", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@pytest.fixture(params=["database", "redis"])
def two_app_servers(request, postgres_only, transactional_db, demo):
    """Two gunicorn processes on the test database, as behind a load balancer.

    The failure counters live in the database, or in Redis (production: REDIS_URL set).
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.test",
    }
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/13"
        env["CACHE_KEY_PREFIX"] = uuid.uuid4().hex  # this test's own counters
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers = [
        subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "portal_site.wsgi"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait_until_serving(f"http://127.0.0.1:{port}")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _http_login(base: str, password: str) -> int:
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=10)
    token = session.cookies.get("csrftoken")
    response = session.post(
        f"{base}/admin/login/",
        data={"username": "standesamt", "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/admin/login/"},
        allow_redirects=False,
        timeout=10,
    )
    return response.status_code


def test_failures_on_several_app_servers_add_up(two_app_servers):
    first, second = two_app_servers
    # alternate between the servers: each sees only some of the failures itself
    for number in range(5):
        assert _http_login(first if number % 2 else second, "falsch") in (200, 429)
    assert _http_login(first, DEMO_PASSWORD) == 429
    assert _http_login(second, DEMO_PASSWORD) == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("198.51.100.1", "", [], "198.51.100.1"),
        ("198.51.100.1", "6.6.6.6", [], "198.51.100.1"),  # no proxy configured: ignored
        ("10.0.0.7", "6.6.6.6, 203.0.113.9", ["10.0.0.0/24"], "203.0.113.9"),
        ("10.0.0.7", "203.0.113.9, 10.0.0.3", ["10.0.0.0/24"], "203.0.113.9"),
        ("10.0.0.7", "garbage", ["10.0.0.0/24"], "10.0.0.7"),
        ("192.0.2.1", "203.0.113.9", ["10.0.0.0/24"], "192.0.2.1"),  # not from our proxy
        ("", "", [], None),  # a request made inside the process (force_login)
        ("unknown", "", ["10.0.0.0/24"], None),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, remote, forwarded, trusted, expected
):
    from django.test import RequestFactory

    from portal_site.accounts.throttling import client_ip

    settings.PORTAL_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("store", ["database", "redis"])
def test_reset_lockouts_lifts_every_lockout_in_either_store(demo, settings, store):
    from django.core.management import call_command

    if store == "redis":
        require_redis()
        settings.CACHES = {
            "default": {
                "BACKEND": "portal_site.core.resilient_cache.ResilientRedisCache",
                "LOCATION": "redis://127.0.0.1:6379/12",
                "KEY_PREFIX": f"lockouts-{uuid.uuid4().hex[:6]}",
            }
        }
        settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.implementation = None  # the handler is chosen once per process
    try:
        client = _client("198.51.100.9")
        for _ in range(5):
            _staff_login(client, "falsch")
        assert _staff_login(client, DEMO_PASSWORD).status_code == 429
        call_command("reset_lockouts")
        assert _staff_login(client, DEMO_PASSWORD).status_code == 302
    finally:
        if store == "redis":
            from axes.handlers.proxy import AxesProxyHandler

            AxesProxyHandler.implementation = None

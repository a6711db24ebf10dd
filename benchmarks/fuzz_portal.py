"""Fuzz every public URL and every step of every published form; count the status codes.

    python -m benchmarks.fuzz_portal [--requests 5000] [--seconds 900] [--seed 1]
                                     [--production]

Runs against a throw-away database (``test_<name>`` of the configured
``DATABASE_URL``, or an in-memory SQLite database) with the demo content, under
the test settings, through Django's test client (the whole middleware stack,
no network). Inputs: malformed, huge, unicode, NUL, wrong-type and
out-of-order values in URL parts, query strings, form fields, uploads,
payment callbacks (also correctly signed ones with a broken body) and unusual
methods; every admin URL as anonymous visitors and as the demo's staff roles;
script (XHR) requests, foreign Host headers and deeply nested JSON bodies.
``--production`` runs under the production settings instead: DEBUG off, static
files collected into a manifest, Redis as the cache (database 8 of the local
Redis, emptied before and after), secure headers. Prints the status-code counts
and the first requests that gave HTTP 500; exits with 1 if there was any.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

NASTY = [
    "",
    "0",
    "-1",
    "1e9999",
    "NaN",
    "Infinity",
    "99999999999999999999999",
    "9" * 400,
    "²²²²",
    "١٢٣",
    "🙂" * 50,
    "\x00",
    "a\x00b",
    "\u202e\u0000\ufeff",
    "A" * 20000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '=HYPERLINK("https://evil.example")',
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "javascript:alert(1)",
    "https://evil.example/",
    "//evil.example",
    "true",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "31.02.2026",
    "-0.001",
    "1,5",
    " ",
    "\r\n\t",
    "Ä" * 300,
]
PLAUSIBLE = {
    "email": ["erika@example.org"],
    "date": ["2020-01-01", "01.01.2020"],
    "number": ["1", "4"],
    "checkbox": ["on"],
    "singleline": ["Mustermann", "34117", "Kassel"],
}
METHODS = ["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]
# Who a visitor is: anonymous, or one of the demo's staff logins (the admin's views).
IDENTITIES = [
    None,
    None,
    "administration",
    "redaktion",
    "sachbearbeitung",
    "standesamt",
    "stadtkasse",
    "abteilungsleitung",
]
FOREIGN_HOSTS = ["evil.example", "127.0.0.1:1", "a" * 300, "exa mple.org", "[::1", "xn--80ak6aa92e"]
NESTED_JSON = b"[" * 50_000 + b"]" * 50_000
ROUTE = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
WEBHOOK_SECRET = "whsec_fuzz"  # noqa: S105 - a throw-away secret of the fuzz run


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    requests: int = 0


def nasty(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.7:
        return rng.choice(NASTY)
    if choice < 0.85:
        return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 40)))
    return str(rng.randint(-(2**70), 2**70))


class Fuzzer:
    """Generates requests and sends them through one test client per 'visitor'."""

    def __init__(self, *, rng: random.Random, outcome: Outcome) -> None:
        from django.test import Client

        self.rng = rng
        self.outcome = outcome
        self.client = Client(raise_request_exception=False)
        self.identity = rng.choice(IDENTITIES)
        if self.identity:
            from portal_site.accounts.models import User

            user = User.objects.filter(username=self.identity, is_active=True).first()
            if user is not None:
                self.client.force_login(user)
        self.pools = self._pools()

    # -- what exists (valid values mixed into the garbage) --------------------------

    def _pools(self) -> dict[str, list[str]]:
        from media_archive.models import ArchiveImage
        from portal_site.cases.models import Case
        from serviceportal.submission import status_path
        from shop.models import Invoice, OnlinePayment

        cases = list(Case.objects.all()[:20])
        return {
            "int": [str(pk) for pk in ArchiveImage.objects.values_list("pk", flat=True)[:30]],
            "uuid": [str(t) for t in Invoice.objects.values_list("pay_token", flat=True)[:10]]
            + [str(t) for t in OnlinePayment.objects.values_list("token", flat=True)[:10]],
            "str": [status_path(c).rstrip("/").rsplit("/", 1)[-1] for c in cases],
        }

    def value(self, kind: str = "str") -> str:
        pool = self.pools.get(kind) or []
        if pool and self.rng.random() < 0.35:
            return self.rng.choice(pool)
        return nasty(self.rng)

    # -- sending ----------------------------------------------------------------------

    def send(self, method: str, path: str, **kwargs) -> int:
        from urllib.parse import quote

        if not path.startswith("/"):
            path = "/" + path
        path = quote(path, safe="/%?=&:;,@+$!*'()~")
        roll = self.rng.random()
        if roll < 0.3:  # a script's request (Wagtail's admin answers those differently)
            kwargs.setdefault("HTTP_X_REQUESTED_WITH", "XMLHttpRequest")
        elif roll < 0.36:
            kwargs.setdefault("HTTP_HOST", self.rng.choice(FOREIGN_HOSTS))
        handler = getattr(self.client, method.lower())
        try:
            response = handler(path, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the client itself refused (not a server answer)
            self.outcome.counts[f"client:{type(exc).__name__}"] += 1
            self.outcome.requests += 1
            return 0
        self.outcome.counts[response.status_code] += 1
        self.outcome.requests += 1
        if kwargs.get("HTTP_X_REQUESTED_WITH"):
            self.outcome.counts["(of them XHR)"] += 1
        if kwargs.get("HTTP_HOST"):
            self.outcome.counts["(of them foreign Host)"] += 1
        if response.status_code >= 500:
            body = kwargs.get("data")
            info = getattr(response, "exc_info", None)
            cause = f"{info[0].__name__}: {str(info[1])[:200]}" if info else ""
            self.outcome.errors.append(f"{method} {path[:200]} {str(body)[:300]} → {cause}")
        return response.status_code

    # -- generators: each yields nothing but sends one request per step ----------------

    def public_patterns(self) -> list[str]:
        from django.urls import URLPattern, URLResolver, get_resolver

        found: list[str] = []

        def walk(resolver, prefix: str) -> None:
            for entry in resolver.url_patterns:
                text = prefix + str(entry.pattern)
                if isinstance(entry, URLResolver):
                    walk(entry, text)
                elif isinstance(entry, URLPattern):
                    found.append(text)

        walk(get_resolver(), "")
        return found

    @staticmethod
    def is_admin(pattern: str) -> bool:
        return pattern.startswith(("admin/", "^admin/"))

    def fill(self, pattern: str) -> str:
        pattern = pattern.lstrip("^").rstrip("$")
        pattern = re.sub(r"\(\?P<\w+>[^)]*\)|\([^)]*\)", lambda _m: self.value(), pattern)
        pattern = pattern.replace("\\", "").replace("?", "")
        return ROUTE.sub(lambda m: self.value(m.group("conv") or "str"), pattern)

    def url_step(self, patterns: list[str]) -> None:
        path = self.fill(self.rng.choice(patterns))
        method = self.rng.choice(METHODS)
        query = {self.value(): self.value() for _ in range(self.rng.randint(0, 3))}
        if method in ("GET", "HEAD", "OPTIONS", "DELETE"):
            self.send(method, path, data=query)
        else:
            self.send(method, path, data=self.form_data())

    def admin_step(self, patterns: list[str]) -> None:
        """Any admin URL, with the visitor's identity: garbage, valid ids, empty posts."""
        path = self.fill(self.rng.choice(patterns))
        method = self.rng.choice(["GET", "GET", "POST", "POST", "POST", "DELETE"])
        query = {self.value(): self.value() for _ in range(self.rng.randint(0, 2))}
        if self.rng.random() < 0.3:
            query["id"] = self.value("int")
        if method == "GET":
            self.send(method, path, data=query)
        elif self.rng.random() < 0.25:
            self.send(method, path, data=b"{}", content_type="application/json")
        else:
            self.send(method, path, data=self.form_data() if self.rng.random() < 0.7 else {})

    def nested_json_step(self, patterns: list[str]) -> None:
        """A JSON body nested far deeper than any parser's recursion limit."""
        path = self.fill(self.rng.choice(patterns))
        if self.rng.random() < 0.5:
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("p.json", b'{"steps": ' + NESTED_JSON + b"}")
            self.send("POST", "/admin/prozesse/importieren/", data={"file": upload})
        else:
            self.send("POST", path, data=NESTED_JSON, content_type="application/json")

    def form_data(self) -> dict[str, str]:
        keys = ["image", "product", "back", "action", "position", "token", "payload", "q"]
        return {self.rng.choice(keys): self.value("int") for _ in range(self.rng.randint(0, 5))}

    def archive_step(self) -> None:
        params = {
            name: self.value()
            for name in self.rng.sample(
                ["q", "jahrzehnt", "ort", "schlagwort", "serie", "sortierung", "seite", "p"],
                self.rng.randint(1, 5),
            )
        }
        self.send("GET", "/archiv/", data=params)

    def basket_step(self) -> None:
        target = self.rng.choice(
            ["/archiv/warenkorb/hinzufuegen/", "/archiv/warenkorb/entfernen/", "/archiv/warenkorb/"]
        )
        data = {
            "image": self.value("int"),
            "product": self.value("int"),
            "back": self.value(),
            "last_name": self.value(),
            "email": self.value(),
            "postcode": self.value(),
            "accept": self.value(),
        }
        self.send("POST", target, data=data)

    def callback_step(self) -> None:
        provider = self.rng.choice(["stripe", "demo", "stripe", self.value()])
        body = self.webhook_body()
        headers = {}
        if provider == "stripe":
            stamp = self.rng.choice([str(int(time.time())), "1", self.value()])
            if self.rng.random() < 0.6:  # correctly signed: the body's parsing is what is tested
                mac = hmac.new(
                    WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256
                ).hexdigest()
            else:
                mac = self.value()
            headers["HTTP_STRIPE_SIGNATURE"] = f"t={stamp},v1={mac}"
            self.send(
                "POST",
                f"/bezahlen/rueckmeldung/{provider}/",
                data=body,
                content_type="application/json",
                **headers,
            )
        else:
            self.send("POST", f"/bezahlen/rueckmeldung/{provider}/", data={"payload": self.value()})

    def webhook_body(self) -> bytes:
        session = {
            "id": self.rng.choice(["cs_1", self.value(), None, 5]),
            "currency": self.rng.choice(["eur", "usd", None, self.value()]),
            "client_reference_id": self.value("uuid"),
            "payment_status": self.rng.choice(["paid", "unpaid", None]),
            "amount_total": self.rng.choice([1000, "abc", None, -5, 1.5, 10**30, True, []]),
            "payment_intent": self.rng.choice(["pi_1", None, {}, self.value()]),
        }
        event = {
            "type": self.rng.choice(["checkout.session.completed", self.value()]),
            "data": self.rng.choice([{"object": session}, [], {"object": []}, None, "x"]),
        }
        shape = self.rng.random()
        if shape < 0.1:
            return json.dumps([event]).encode()
        if shape < 0.2:
            return self.value().encode("utf-8", "replace")
        return json.dumps(event).encode()

    def form_step(self, pages) -> None:
        page = self.rng.choice(pages)
        if self.rng.random() < 0.2:
            self.send("GET", page.url, data={"neu": "1"} if self.rng.random() < 0.3 else {})
            return
        positions = ["identify", "summary", self.value()]
        positions += [step.key for step in page.step_specs]
        data: dict[str, object] = {
            "position": self.rng.choice(positions),
            "action": self.rng.choice(["next", "back", "submit", self.value()]),
        }
        if self.rng.random() < 0.3:
            data["token"] = self.value()
        specs = [spec for step in page.step_specs for spec in step.fields]
        for spec in self.rng.sample(specs, min(len(specs), self.rng.randint(0, 8))):
            data[spec.name] = self.field_value(spec)
        if self.rng.random() < 0.3:
            data["personnel_number"] = self.rng.choice(["2001", self.value()])
            data["last_name"] = self.rng.choice(["Mustermann", self.value()])
        self.send("POST", page.url, data=data)

    def field_value(self, spec):
        from django.core.files.uploadedfile import SimpleUploadedFile

        roll = self.rng.random()
        if spec.field_type == "file" and roll < 0.5:
            name = self.rng.choice(["a.pdf", "x.png", self.value() + ".pdf", "🙂.jpg"])
            content = self.rng.choice([b"%PDF-1.4 x", b"\x89PNG\r\n\x1a\n" + b"0" * 50, b"", b"MZ"])
            return SimpleUploadedFile(name[:200] or "f", content)
        if spec.choices and roll < 0.4:
            return self.rng.choice(spec.choices)
        if roll < 0.6:  # plausible answers let a visitor get to later steps and the summary
            return self.rng.choice(PLAUSIBLE.get(spec.field_type, ["Mustermann"]))
        if roll < 0.7:
            return [self.value(), self.value()]
        return self.value()


def run(*, requests: int, seconds: float, seed: int) -> Outcome:
    """Send ``requests`` fuzzed requests (or stop after ``seconds``) to the portal."""
    from serviceportal.form_pages import ServiceFormPage

    rng = random.Random(seed)
    outcome = Outcome()
    pages = list(ServiceFormPage.objects.live())
    started = time.monotonic()
    fuzzer = Fuzzer(rng=rng, outcome=outcome)
    every = fuzzer.public_patterns()
    admin = [p for p in every if Fuzzer.is_admin(p)]
    patterns = [p for p in every if not Fuzzer.is_admin(p)]
    steps = [
        (0.20, lambda: fuzzer.url_step(patterns)),
        (0.20, lambda: fuzzer.admin_step(admin)),
        (0.03, lambda: fuzzer.nested_json_step(every)),
        (0.10, fuzzer.archive_step),
        (0.07, fuzzer.basket_step),
        (0.10, fuzzer.callback_step),
        (0.30, lambda: fuzzer.form_step(pages) if pages else fuzzer.archive_step()),
    ]
    weights = [w for w, _ in steps]
    while outcome.requests < requests and time.monotonic() - started < seconds:
        if outcome.requests and outcome.requests % 250 == 0:  # now and then a new visitor
            fuzzer = Fuzzer(rng=rng, outcome=outcome)
        rng.choices(steps, weights)[0][1]()
    return outcome


def _throwaway_database(*, demo: bool = True) -> Iterator[None]:
    """A fresh test database for the run (with the demo content), dropped afterwards."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if demo:
            call_command("load_demo", verbosity=0)
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _production_environment() -> None:
    """What a production installation sets (docs/operations.md), on loopback: its own
    Redis database, static files collected into a throw-away folder, plain HTTP."""
    import secrets
    import tempfile

    run = tempfile.mkdtemp(prefix="fuzz-production-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal_site.settings.production"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    for name in ("STATIC_ROOT", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        folder = os.path.join(run, name.lower())
        os.makedirs(folder, exist_ok=True)
        os.environ.setdefault(name, folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=900)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--production", action="store_true", help="the production settings (DEBUG off, ...)"
    )
    args = parser.parse_args(argv)

    if args.production:
        _production_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import logging

    import django

    django.setup()
    from django.conf import settings

    if args.production:
        from django.core.cache import cache
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        cache.clear()

    settings.STRIPE_SECRET_KEY = "sk_test_fuzz"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    logging.disable(logging.CRITICAL)  # 5,000 rejected inputs would each log a warning
    started = time.monotonic()
    for _ in _throwaway_database():
        from django.db import connection

        outcome = run(requests=args.requests, seconds=args.seconds, seed=args.seed)
        vendor = connection.vendor
    elapsed = time.monotonic() - started
    if args.production:
        from django.core.cache import cache

        cache.clear()
    print(
        f"fuzz_portal: {outcome.requests} requests on {vendor} in {elapsed:.0f} s",
        f"(seed {args.seed}, {settings.SETTINGS_MODULE})",
    )
    for status, count in sorted(outcome.counts.items(), key=lambda item: str(item[0])):
        print(f"  {status}: {count}")
    print(f"  500 and above: {len(outcome.errors)}")
    for line in outcome.errors[:20]:
        print(f"    {line}")
    return 1 if outcome.errors else 0


if __name__ == "__main__":
    sys.exit(main())

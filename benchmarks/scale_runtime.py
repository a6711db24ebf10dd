"""The scale benchmark's figures outside the test client: HTTP, submissions, outbox, memory.

- Portal pages over HTTP: gunicorn (2 workers, the production settings, Redis
  as the shared cache) on the large data set; anonymous requests for the home
  page from the page cache, the same page rendered (a cookie makes the visitor
  one the cache does not serve), and a bare Django view, alternating, each for
  a few seconds with 8 concurrent clients.
- Memory: the largest worker's resident set after 2,000 mixed requests (pages,
  archive searches with changing words, image pages, form steps).
- Submissions: ``submit_application()`` for the certificate order, in one
  process and in four at once; numbers checked unique and gap-free.
- Outbox: queued mails sent by one worker (``send_batch`` in batches, as the
  delivery task does) to an SMTP server on loopback.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
REDIS_DB = 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- HTTP -----------------------------------------------------------------------------


class Gunicorn:
    """gunicorn with the production settings on one data set (context manager)."""

    def __init__(self, database_url: str, *, workers: int = 2) -> None:
        self.port = _free_port()
        self.workers = workers
        self.database_url = database_url
        self.process: subprocess.Popen | None = None
        self.run = Path(tempfile.mkdtemp(prefix="portal-scale-"))

    def environment(self) -> dict[str, str]:
        from django.conf import settings

        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.http_settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PORTAL_BASE_URL": f"http://127.0.0.1:{self.port}",
            "STATIC_ROOT": str(self.run / "static"),
            "MEDIA_ROOT": settings.MEDIA_ROOT,
            "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "LOG_LEVEL": "ERROR",
            "LOG_FORMAT": "text",
        }

    def __enter__(self) -> Gunicorn:
        env = self.environment()
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], capture_output=True)
        self.process = subprocess.Popen(
            [
                str(Path(python).with_name("gunicorn")),
                "portal_site.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(self.run / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the run
            stderr=subprocess.STDOUT,
        )
        for _ in range(120):
            try:
                if get(self.port, "/health/live/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"gunicorn did not start: {(self.run / 'gunicorn.log').read_text()}")
        return self

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], capture_output=True)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (the master's children), from /proc."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sizes


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, dict(response.getheaders())


def _load(port: int, paths: list[str], cookie: str, seconds: float, counter, stop_at) -> None:
    done = 0
    index = 0
    while time.monotonic() < stop_at:
        status, _headers = get(port, paths[index % len(paths)], cookie)
        index += 1
        if status == 200:
            done += 1
    with counter.get_lock():
        counter.value += done


def _load_process(port, paths, cookie, seconds, counter, start_at) -> None:
    time.sleep(max(0.0, start_at - time.monotonic()))
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_load, args=(port, paths, cookie, seconds, counter, stop_at))
        for _ in range(CLIENTS // 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def requests_per_second(port: int, paths: list[str], *, cookie: str = "", seconds: float) -> float:
    """Requests per second with CLIENTS concurrent clients in two processes."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    start_at = time.monotonic() + 0.3
    processes = [
        context.Process(
            target=_load_process, args=(port, paths, cookie, seconds, counter, start_at)
        )
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return counter.value / seconds


def http_figures(database_url: str, *, rounds: int, seconds: float, mixed: int) -> dict:
    """req/s of the bare view, the cached and the rendered home page; worker memory."""
    uncached_cookie = f"csrftoken={secrets.token_hex(16)}"
    rates: dict[str, list[float]] = {"bare": [], "cached": [], "uncached": []}
    with Gunicorn(database_url) as server:
        status, headers = get(server.port, "/")
        status, headers = get(server.port, "/")
        if status != 200 or headers.get("X-Page-Cache") != "hit":
            raise SystemExit(f"home page not served from the page cache: {status} {headers}")
        for _round in range(rounds):
            rates["bare"].append(
                requests_per_second(server.port, ["/_bench/bare/"], seconds=seconds)
            )
            rates["cached"].append(requests_per_second(server.port, ["/"], seconds=seconds))
            rates["uncached"].append(
                requests_per_second(server.port, ["/"], cookie=uncached_cookie, seconds=seconds)
            )
        paths = _mixed_paths(mixed)
        for path in paths:
            get(server.port, path)
        rss = server.worker_rss_mb()
    return {key: sorted(values)[len(values) // 2] for key, values in rates.items()} | {
        "rss_mb": max(rss) if rss else float("nan"),
        "mixed": len(paths),
    }


def _mixed_paths(count: int) -> list[str]:
    """Pages a day of visitors asks for: portal pages, searches, images, form steps."""
    from wagtail.models import Page

    from benchmarks.scale_data import PLACES, SUBJECTS
    from media_archive.models import ArchiveImage
    from serviceportal.form_pages import ServiceFormPage

    pages = [p.url for p in Page.objects.live().filter(depth__gt=1) if p.url]
    forms = [p.url for p in ServiceFormPage.objects.live()]
    images = list(ArchiveImage.objects.filter(published=True).values_list("pk", flat=True)[:500])
    paths = []
    for n in range(count):
        kind = n % 5
        if kind == 0:
            paths.append(pages[n % len(pages)])
        elif kind == 1:
            word = SUBJECTS[n % len(SUBJECTS)].split()[0]
            paths.append(f"/archiv/?q={word}&seite={1 + n % 3}")
        elif kind == 2:
            paths.append(f"/archiv/?ort={PLACES[n % len(PLACES)]}")
        elif kind == 3:
            paths.append(f"/archiv/bild/{images[n % len(images)]}/")
        else:
            paths.append(forms[n % len(forms)])
    return [quote(path.replace(" ", "+"), safe="/?=&+") for path in paths]


# -- submissions -----------------------------------------------------------------------


def _submit_worker(count: int, barrier, results, database_name: str) -> None:
    from django.db import connections, transaction
    from django.test.utils import override_settings

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = database_name
    from serviceportal.form_pages import ServiceFormPage
    from serviceportal.submission import Application, submit_application
    from tests.shop.helpers import SEED_VALUES

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        page = ServiceFormPage.objects.live().get(
            process_key="civil_status_certificate", locale__language_code="de"
        )
        answers = [{"name": k, "label": k, "value": str(v)} for k, v in SEED_VALUES.items()]
        applications = [
            Application(
                token=uuid.uuid4(),
                answers=answers,
                values=SEED_VALUES,
                applicant_name="Frank Mustermann",
                applicant_email="frank@example.org",
            )
            for _ in range(count)
        ]
        numbers = []
        barrier.wait()
        started = time.perf_counter()
        for application in applications:
            with transaction.atomic():
                numbers.append(submit_application(page=page, application=application).number)
        results.put((started, time.perf_counter(), numbers))
    connections.close_all()


def submissions_per_second(database_name: str, *, processes: int, count: int) -> tuple[float, list]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(
            target=_submit_worker, args=(count // processes, barrier, results, database_name)
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    begin = min(o[0] for o in outcomes)
    end = max(o[1] for o in outcomes)
    numbers = [n for o in outcomes for n in o[2]]
    return len(numbers) / (end - begin), numbers


# -- outbox ----------------------------------------------------------------------------


def mails_per_second(count: int) -> tuple[float, int, int]:
    """Queue ``count`` mails, send them as one worker does; (mails/s, received, sessions)."""
    from django.db import transaction
    from django.test.utils import override_settings

    from portal_site.notifications.delivery import BATCH_SIZE, send_batch
    from portal_site.notifications.services import queue_email
    from tests.mail_server import SMTPServer

    server = SMTPServer().start()
    try:
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=server.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            with transaction.atomic():
                ids = [
                    str(
                        queue_email(
                            to=[f"person{n}@example.org"],
                            subject=f"Ihr Antrag {n}",
                            body="Guten Tag,\n\nwir haben Ihren Antrag erhalten.\n" * 5,
                        ).pk
                    )
                    for n in range(count)
                ]
            started = time.perf_counter()
            for start in range(0, len(ids), BATCH_SIZE):
                send_batch(ids[start : start + BATCH_SIZE])
            seconds = time.perf_counter() - started
        deadline = time.monotonic() + 10
        while len(server.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return count / seconds, len(server.messages), server.sessions
    finally:
        server.stop()

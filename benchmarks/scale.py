"""Fast at a real city's size: every figure of the scale targets, 1k against 100k, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal python -m benchmarks.scale
    DATABASE_URL=... python -m benchmarks.scale --smoke     # CI: 200 against 2,000 rows
    DATABASE_URL=... python -m benchmarks.scale --keep      # keep (and reuse) the data sets

Builds two databases next to ``DATABASE_URL``'s (``<name>_scale_<size>``): the
demo content grown in bulk to the small and the large size (cases with their
processes, tasks, timeline and invoices, 2 % open; archive images with
keywords, places and years; see :mod:`benchmarks.scale_data`). Then it
measures, alternating the compared variants so that both see the same machine:

- pages in-process through Django's test client, the two data sets request by
  request, each on its own open connection (p95 of 80 requests each, and the
  number of queries): the archive search, the inbox, the dashboard, the case
  list and its searches, a case, the cash office's lists, a form step;
- portal pages over HTTP against gunicorn with the production settings, the
  page cache and without it, against a bare Django view in the same setup;
- submissions per second with one process and with four;
- outbox mails per second to a loopback SMTP server;
- a gunicorn worker's memory after 2,000 mixed requests.

It prints one table (figure, small, large, ratio, queries, target, pass/fail).
Exit status 1 when a target fails (not in ``--smoke``, which only proves that
everything runs).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SIZES = {"full": (1_000, 100_000), "smoke": (200, 2_000)}


@dataclass
class Row:
    figure: str
    small: str
    large: str
    ratio: str
    queries: str
    target: str
    passed: bool


@dataclass
class Figure:
    """A page measured on both data sets: p95 of its response times, and its queries."""

    name: str
    user: str | None
    url: Callable[[dict], str]
    p95_limit_ms: float | None = None
    ratio_limit: float | None = None
    query_limit: int | None = None
    samples: dict[str, list[float]] = field(default_factory=lambda: {"small": [], "large": []})
    queries: dict[str, int] = field(default_factory=dict)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# -- the two data sets ---------------------------------------------------------------


def _database_name(base: str, size: int) -> str:
    return f"{base}_scale_{size}"


def _prepare(names: dict[str, str], sizes: dict[str, int], *, keep: bool) -> dict[str, object]:
    """Create (or reuse) and fill the databases; returns what each data set holds."""
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import scale_data
    from portal_site.cases.models import Case

    built = {}
    for label, name in names.items():
        started = time.monotonic()
        _use(name)
        reuse = keep and _exists(name) and _marker(name) == sizes[label]
        if not reuse:
            _recreate(name)
            _use(name)
            call_command("migrate", verbosity=0, interactive=False)
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
            scale_data.build(cases=sizes[label], images=sizes[label])
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # as autovacuum keeps a live database
                cursor.execute(f"COMMENT ON DATABASE {name} IS 'scale {sizes[label]}'")
        latest = Case.objects.order_by("-pk").first()
        built[label] = {
            "cases": Case.objects.count(),
            "number": latest.number,
            "name": latest.applicant_name,
        }
        print(
            f"  {label}: {name} {'reused' if reuse else 'built'} in "
            f"{time.monotonic() - started:.0f} s ({built[label]['cases']} cases)",
            flush=True,
        )
    return built


def _admin_connection():
    import psycopg
    from django.conf import settings

    params = settings.DATABASES["default"]
    return psycopg.connect(
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _exists(name: str) -> bool:
    with _admin_connection() as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def _marker(name: str) -> int | None:
    with _admin_connection() as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    text = (row or [None])[0] or ""
    return int(text.split()[-1]) if text.startswith("scale ") else None


def _recreate(name: str) -> None:
    from django.db import connection

    _forget(name)
    connection.close()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _copy_database(source: str, name: str) -> None:
    from django.db import connection

    _forget(source)
    _forget(name)
    connection.close()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')


def _drop(name: str) -> None:
    from django.db import connection

    _forget(name)
    connection.close()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_CONNECTIONS: dict[str, object] = {}  # one open connection per data set


def _forget(name: str) -> None:
    """Close the data set's connection (before its database is dropped or copied)."""
    wrapper = _CONNECTIONS.pop(name, None)
    if wrapper is not None:
        wrapper.close()


def _use(name: str) -> None:
    """Point the default connection at one data set; each keeps its own open connection
    (switching costs no reconnect, so the figures can alternate request by request) and
    its own cache entries (a key prefix per data set), as an installation keeps them."""
    from django.core.cache import caches
    from django.db import connections

    current = connections["default"]
    if current.settings_dict["NAME"] != name:
        wrapper = _CONNECTIONS.get(name)
        if wrapper is None:
            settings_dict = {**current.settings_dict, "NAME": name}
            wrapper = current.__class__(settings_dict, alias="default")
            _CONNECTIONS[name] = wrapper
        _CONNECTIONS.setdefault(current.settings_dict["NAME"], current)
        connections["default"] = wrapper
    for cache in caches.all():
        cache.key_prefix = name


# -- pages in-process -----------------------------------------------------------------


def _page_figures(smoke: bool) -> list[Figure]:
    archive = 100.0  # ms at the large size
    return [
        Figure("archive: no query", None, lambda d: "/archiv/", archive, 3.0),
        Figure("archive: one word", None, lambda d: "/archiv/?q=rathaus", archive, 3.0),
        Figure("archive: two words", None, lambda d: "/archiv/?q=Königsplatz+winter", archive, 3.0),
        Figure("archive: facet", None, lambda d: "/archiv/?jahrzehnt=1950", archive, 3.0),
        Figure(
            "archive: word + facet",
            None,
            lambda d: "/archiv/?q=kirche&ort=Mitte",
            archive,
            3.0,
        ),
        Figure("inbox (Meine Aufgaben)", "standesamt", lambda d: "/admin/aufgaben/", None, 1.5),
        Figure("dashboard", "standesamt", lambda d: "/admin/", None, 1.5),
        Figure(
            "inbox sorted by due date",
            "standesamt",
            lambda d: "/admin/aufgaben/?sort=due",
            None,
            1.5,
        ),
        # one pass over every visible case (conditional counts): grows with the cases
        Figure("case statistics (chart)", "administration", lambda d: "/admin/auswertung/", 1500),
        Figure("case list", "administration", lambda d: "/admin/vorgangsliste/", None, 1.5),
        Figure(
            "case list: number",
            "administration",
            lambda d: f"/admin/vorgangsliste/?q={d['number']}",
            None,
            1.5,
        ),
        Figure(
            "case list: name",
            "administration",
            lambda d: f"/admin/vorgangsliste/?q={d['name'].split()[-1]}",
            None,
            1.5,
        ),
        Figure(
            "case detail",
            "administration",
            lambda d: f"/admin/vorgaenge/{d['number']}/",
            None,
            1.5,
        ),
        Figure("cash office: open", "stadtkasse", lambda d: "/admin/stadtkasse/", None, 1.5),
        Figure(
            "cash office: paid + search",
            "stadtkasse",
            lambda d: f"/admin/stadtkasse/?filter=paid&q={d['name'].split()[-1]}",
            None,
            1.5,
        ),
        Figure(
            "form step (certificate order)",
            None,
            lambda d: d["form_url"],
            None,
            None,
            query_limit=12,
        ),
    ]


def _clients(users: set[str | None]):
    from django.test import Client

    from portal_site.accounts.models import User

    clients = {}
    for username in users:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        clients[username] = client
    return clients


def _form_url() -> str:
    from serviceportal.form_pages import ServiceFormPage

    page = ServiceFormPage.objects.live().get(
        process_key="civil_status_certificate", locale__language_code="de"
    )
    return page.url


def _measure_pages(figures, names, built, *, rounds: int, per_round: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for label, name in names.items():
        _use(name)
        built[label]["form_url"] = _form_url()
        clients[label] = _clients({figure.user for figure in figures})
        for figure in figures:  # warm up: templates, renditions, connection
            response = clients[label][figure.user].get(figure.url(built[label]))
            if response.status_code != 200:
                raise SystemExit(f"{figure.name}: HTTP {response.status_code} on {label}")
            with CaptureQueriesContext(connection) as queries:
                clients[label][figure.user].get(figure.url(built[label]))
            figure.queries[label] = len(queries.captured_queries)
    # Both data sets come from the same migrations: the cached content type ids hold for both.
    same_types = len({_content_types(name) for name in names.values()}) == 1
    # Request by request the data sets alternate, so both see the same moments of the
    # machine (another process, a garbage collection, a checkpoint of the database).
    for _round in range(rounds):
        for figure in figures:
            for _ in range(per_round):
                for label, name in names.items():
                    _use(name)
                    if not same_types:
                        ContentType.objects.clear_cache()
                    client, url = clients[label][figure.user], figure.url(built[label])
                    started = time.perf_counter()
                    client.get(url)
                    figure.samples[label].append((time.perf_counter() - started) * 1000)


def _content_types(name: str) -> tuple:
    from django.contrib.contenttypes.models import ContentType

    _use(name)
    return tuple(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model"))


def _page_rows(figures) -> list[Row]:
    rows = []
    for figure in figures:
        small, large = p95(figure.samples["small"]), p95(figure.samples["large"])
        ratio = large / small if small else float("inf")
        targets, passed = [], True
        if figure.p95_limit_ms is not None:
            targets.append(f"p95 ≤ {figure.p95_limit_ms:.0f} ms")
            passed &= large <= figure.p95_limit_ms
        if figure.ratio_limit is not None:
            targets.append(f"≤ {figure.ratio_limit:g}×")
            passed &= ratio <= figure.ratio_limit
            targets.append("same queries")
            passed &= figure.queries["small"] == figure.queries["large"]
        if figure.query_limit is not None:
            targets.append(f"≤ {figure.query_limit} queries")
            passed &= figure.queries["large"] <= figure.query_limit
        queries = (
            str(figure.queries["small"])
            if figure.queries["small"] == figure.queries["large"]
            else f"{figure.queries['small']} / {figure.queries['large']}"
        )
        rows.append(
            Row(
                figure.name + " p95",
                f"{small:.0f} ms",
                f"{large:.0f} ms",
                f"{ratio:.2f}×",
                queries,
                ", ".join(targets),
                passed,
            )
        )
    return rows


def _print(rows: list[Row], sizes: tuple[int, int]) -> None:
    headers = ["figure", f"{sizes[0]:,}", f"{sizes[1]:,}", "ratio", "queries", "target", ""]
    table = [headers] + [
        [r.figure, r.small, r.large, r.ratio, r.queries, r.target, "pass" if r.passed else "FAIL"]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in table[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")


def _runtime_rows(parts: set[str], names: dict[str, str], *, smoke: bool) -> list[Row]:
    from django.conf import settings

    from benchmarks import scale_runtime

    rows = []
    params = settings.DATABASES["default"]
    host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
    large_url = f"postgres://{params.get('USER') or 'postgres'}@{host}/{names['large']}"
    if parts & {"http", "memory"}:
        _use(names["large"])
        figures = scale_runtime.http_figures(
            large_url,
            rounds=2 if smoke else 3,
            seconds=1.0 if smoke else 4.0,
            mixed=200 if smoke else 2000,
        )
        bare, cached, uncached = figures["bare"], figures["cached"], figures["uncached"]
        rows += [
            Row("bare Django view, req/s", "", f"{bare:.0f}", "1.00×", "0", "yardstick", True),
            Row(
                "home page from the page cache, req/s",
                "",
                f"{cached:.0f}",
                f"{cached / bare:.2f}×",
                "0",
                "≥ 0.5× bare",
                cached >= 0.5 * bare,
            ),
            Row(
                "home page rendered, req/s",
                "",
                f"{uncached:.0f}",
                f"{uncached / bare:.2f}×",
                "",
                "≥ 0.1× bare",
                uncached >= 0.1 * bare,
            ),
            Row(
                f"largest worker after {figures['mixed']:,} mixed requests",
                "",
                f"{figures['rss_mb']:.0f} MB",
                "",
                "",
                "≤ 150 MB RSS",
                figures["rss_mb"] <= 150,
            ),
        ]
    if "submit" in parts:
        count = 80 if smoke else 800
        rates = {1: [], 4: []}
        numbers = []
        # on a copy of the large data set: the submissions must not change the pages' data
        copy = names["large"] + "_submit"
        _copy_database(names["large"], copy)
        try:
            for _round in range(1 if smoke else 2):
                for processes in (1, 4):
                    rate, made = scale_runtime.submissions_per_second(
                        copy, processes=processes, count=count
                    )
                    rates[processes].append(rate)
                    numbers += made
        finally:
            _drop(copy)
        one, four = (sorted(rates[p])[len(rates[p]) // 2] for p in (1, 4))
        values = sorted(int(number.split(".")[1]) for number in numbers)
        gapless = len(set(values)) == len(values) == values[-1] - values[0] + 1
        rows.append(
            Row(
                "submissions/s: 1 process / 4 processes",
                f"{one:.0f}",
                f"{four:.0f}",
                f"{four / one:.2f}×",
                "",
                "4 processes ≥ 100/s and ≥ 1; numbers unique, gap-free",
                four >= 100 and four >= one and gapless,
            )
        )
    if "mail" in parts:
        # the queued mails stay behind: on the small data set, whose pages were measured
        _use(names["small"])
        rate, received, sessions = scale_runtime.mails_per_second(200 if smoke else 1000)
        rows.append(
            Row(
                f"outbox: {received} mails, one worker, mails/s",
                "",
                f"{rate:.0f}",
                "",
                f"{sessions} SMTP sessions",
                "≥ 100 mails/s",
                rate >= 100,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small data, few rounds (CI)")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the data sets")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument(
        "--only", default="", help="comma-separated parts: pages,http,submit,mail,memory"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("benchmarks.scale needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    settings.DEBUG = False
    small, large = SIZES["smoke" if args.smoke else "full"]
    rounds = args.rounds or (2 if args.smoke else 8)
    base = settings.DATABASES["default"]["NAME"]
    names = {"small": _database_name(base, small), "large": _database_name(base, large)}
    parts = set(filter(None, args.only.split(","))) or {"pages", "http", "submit", "mail", "memory"}
    print(f"benchmarks.scale: {small:,} against {large:,} rows on PostgreSQL, {rounds} rounds")
    started = time.monotonic()
    rows: list[Row] = []
    try:
        built = _prepare(names, {"small": small, "large": large}, keep=args.keep)
        if "pages" in parts:
            figures = _page_figures(args.smoke)
            _measure_pages(figures, names, built, rounds=rounds, per_round=4 if args.smoke else 10)
            rows += _page_rows(figures)
        rows += _runtime_rows(parts, names, smoke=args.smoke)
    finally:
        if not args.keep:
            for name in names.values():
                _drop(name)
    _print(rows, (small, large))
    failed = [row.figure for row in rows if not row.passed]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} pass, in {time.monotonic() - started:.0f} s")
    return 1 if failed and not args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast the archive's holdings are synchronised from a WebDAV folder or a
SharePoint Online library.

    python -m benchmarks.archive_sync [--items 10000] [--source webdav|sharepoint]

``webdav`` starts a real WebDAV server on loopback (WsgiDAV, tests/webdav_server.py)
holding ``--items`` small JPEGs and their metadata sheet; ``sharepoint`` the loopback
Graph stand-in (tests/graph_standin.py, written from the Graph reference) with the
images and their columns. Then it times, against a throw-away database (``test_<name>``
of ``DATABASE_URL``, or SQLite): the first run (every item fetched and created as an
archive image), the next run with nothing changed, and a run after 1 % of the items
changed (their metadata) and 1 % were removed. Prints items per second and the ratio to
the target.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

# 10,000 new images in 10 minutes on the 2-core CI machine; unchanged runs 20× faster.
TARGET_NEW_PER_SECOND = 16
TARGET_UNCHANGED_PER_SECOND = 320


def _holdings(folder: Path, items: int) -> None:
    picture = _picture()
    rows = ["Datei;Signatur;Titel;Jahr von;Ort;Schlagworte;Rechte"]
    for number in range(items):
        name = f"bild{number:06d}.jpg"
        (folder / name).write_bytes(picture)
        year, series = 1900 + number % 120, number % 50
        rows.append(f"{name};B-{number};Bild {number};{year};Kassel;Serie {series};Stadtarchiv")
    (folder / "metadaten.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _picture() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "grey").save(buffer, "JPEG")
    return buffer.getvalue()


class WebDAVHoldings:
    """A real WebDAV server with the images and a metadata sheet."""

    def __init__(self, tmp: str, items: int, settings) -> None:
        from tests import webdav_server

        self.server = webdav_server.start(Path(tmp) / "dav")
        self.holdings = self.server.root / "bestand"
        self.holdings.mkdir()
        _holdings(self.holdings, items)
        self.items = items
        settings.ARCHIVE_SYNC_WEBDAV_URL = self.server.url
        settings.ARCHIVE_SYNC_WEBDAV_USER = webdav_server.USER
        settings.ARCHIVE_SYNC_WEBDAV_PASSWORD = webdav_server.PASSWORD
        settings.ARCHIVE_SYNC_WEBDAV_FOLDER = "bestand"

    def source(self):
        from media_archive.sync_sources.webdav import WebDAVSource

        return WebDAVSource()

    def change(self, step: int) -> None:
        sheet = self.holdings / "metadaten.csv"
        lines = sheet.read_text(encoding="utf-8").splitlines()
        for index in range(1, len(lines), step):
            lines[index] = lines[index].replace(";Bild ", ";Bild (neu) ")
        sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for number in range(50, self.items, step):
            (self.holdings / f"bild{number:06d}.jpg").unlink()

    def stop(self) -> None:
        self.server.stop()


class SharePointHoldings:
    """The Graph stand-in with the images in a library and their columns."""

    def __init__(self, tmp: str, items: int, settings) -> None:
        from tests import graph_standin

        self.stand_in = graph_standin.start(drive="b!archiv", columns=())
        self.items = items
        library, picture = self.stand_in.library, _picture()
        for number in range(items):
            path = f"Bestand/bild{number:06d}.jpg"
            library.put(path, picture)
            library.set_fields(
                path,
                {
                    "Signatur": f"B-{number}",
                    "Title": f"Bild {number}",
                    "JahrVon": float(1900 + number % 120),
                    "Ort": "Kassel",
                    "Schlagworte": [f"Serie {number % 50}"],
                    "Rechte": "Stadtarchiv",
                },
            )
        url = self.stand_in.url
        settings.ARCHIVE_SYNC_SHAREPOINT_TENANT = "archiv.onmicrosoft.com"
        settings.ARCHIVE_SYNC_SHAREPOINT_CLIENT_ID = graph_standin.CLIENT_ID
        settings.ARCHIVE_SYNC_SHAREPOINT_CLIENT_SECRET = graph_standin.CLIENT_SECRET
        settings.ARCHIVE_SYNC_SHAREPOINT_DRIVE_ID = "b!archiv"
        settings.ARCHIVE_SYNC_SHAREPOINT_GRAPH_URL = url
        settings.ARCHIVE_SYNC_SHAREPOINT_TOKEN_URL = f"{url}/tenant/oauth2/v2.0/token"

    def source(self):
        from media_archive.sync_sources.sharepoint import SharePointSource

        return SharePointSource()

    def change(self, step: int) -> None:
        library = self.stand_in.library
        for number in range(0, self.items, step):
            library.set_fields(f"Bestand/bild{number:06d}.jpg", {"Title": f"Bild (neu) {number}"})
        for number in range(50, self.items, step):
            library.delete(f"Bestand/bild{number:06d}.jpg")

    def stop(self) -> None:
        self.stand_in.stop()


def _timed(label: str, run, count: int, target: float):
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    rate = count / seconds
    broke = f", broke off: {result.error}" if result.error else ""
    print(
        f"  {label:<32} {count:6d} items in {seconds:7.1f} s = {rate:7.1f} items/s "
        f"(target {target}/s: x{rate / target:.2f})  "
        f"[{result.created} new, {result.updated} changed, {result.removed} removed, "
        f"{result.unchanged} unchanged, {len(result.refused)} refused{broke}]"
    )
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--source", choices=("webdav", "sharepoint"), default="webdav")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.conf import settings

    from benchmarks.fuzz_portal import _throwaway_database

    kind = {"webdav": WebDAVHoldings, "sharepoint": SharePointHoldings}[args.source]
    with tempfile.TemporaryDirectory() as tmp:
        holdings = kind(tmp, args.items, settings)
        try:
            for _ in _throwaway_database(demo=False):
                from django.db import connection

                from media_archive.sync import synchronise

                source = holdings.source()

                def run(source=source):
                    return synchronise(source)

                print(f"archive sync on {connection.vendor}: {args.items} items over {args.source}")
                first = _timed("first run (all new)", run, args.items, TARGET_NEW_PER_SECOND)
                second = _timed(
                    "next run (nothing changed)", run, args.items, TARGET_UNCHANGED_PER_SECOND
                )
                holdings.change(step=100)
                third = _timed(
                    "run after 1 % changed, 1 % gone",
                    run,
                    args.items,
                    TARGET_UNCHANGED_PER_SECOND,
                )
        finally:
            holdings.stop()
    ok = first >= TARGET_NEW_PER_SECOND and min(second, third) >= TARGET_UNCHANGED_PER_SECOND
    print(f"  {'pass' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

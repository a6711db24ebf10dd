"""The archive's holdings from a WebDAV folder: its images and a metadata sheet.

Settings: ``ARCHIVE_SYNC_WEBDAV_URL`` (the server), ``ARCHIVE_SYNC_WEBDAV_USER``,
``ARCHIVE_SYNC_WEBDAV_PASSWORD``, ``ARCHIVE_SYNC_WEBDAV_FOLDER`` (the folder holding the
images, default the root). The folder holds the images (JPEG, PNG, TIFF) and one sheet
``metadaten.xlsx`` or ``metadaten.csv`` with the columns of the bulk import (Datei,
Signatur, Titel, Beschreibung, Datierung, Jahr von, Jahr bis, Fotograf, Ort,
Schlagworte, Serie, Rechte, Veröffentlicht). An item's version is its ETag; its
metadata are its row.
"""

from __future__ import annotations

import io
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.accounts.directory_import import read_rows
from portal_site.records.connectors import clean_name
from portal_site.records.connectors.webdav import webdav_client

from ...importing import HEADERS, MAX_IMAGE_BYTES
from ...sync import Listing, RemoteItem, SyncSource

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
SHEETS = ("metadaten.xlsx", "metadaten.csv")


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or default)


class WebDAVSource(SyncSource):
    key = "webdav"
    label = gettext_lazy("WebDAV folder of the archive")

    def is_enabled(self) -> bool:
        return bool(_setting("ARCHIVE_SYNC_WEBDAV_URL"))

    def folder(self) -> str:
        return clean_name(_setting("ARCHIVE_SYNC_WEBDAV_FOLDER"))

    _open = None  # the client of the run in progress (opened())

    def client(self):
        if self._open is not None:
            return nullcontext(self._open)
        return webdav_client(
            _setting("ARCHIVE_SYNC_WEBDAV_URL"),
            user=_setting("ARCHIVE_SYNC_WEBDAV_USER"),
            password=_setting("ARCHIVE_SYNC_WEBDAV_PASSWORD"),
        )

    @contextmanager
    def opened(self):
        with self.client() as client:
            self._open = client
            try:
                yield
            finally:
                self._open = None

    def check_config(self) -> list[str]:
        if not self.is_enabled():
            return [_("ARCHIVE_SYNC_WEBDAV_URL is not set.")]
        try:
            with self.client() as client:
                names = {e["display_name"].lower() for e in client.ls(self.folder(), detail=True)}
        except Exception as exc:  # noqa: BLE001 - the administrator reads what failed
            return [_("The archive's WebDAV folder cannot be read: %(error)s") % {"error": exc}]
        if not names & set(SHEETS):
            return [_("The folder holds no metadata sheet (metadaten.xlsx or metadaten.csv).")]
        return []

    def _path(self, name: str) -> str:
        return f"{self.folder()}/{name}" if self.folder() else name

    def listing(self, cursor: str = "") -> Listing:
        with self.client() as client:
            entries = [e for e in client.ls(self.folder(), detail=True) if e["type"] == "file"]
            sheet = next(
                (e for s in SHEETS for e in entries if e["display_name"].lower() == s), None
            )
            rows: dict[str, dict[str, str]] = {}
            if sheet is not None:
                buffer = io.BytesIO()
                client.download_fileobj(sheet["name"], buffer)
                for row in read_rows(
                    content=buffer.getvalue(), filename=sheet["display_name"], headers=HEADERS
                ):
                    if row.get("file"):
                        rows[row["file"].strip()] = row
        items = []
        for entry in sorted(entries, key=lambda e: e["display_name"]):
            name = entry["display_name"]
            if not name.lower().endswith(IMAGE_SUFFIXES) or name.startswith("."):
                continue
            row = rows.get(name)
            refused = ""
            if row is None:
                refused = _("No row of the metadata sheet names this file.")
            elif (entry.get("content_length") or 0) > MAX_IMAGE_BYTES:
                refused = _("The file is larger than 100 MB.")
            version = str(entry.get("etag") or entry.get("modified") or "")
            items.append(RemoteItem(self._path(name), name, version, row or {}, refused))
        return Listing(items, complete=True)

    def fetch(self, item: RemoteItem) -> bytes:
        with self.client() as client:
            buffer = io.BytesIO()
            client.download_fileobj(item.id, buffer)
            return buffer.getvalue()

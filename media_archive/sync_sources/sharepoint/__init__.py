"""The archive's holdings from a SharePoint Online document library (the seed's
*Medienserver* with its "Schnittstelle zu MS Sharepoint"), through Microsoft Graph with
the ``Office365-REST-Python-Client`` library.

The library holds the images; its columns hold the metadata (one column per field of
the bulk import: Signatur, Titel, Datierung, Ort, Schlagworte, Rechte …). A run asks
Graph what changed since the last finished run (``GET /drives/{drive}/root/delta``, then
``?token=`` from the ``@odata.deltaLink`` kept on :class:`media_archive.models.SyncRun`),
reads the columns of each changed image (``GET /drives/{drive}/items/{id}/listItem/fields``)
and downloads an image only when its content changed (``cTag``). Deleted items arrive
with Graph's ``deleted`` facet. When Graph answers that the token expired (410
``resyncRequired``) the run enumerates the whole library again and removes what is gone.

Settings: ``ARCHIVE_SYNC_SHAREPOINT_TENANT``, ``ARCHIVE_SYNC_SHAREPOINT_CLIENT_ID``,
``ARCHIVE_SYNC_SHAREPOINT_CLIENT_SECRET`` (an app registration with ``Sites.Selected``
or ``Files.Read.All``), ``ARCHIVE_SYNC_SHAREPOINT_DRIVE_ID`` (the document library) and
``ARCHIVE_SYNC_SHAREPOINT_COLUMNS`` (optional: ``Spalte=feld`` pairs separated by commas
when the library's internal column names differ from :data:`COLUMNS`). Graph supports
delta only on a library's root, so the archive's images have a library of their own.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.records.connectors.sharepoint import graph_client

from ...importing import HEADERS, MAX_IMAGE_BYTES
from ...sync import Listing, RemoteItem, SyncSource

PREFIX = "ARCHIVE_SYNC_SHAREPOINT"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff")
# The library's internal column names -> the bulk import's fields. "Title" is
# SharePoint's own title column (shown as "Titel" in a German site).
COLUMNS = {
    "Signatur": "signature",
    "Title": "title",
    "Beschreibung": "description",
    "Datierung": "date_label",
    "JahrVon": "year_from",
    "JahrBis": "year_to",
    "Fotograf": "photographer",
    "Ort": "place",
    "Schlagworte": "keywords",
    "Serie": "series",
    "Rechte": "rights",
    "Veroeffentlicht": "published",
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)?$")
# Graph's delta link carries the token as delta(token='…') or ?token=… / $deltatoken=…
DELTA_TOKEN = re.compile(r"(?:\(token='?|[?&](?:token|\$deltatoken)=)([^'&)]+)")


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, f"{PREFIX}_{name}", "") or default)


def columns() -> dict[str, str]:
    """The column map, with ``ARCHIVE_SYNC_SHAREPOINT_COLUMNS`` applied over
    :data:`COLUMNS` (``Spalte=feld`` or ``Spalte=Kopfzeile`` of the bulk import)."""
    mapping = dict(COLUMNS)
    for pair in _setting("COLUMNS").split(","):
        column, _sep, target = (part.strip() for part in pair.partition("="))
        if column and target:
            mapping = {c: f for c, f in mapping.items() if f != HEADERS.get(target.lower(), target)}
            mapping[column] = HEADERS.get(target.lower(), target)
    return mapping


def plain(value: object) -> str:
    """A column's value as the bulk import reads it: choices and managed metadata
    (lists, ``{"Label": …}``) joined with commas, yes/no as ja/nein, numbers without a
    fraction, ISO dates as German dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return str(value.get("Label") or value.get("LookupValue") or value.get("Value") or "")
    if isinstance(value, list):
        return ", ".join(filter(None, map(plain, value)))
    text = str(value).strip()
    date = ISO_DATE.match(text)
    return f"{date[3]}.{date[2]}.{date[1]}" if date else text


class SharePointSource(SyncSource):
    key = "sharepoint"
    label = gettext_lazy("SharePoint Online library of the archive")

    REQUIRED = ("TENANT", "CLIENT_ID", "CLIENT_SECRET", "DRIVE_ID")
    _client = None  # the client of the run in progress (opened())

    def is_enabled(self) -> bool:
        return all(_setting(name) for name in self.REQUIRED)

    def drive(self):
        client = self._client or graph_client(PREFIX)
        return client.drives[_setting("DRIVE_ID")]

    @contextmanager
    def opened(self):
        self._client = graph_client(PREFIX)  # one sign-in for the run
        try:
            yield
        finally:
            self._client = None

    def check_config(self) -> list[str]:
        missing = [f"{PREFIX}_{name}" for name in self.REQUIRED if not _setting(name)]
        if missing:
            return [_("%(setting)s is not set.") % {"setting": name} for name in missing]
        try:
            self.drive().root.get().execute_query()
        except Exception as exc:  # noqa: BLE001 - the administrator reads what failed
            return [_("SharePoint cannot be reached or refuses: %(error)s") % {"error": exc}]
        return []

    def _changes(self, cursor: str):
        """Every page of the delta since ``cursor`` and the token of its last page's
        ``@odata.deltaLink`` (read from the responses: the library does not keep it)."""
        drive = self.drive()
        links: list[str] = []

        def remember(response) -> None:
            if "/delta" in response.url and response.ok:
                link = response.json().get("@odata.deltaLink")
                if link:
                    links.append(link)

        request = drive.context.pending_request()
        request.afterExecute += remember
        try:
            delta = drive.root.delta
            if cursor:
                delta = delta.token(cursor)
            changes = delta.get_all().execute_query()
        finally:
            request.afterExecute -= remember
        token = DELTA_TOKEN.search(links[-1]) if links else None
        return changes, token[1] if token else ""

    def listing(self, cursor: str = "") -> Listing:
        from office365.runtime.client_request_exception import ClientRequestException

        try:
            changes, next_cursor = self._changes(cursor)
        except ClientRequestException as exc:
            if not cursor or getattr(exc.response, "status_code", None) != 410:
                raise
            cursor = ""  # the token expired: enumerate the whole library again
            changes, next_cursor = self._changes(cursor)
        items, removed = [], []
        for entry in changes:
            if entry.deleted:
                removed.append(str(entry.id))
            elif entry.is_file:
                item = self._item(entry)
                if item is not None:
                    items.append(item)
        return Listing(items, complete=not cursor, removed=removed, cursor=next_cursor)

    def _item(self, entry) -> RemoteItem | None:
        """A changed file of the library as an item (its columns are read later)."""
        name = str(entry.name or "")
        if entry.file.mimeType not in IMAGE_TYPES or name.startswith("."):
            return None  # documents and other files of the library are not holdings
        # cTag changes with the content only: a change of columns downloads nothing.
        version = str(entry.properties.get("cTag") or entry.properties.get("eTag") or "")
        refused = ""
        if (entry.size or 0) > MAX_IMAGE_BYTES:
            refused = _("The file is larger than 100 MB.")
        return RemoteItem(str(entry.id), name, version, {}, refused)

    def described(self, item: RemoteItem) -> RemoteItem:
        if item.refused:
            return item
        values = self.drive().items[item.id].list_item.fields.get().execute_query().properties
        row = {field: plain(values.get(column)) for column, field in columns().items()}
        row = {field: value for field, value in row.items() if value}
        refused = "" if row.get("signature") else _("The item has no Signatur in its columns.")
        return RemoteItem(item.id, item.name, item.version, row, refused)

    def fetch(self, item: RemoteItem) -> bytes:
        return bytes(self.drive().items[item.id].get_content().execute_query().value)

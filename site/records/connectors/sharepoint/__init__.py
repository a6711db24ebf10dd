"""SharePoint Online as the e-file: a document library through Microsoft Graph, with the
well-kept ``Office365-REST-Python-Client`` (``office365.graph_client.GraphClient``).

Settings: ``RECORDS_SHAREPOINT_TENANT`` (the tenant, e.g. ``kassel.onmicrosoft.com``),
``RECORDS_SHAREPOINT_CLIENT_ID`` and ``RECORDS_SHAREPOINT_CLIENT_SECRET`` (an app
registration with the application permission ``Sites.Selected`` or
``Files.ReadWrite.All`` on the library; the token comes from MSAL, client credentials),
``RECORDS_SHAREPOINT_DRIVE_ID`` (the document library's drive id),
``RECORDS_SHAREPOINT_OUTBOX`` (the folder the DMS side imports from, default
``Eingang``) and ``RECORDS_SHAREPOINT_REPLIES`` (its answers, default ``Antworten``).

The Graph calls the connector makes (Microsoft Graph v1.0 reference, *driveItem*):

- ``PUT /drives/{drive}/root:/{path}:/content`` for a container below 4 MB;
- ``POST /drives/{drive}/root:/{path}:/createUploadSession`` and ``PUT`` of 2 MB byte
  ranges (``Content-Range``) to the session's ``uploadUrl`` for larger ones;
- ``GET /drives/{drive}/root:/{path}`` (the uploaded item) and
  ``PATCH /drives/{drive}/items/{id}/listItem/fields`` for the library's columns
  (Vorgangsnummer, Verfahren, Aktenzeichen, Nachricht; the columns must exist);
- ``GET /drives/{drive}/root:/{replies}:/children``, ``GET /drives/{drive}/items/{id}/content``
  and ``DELETE /drives/{drive}/items/{id}`` for the answers.

No Microsoft service is reachable from the test machines: the tests run these calls,
built by the library, against a loopback stand-in written from the Graph reference
(``tests/graph_standin.py``), reached through ``RECORDS_SHAREPOINT_GRAPH_URL`` with a
token from the stand-in's token endpoint (``RECORDS_SHAREPOINT_TOKEN_URL``). The MSAL
sign-in against Microsoft's login service is the library's and is not exercised there.
"""

from __future__ import annotations

import os
import tempfile

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import Answer, RecordsConnector, clean_name

SMALL = 4 * 1024 * 1024  # Graph's limit for a simple upload
CHUNK = 2 * 1024 * 1024  # a multiple of 320 KiB, as the upload session wants


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or default)


def graph_client(prefix: str = "RECORDS_SHAREPOINT"):
    """A GraphClient from the settings ``{prefix}_TENANT``, ``_CLIENT_ID`` and
    ``_CLIENT_SECRET``: against Microsoft (MSAL client credentials), or against the
    address in ``{prefix}_GRAPH_URL`` with a token from ``{prefix}_TOKEN_URL`` (the
    loopback stand-in of the tests). The media archive's SharePoint source uses it too."""
    from office365.graph_client import GraphClient
    from office365.graph_request import GraphRequest

    client_id = _setting(f"{prefix}_CLIENT_ID")
    client_secret = _setting(f"{prefix}_CLIENT_SECRET")
    base = _setting(f"{prefix}_GRAPH_URL").rstrip("/")
    if not base:
        return GraphClient(tenant=_setting(f"{prefix}_TENANT")).with_client_secret(
            client_id, client_secret
        )

    class ElsewhereRequest(GraphRequest):
        @property
        def service_root_url(self) -> str:
            return f"{base}/v1.0"

    cached: dict[str, str] = {}

    def token() -> dict[str, str]:
        if not cached:  # one token per client, as MSAL's cache gives against Microsoft
            answer = requests.post(
                _setting(f"{prefix}_TOKEN_URL"),
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "scope": "https://graph.microsoft.com/.default",
                },
                timeout=30,
            )
            answer.raise_for_status()
            body = answer.json()
            cached.update(tokenType=body["token_type"], accessToken=body["access_token"])
        return dict(cached)

    class ElsewhereClient(GraphClient):
        def pending_request(self):
            if self._pending_request is None:
                self._pending_request = ElsewhereRequest()
                self._pending_request.with_access_token(token)
            return self._pending_request

    return ElsewhereClient()


class SharePointConnector(RecordsConnector):
    key = "sharepoint"
    label = gettext_lazy("SharePoint Online (Microsoft Graph)")

    REQUIRED = (
        "RECORDS_SHAREPOINT_TENANT",
        "RECORDS_SHAREPOINT_CLIENT_ID",
        "RECORDS_SHAREPOINT_CLIENT_SECRET",
        "RECORDS_SHAREPOINT_DRIVE_ID",
    )

    def is_enabled(self) -> bool:
        return all(_setting(name) for name in self.REQUIRED)

    def outbox(self) -> str:
        return clean_name(_setting("RECORDS_SHAREPOINT_OUTBOX", "Eingang"))

    def replies(self) -> str:
        return clean_name(_setting("RECORDS_SHAREPOINT_REPLIES", "Antworten"))

    def drive(self, client):
        return client.drives[_setting("RECORDS_SHAREPOINT_DRIVE_ID")]

    def check_config(self) -> list[str]:
        missing = [name for name in self.REQUIRED if not _setting(name)]
        if missing:
            return [_("%(setting)s is not set.") % {"setting": name} for name in missing]
        try:
            client = graph_client()
            for folder in (self.outbox(), self.replies()):
                self.drive(client).root.get_by_path(folder).get().execute_query()
        except Exception as exc:  # noqa: BLE001 - the administrator reads what failed
            return [_("SharePoint cannot be reached or refuses: %(error)s") % {"error": exc}]
        return []

    def deliver(
        self, *, folder: str, name: str, content: bytes, metadata: dict[str, str] | None = None
    ) -> str:
        path = "/".join(p for p in (self.outbox(), clean_name(folder)) if p)
        client = graph_client()
        target = self.drive(client).root.get_by_path(path)
        if len(content) < SMALL:
            item = target.upload(clean_name(name), content).execute_query()
        else:  # an upload session in byte ranges; the library reads from a file
            with tempfile.TemporaryDirectory() as tmp:
                local = os.path.join(tmp, clean_name(name))
                with open(local, "wb") as handle:
                    handle.write(content)
                target.resumable_upload(local, chunk_size=CHUNK).execute_query()
            item = (
                self.drive(client)
                .root.get_by_path(f"{path}/{clean_name(name)}")
                .get()
                .execute_query()
            )
        if metadata:
            fields = item.list_item.fields
            for column, value in metadata.items():
                fields.set_property(column, value)
            fields.update().execute_query()
        return f"{path}/{clean_name(name)}"

    def answers(self) -> list[Answer]:
        client = graph_client()
        children = (
            self.drive(client).root.get_by_path(self.replies()).children.get().execute_query()
        )
        found = []
        for child in children:
            name = child.name or ""
            if name.startswith(".") or not name.lower().endswith((".xml", ".zip")):
                continue
            content = self.drive(client).items[child.id].get_content().execute_query().value
            found.append(Answer(name, bytes(content)))
        return found

    def done(self, name: str) -> None:
        client = graph_client()
        item = (
            self.drive(client)
            .root.get_by_path(f"{self.replies()}/{clean_name(name)}")
            .get()
            .execute_query()
        )
        self.drive(client).items[item.id].delete_object().execute_query()

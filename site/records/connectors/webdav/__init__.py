"""WebDAV: the e-file (or SharePoint on premises) as a WebDAV server, through ``webdav4``.

Settings: ``RECORDS_WEBDAV_URL`` (the server's base address), ``RECORDS_WEBDAV_USER``
and ``RECORDS_WEBDAV_PASSWORD`` (HTTP authentication), ``RECORDS_WEBDAV_OUTBOX`` (the
collection the e-file imports from, default ``eingang``), ``RECORDS_WEBDAV_REPLIES``
(where it puts its answers, default ``antworten``), ``RECORDS_WEBDAV_TIMEOUT`` (seconds,
default 60).

A container is uploaded in chunks as ``.name.part`` and moved to its name when complete
(``MOVE`` with overwrite), so an upload broken off in the middle never shows as a
container; processed answers are deleted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import Answer, RecordsConnector, clean_name

CHUNK = 1024 * 1024
MAX_ANSWER_BYTES = 50 * 1024 * 1024


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or default)


@contextmanager
def webdav_client(url: str, *, user: str = "", password: str = "", timeout: float = 60):
    """A ``webdav4`` client, closed afterwards (also used by the media archive's sync)."""
    from webdav4.client import Client

    client = Client(url, auth=(user, password) if user else None, timeout=timeout, retry=False)
    try:
        yield client
    finally:
        client.http.close()


class WebDAVConnector(RecordsConnector):
    key = "webdav"
    label = gettext_lazy("WebDAV server (DMS, SharePoint on premises)")

    def is_enabled(self) -> bool:
        return bool(_setting("RECORDS_WEBDAV_URL"))

    def outbox(self) -> str:
        return clean_name(_setting("RECORDS_WEBDAV_OUTBOX", "eingang"))

    def replies(self) -> str:
        return clean_name(_setting("RECORDS_WEBDAV_REPLIES", "antworten"))

    @contextmanager
    def client(self) -> Iterator:
        with webdav_client(
            _setting("RECORDS_WEBDAV_URL"),
            user=_setting("RECORDS_WEBDAV_USER"),
            password=_setting("RECORDS_WEBDAV_PASSWORD"),
            timeout=float(_setting("RECORDS_WEBDAV_TIMEOUT", "60")),
        ) as client:
            yield client

    def check_config(self) -> list[str]:
        from webdav4.client import HTTPError, ResourceNotFound

        if not self.is_enabled():
            return [_("RECORDS_WEBDAV_URL is not set.")]
        problems = []
        try:
            with self.client() as client:
                for setting, folder in (
                    ("RECORDS_WEBDAV_OUTBOX", self.outbox()),
                    ("RECORDS_WEBDAV_REPLIES", self.replies()),
                ):
                    if folder and not client.isdir(folder):
                        problems.append(
                            _("The WebDAV server has no folder %(folder)s (%(setting)s).")
                            % {"folder": folder, "setting": setting}
                        )
        except HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status in (401, 403):
                return [_("The WebDAV server refuses the user name or password.")]
            return [_("The WebDAV server answers with an error: %(error)s") % {"error": exc}]
        except ResourceNotFound as exc:
            return [_("The WebDAV server answers with an error: %(error)s") % {"error": exc}]
        except Exception as exc:  # noqa: BLE001 - httpx raises many kinds of network errors
            return [_("The WebDAV server cannot be reached: %(error)s") % {"error": exc}]
        return problems

    def _make_folders(self, client, path: str) -> None:
        current = ""
        for part in path.split("/"):
            current = f"{current}/{part}" if current else part
            if not client.exists(current):
                client.mkdir(current)

    def deliver(
        self, *, folder: str, name: str, content: bytes, metadata: dict[str, str] | None = None
    ) -> str:
        target_folder = "/".join(p for p in (self.outbox(), clean_name(folder)) if p)
        target = f"{target_folder}/{clean_name(name)}" if target_folder else clean_name(name)
        partial = f"{target_folder}/.{clean_name(name)}.part" if target_folder else f".{name}.part"
        with self.client() as client:
            if target_folder:
                self._make_folders(client, target_folder)
            client.upload_fileobj(
                io.BytesIO(content), partial, overwrite=True, chunk_size=CHUNK, size=len(content)
            )
            client.move(partial, target, overwrite=True)
        return target

    def answers(self) -> list[Answer]:
        folder = self.replies()
        with self.client() as client:
            if not client.isdir(folder):
                return []
            entries = [
                entry
                for entry in client.ls(folder, detail=True)
                if entry.get("type") == "file"
                and not entry["display_name"].startswith(".")
                and entry["display_name"].lower().endswith((".xml", ".zip"))
                and (entry.get("content_length") or 0) <= MAX_ANSWER_BYTES
            ]
            entries.sort(key=lambda e: (str(e.get("modified") or ""), e["display_name"]))
            answers = []
            for entry in entries:
                buffer = io.BytesIO()
                client.download_fileobj(entry["name"], buffer)
                answers.append(Answer(entry["display_name"], buffer.getvalue()))
            return answers

    def done(self, name: str) -> None:
        with self.client() as client:
            path = f"{self.replies()}/{clean_name(name)}"
            if client.exists(path):
                client.remove(path)

"""A loopback stand-in for the Microsoft Graph endpoints the SharePoint connector uses,
written from Microsoft's published Graph v1.0 reference (driveItem: upload, upload
session, get by path, list children, download, delete, delta; listItem: get and update
fields; the identity platform's client-credentials token). It is not Microsoft Graph: it keeps one
document library in memory and answers only these calls, with Graph's shapes and error
bodies, so that the requests the Office365 library builds are exercised for real.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

CLIENT_ID, CLIENT_SECRET = "portal-app", "geheim-456"
MIME = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "xml": "application/xml"}


@dataclass
class Item:
    id: str
    path: str
    content: bytes = b""
    fields: dict[str, object] = field(default_factory=dict)
    etag: str = ""
    ctag: str = ""  # changes with the content only (Graph's cTag)
    changed: int = 0  # the library's change number when it last changed

    def json(self, base: str, drive: str) -> dict:
        mime = MIME.get(self.path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
        return {
            "id": self.id,
            "name": self.path.rsplit("/", 1)[-1],
            "eTag": self.etag,
            "cTag": self.ctag,
            "size": len(self.content),
            "file": {"mimeType": mime},
            "parentReference": {
                "driveId": drive,
                "path": f"/drive/root:/{self.path.rsplit('/', 1)[0]}",
            },
            "webUrl": f"{base}/library/{self.path}",
        }


@dataclass
class Library:
    drive: str
    columns: set[str]
    items: dict[str, Item] = field(default_factory=dict)  # by path
    folders: set[str] = field(default_factory=set)
    sessions: dict[str, dict] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    requests: list[tuple[str, str]] = field(default_factory=list)
    change: int = 0  # bumped by every change; a delta token is a change number
    removed: dict[str, int] = field(default_factory=dict)  # item id -> change number
    oldest_token: int = 0  # delta tokens below it have expired (410 resyncRequired)
    page_size: int = 200
    fail_fields_after: int = -1  # answer 503 to field reads after this many (-1: never)

    paths: dict[str, str] = field(default_factory=dict)  # item id -> path

    def by_id(self, item_id: str) -> Item | None:
        return self.items.get(self.paths.get(item_id, ""))

    def _changed(self, item: Item) -> None:
        self.change += 1
        item.changed = self.change
        item.etag = f'"{uuid.uuid4().hex}"'

    def put(self, path: str, content: bytes) -> Item:
        item = self.items.get(path) or Item(id=uuid.uuid4().hex, path=path)
        item.content, item.ctag = content, f'"c:{uuid.uuid4().hex}"'
        self._changed(item)
        self.items[path] = item
        self.paths[item.id] = path
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            self.folders.add("/".join(parts[:depth]))
        return item

    def set_fields(self, path: str, values: dict[str, object]) -> None:
        item = self.items[path]
        item.fields.update(values)
        self._changed(item)

    def delete(self, path: str) -> None:
        item = self.items.pop(path)
        self.paths.pop(item.id, None)
        self.change += 1
        self.removed[item.id] = self.change


def _handler(library: Library):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body in one write: unbuffered, keep-alive answers wait on the
        # client's delayed ACK (40 ms per request), which Graph itself does not cost
        wbufsize = 1 << 16

        def log_message(self, *args):  # quiet
            pass

        def _send(self, code: int, body: dict | bytes | None = None, headers=None) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
            self.send_response(code)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if not isinstance(body, bytes):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, code: int, error: str, message: str) -> None:
            self._send(code, {"error": {"code": error, "message": message}})

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        @property
        def base(self) -> str:
            return f"http://127.0.0.1:{self.server.server_port}"

        def _route(self) -> None:
            url = urlparse(self.path)
            path = unquote(url.path)
            library.requests.append((self.command, path))
            body = self._body()
            if path.endswith("/oauth2/v2.0/token") and self.command == "POST":
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self._send(401, {"error": "invalid_client"})
                token = secrets.token_hex(16)
                library.tokens.add(token)
                return self._send(
                    200, {"token_type": "Bearer", "access_token": token, "expires_in": 3600}
                )
            if path.startswith("/upload/"):  # the session's uploadUrl is pre-authenticated
                return self._upload_range(path.rsplit("/", 1)[-1], body)
            if path.startswith("/download/"):
                item = library.by_id(path.rsplit("/", 1)[-1])
                return (
                    self._send(200, item.content)
                    if item
                    else self._error(404, "itemNotFound", "gone")
                )
            bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if bearer not in library.tokens:
                return self._error(401, "InvalidAuthenticationToken", "Access token is empty.")
            match = re.match(r"^/v1\.0/drives/([^/]+)/(.*)$", path)
            if not match or match.group(1) != library.drive:
                return self._error(404, "itemNotFound", "The resource could not be found.")
            if match.group(2) == "root" and self.command == "GET":
                return self._send(200, {"id": "root", "name": "root", "root": {}, "folder": {}})
            delta = re.match(r"^root/delta(?:\(token='([^']*)'\))?$", match.group(2))
            if delta and self.command == "GET":
                return self._delta(delta.group(1) or parse_qs(url.query).get("token", [""])[0])
            return self._drive(match.group(2), body)

        def _delta(self, token: str) -> None:
            """``GET /drives/{drive}/root/delta``: without a token every item (folders too,
            removed ones left out), with one what changed since, removed items as
            ``deleted`` facets; pages of ``page_size`` with ``@odata.nextLink``, the last
            with ``@odata.deltaLink``."""
            # the links are written as the reference's examples write them: delta(token='…')
            link = f"{self.base}/v1.0/drives/{library.drive}/root/delta(token='{{}}')"
            offset, since, until = 0, 0, library.change
            if token.startswith("page."):  # page.<since>.<until>.<offset>
                since, until, offset = map(int, token.split(".")[1:])
            elif token:
                if not token.isdigit() or int(token) < library.oldest_token:
                    return self._error(410, "resyncRequired", "The delta token has expired.")
                since = int(token)
            entries: list[dict] = []
            if since == 0:
                entries.append({"id": "root", "name": "root", "root": {}, "folder": {}})
                entries += [
                    {"id": f"folder-{f}", "name": f.rsplit("/", 1)[-1], "folder": {}}
                    for f in sorted(library.folders)
                ]
            entries += [
                i.json(self.base, library.drive)
                for _path, i in sorted(library.items.items())
                if since < i.changed <= until
            ]
            if since:
                entries += [
                    {"id": item_id, "deleted": {"state": "deleted"}}
                    for item_id, number in sorted(library.removed.items())
                    if since < number <= until
                ]
            page = entries[offset : offset + library.page_size]
            body: dict = {"value": page}
            if offset + library.page_size < len(entries):
                body["@odata.nextLink"] = link.format(
                    f"page.{since}.{until}.{offset + library.page_size}"
                )
            else:
                body["@odata.deltaLink"] = link.format(until)
            return self._send(200, body)

        def _drive(self, rest: str, body: bytes) -> None:
            base, drive = self.base, library.drive
            rest = re.sub(r":/+", ":/", rest)  # Graph reads root:/path://children as :/children
            if rest.endswith(":/"):  # the item itself, addressed as root:/path:/
                rest = rest[:-1]
            by_path = re.match(r"^root:/(.+?):?(/content|/createUploadSession|/children)?$", rest)
            by_id = re.match(r"^items/([^/]+)(/content|/listItem/fields)?$", rest)
            if by_path:
                target, action = by_path.group(1).strip("/"), by_path.group(2)
                if action == "/content" and self.command == "PUT":
                    item = library.put(target, body)
                    return self._send(201, item.json(base, drive))
                if action == "/createUploadSession" and self.command == "POST":
                    session = uuid.uuid4().hex
                    library.sessions[session] = {"path": target, "data": bytearray()}
                    return self._send(
                        200,
                        {
                            "uploadUrl": f"{base}/upload/{session}",
                            "expirationDateTime": "2099-01-01T00:00:00Z",
                        },
                    )
                if action == "/children" and self.command == "GET":
                    if target not in library.folders:
                        return self._error(404, "itemNotFound", "The folder does not exist.")
                    children = [
                        i.json(base, drive)
                        for p, i in sorted(library.items.items())
                        if p.rsplit("/", 1)[0] == target
                    ]
                    return self._send(200, {"value": children})
                if action is None and self.command == "GET":
                    if target in library.items:
                        return self._send(200, library.items[target].json(base, drive))
                    if target in library.folders:
                        return self._send(
                            200, {"id": f"folder-{target}", "name": target, "folder": {}}
                        )
                    return self._error(404, "itemNotFound", "The resource could not be found.")
            if by_id:
                item = library.by_id(by_id.group(1))
                if item is None:
                    return self._error(404, "itemNotFound", "The resource could not be found.")
                action = by_id.group(2)
                if action == "/content" and self.command == "GET":
                    return self._send(302, b"", {"Location": f"{base}/download/{item.id}"})
                if action == "/listItem/fields" and self.command == "GET":
                    if library.fail_fields_after == 0:
                        return self._error(503, "serviceNotAvailable", "Try again later.")
                    library.fail_fields_after -= library.fail_fields_after > 0
                    builtin = {
                        "@odata.etag": item.etag,
                        "id": str(abs(hash(item.id)) % 100000),
                        "FileLeafRef": item.path.rsplit("/", 1)[-1],
                        "ContentType": "Dokument",
                    }
                    return self._send(200, {**builtin, **item.fields})
                if action == "/listItem/fields" and self.command == "PATCH":
                    values = {
                        k: v for k, v in json.loads(body or b"{}").items() if not k.startswith("@")
                    }
                    unknown = sorted(set(values) - library.columns)
                    if unknown:
                        return self._error(
                            400, "invalidRequest", f"Field '{unknown[0]}' is not recognized"
                        )
                    library.set_fields(item.path, {k: str(v) for k, v in values.items()})
                    return self._send(200, dict(item.fields))
                if action is None and self.command == "DELETE":
                    library.delete(item.path)
                    return self._send(204, b"")
            return self._error(
                400, "invalidRequest", f"Not supported by the stand-in: {self.command} {rest}"
            )

        def _upload_range(self, session_id: str, body: bytes) -> None:
            session = library.sessions.get(session_id)
            if session is None:
                return self._error(404, "itemNotFound", "The upload session was not found.")
            match = re.match(r"bytes (\d+)-(\d+)/(\d+)", self.headers.get("Content-Range", ""))
            if not match:
                return self._error(400, "invalidRange", "Content-Range is missing.")
            start, end, total = map(int, match.groups())
            if start != len(session["data"]) or end - start + 1 != len(body):
                return self._error(416, "invalidRange", "The range does not follow the last one.")
            session["data"].extend(body)
            if len(session["data"]) < total:
                return self._send(202, {"nextExpectedRanges": [f"{len(session['data'])}-"]})
            item = library.put(session["path"], bytes(session["data"]))
            del library.sessions[session_id]
            return self._send(201, item.json(self.base, library.drive))

        do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _route

    return Handler


@dataclass
class GraphStandIn:
    library: Library
    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(
    *,
    drive: str = "b!stadt-e-akte",
    columns=("Vorgangsnummer", "Verfahren", "Aktenzeichen", "Nachricht"),
) -> GraphStandIn:
    library = Library(drive=drive, columns=set(columns))
    library.folders.update({"Eingang", "Antworten"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(library))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return GraphStandIn(library, server, thread)

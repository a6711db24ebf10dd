"""A real WebDAV server on loopback (WsgiDAV on cheroot) over a temporary folder, with
basic authentication and a switch that breaks uploads off in the middle."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

USER, PASSWORD = "portal", "geheim-123"


@dataclass
class Faults:
    """``break_uploads``: the next PUTs fail after half their body; ``fail_downloads_after``:
    image downloads fail once that many have been served."""

    break_uploads: int = 0
    fail_downloads_after: int = -1  # GETs of images served before the server fails
    broken: list[str] = field(default_factory=list)


class _BreakingUploads:
    def __init__(self, app, faults: Faults) -> None:
        self.app, self.faults = app, faults

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "PUT" and self.faults.break_uploads > 0:
            self.faults.break_uploads -= 1
            length = int(environ.get("CONTENT_LENGTH") or 0)
            environ["wsgi.input"].read(length // 2)  # half arrives, then the server fails
            self.faults.broken.append(environ["PATH_INFO"])
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"storage went away"]
        if (
            environ["REQUEST_METHOD"] == "GET"
            and self.faults.fail_downloads_after >= 0
            and environ["PATH_INFO"].lower().endswith((".jpg", ".png"))
        ):
            if self.faults.fail_downloads_after == 0:
                self.faults.broken.append(environ["PATH_INFO"])
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"storage went away"]
            self.faults.fail_downloads_after -= 1
        return self.app(environ, start_response)


@dataclass
class WebDAVServer:
    root: Path
    url: str
    faults: Faults
    server: wsgi.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)


def start(root: Path) -> WebDAVServer:
    root.mkdir(parents=True, exist_ok=True)
    config = {
        "host": "127.0.0.1",
        "port": 0,
        "provider_mapping": {"/": str(root)},
        "simple_dc": {"user_mapping": {"*": {USER: {"password": PASSWORD}}}},
        "http_authenticator": {
            "domain_controller": None,  # the simple one above
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
            "trusted_auth_header": None,
        },
        "verbose": 0,
        "logging": {"enable": False},
        "lock_storage": True,
        "property_manager": True,
    }
    faults = Faults()
    app = _BreakingUploads(WsgiDAVApp(config), faults)
    server = wsgi.Server(("127.0.0.1", 0), app, numthreads=4)
    server.prepare()
    port = server.bind_addr[1]
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    return WebDAVServer(root, f"http://127.0.0.1:{port}", faults, server, thread)

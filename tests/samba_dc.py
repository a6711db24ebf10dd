"""A real Active Directory: Samba's AD domain controller (Debian's samba-ad-dc), provisioned
into a temporary directory and serving LDAP/LDAPS on loopback (ports 389 and 636, so it
needs root and those ports free). Only its LDAP service runs; its certificate comes from
a throw-away CA (tests/ldap_server.make_certificates)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.ldap_server import make_certificates

SAMBA = shutil.which("samba") or "/usr/sbin/samba"
SAMBA_TOOL = shutil.which("samba-tool") or "/usr/bin/samba-tool"
REALM = "KASSEL.TEST"
DOMAIN = "KASSEL"
BASE_DN = "DC=kassel,DC=test"
ADMIN = "Administrator@kassel.test"
ADMIN_PASSWORD = "Adm1n-Passw0rt!"  # noqa: S105 - throw-away test domain
USER_PASSWORD = "Kassel-Passw0rt!"  # noqa: S105 - throw-away test domain
LDAPS_URI = "ldaps://127.0.0.1:636"


def samba_available() -> str:
    """Why Samba's AD DC cannot run here, or "" when it can."""
    if not (os.path.exists(SAMBA) and os.path.exists(SAMBA_TOOL)):
        return "Samba's AD DC is not installed (apt-get install samba-ad-dc samba-ad-provision)"
    if os.geteuid() != 0:
        return "Samba's AD DC serves LDAP on port 389/636 and needs root"
    return ""


class PortsTaken(RuntimeError):
    pass


# CI runs the suite on SQLite and on PostgreSQL at once: the two runs take turns.
LOCK = Path(tempfile.gettempdir()) / "portal-samba-dc.lock"


class SambaDC:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="samba-dc-"))
        self.certificates: dict[str, Path] = {}
        self._process: subprocess.Popen | None = None
        self._lock = None

    def start(self) -> SambaDC:
        import fcntl

        self._lock = LOCK.open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)  # waits while the other run's DC serves
        for port in (389, 636):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    self.stop()
                    raise PortsTaken(f"port {port} is taken on 127.0.0.1")
        self.certificates = make_certificates(self.root)
        os.chmod(self.certificates["key"], 0o600)  # Samba refuses a readable key
        target = self.root / "dc"
        options = {
            "interfaces": "lo",
            "bind interfaces only": "yes",
            "server services": "ldap",
            "tls enabled": "yes",
            "tls keyfile": self.certificates["key"],
            "tls certfile": self.certificates["cert"],
            "tls cafile": self.certificates["ca"],
        }
        subprocess.run(
            [  # noqa: S603
                SAMBA_TOOL,
                "domain",
                "provision",
                f"--realm={REALM}",
                f"--domain={DOMAIN}",
                "--server-role=dc",
                "--dns-backend=NONE",
                f"--adminpass={ADMIN_PASSWORD}",
                f"--targetdir={target}",
                *[f"--option={name}={value}" for name, value in options.items()],
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        self._process = subprocess.Popen(  # noqa: S603
            [SAMBA, "-i", "-M", "single", "-s", str(target / "etc" / "smb.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", 636)) == 0:
                    return self
            if self._process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("Samba's AD DC did not start")

    def admin(self):
        """A connection as the domain's administrator, over LDAPS."""
        import ldap

        connection = ldap.initialize(LDAPS_URI)
        connection.set_option(ldap.OPT_REFERRALS, 0)
        connection.set_option(ldap.OPT_X_TLS_CACERTFILE, str(self.certificates["ca"]))
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        connection.simple_bind_s(ADMIN, ADMIN_PASSWORD)
        return connection

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None


def add_ou(connection, dn: str) -> None:
    connection.add_s(dn, [("objectClass", [b"organizationalUnit"])])


def add_group(connection, dn: str, name: str, members: list[str]) -> None:
    attributes = [("objectClass", [b"group"]), ("sAMAccountName", [name.encode()])]
    if members:
        attributes.append(("member", [m.encode() for m in members]))
    connection.add_s(dn, attributes)


def add_user(
    connection,
    dn: str,
    *,
    login: str,
    number: str,
    first: str,
    last: str,
    department: str,
    manager: str = "",
    disabled: bool = False,
) -> None:
    """An account as the city's AD has it; the password is set over LDAPS (unicodePwd)."""
    attributes = [
        ("objectClass", [b"user"]),
        ("sAMAccountName", [login.encode()]),
        ("userPrincipalName", [f"{login}@kassel.test".encode()]),
        ("givenName", [first.encode()]),
        ("sn", [last.encode()]),
        ("mail", [f"{login}@kassel.de".encode()]),
        ("employeeID", [number.encode()]),
        ("department", [department.encode()]),
        ("unicodePwd", [f'"{USER_PASSWORD}"'.encode("utf-16-le")]),
        ("userAccountControl", [b"514" if disabled else b"512"]),
    ]
    if manager:
        attributes.append(("manager", [manager.encode()]))
    connection.add_s(dn, attributes)

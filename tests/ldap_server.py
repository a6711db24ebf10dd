"""A real OpenLDAP server (Debian's slapd) on loopback with the city's demo directory."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.mail_server import free_port

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
BASE_DN = "dc=kassel,dc=de"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "directory-secret"  # noqa: S105 - throw-away test server
PEOPLE = f"ou=people,{BASE_DN}"
GROUPS = f"ou=groups,{BASE_DN}"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {root}/slapd.pid
database mdb
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {root}/db
maxsize 10485760
"""


def person(uid: str, number: str, first: str, last: str, unit: str, manager: str = "") -> str:
    lines = [
        f"dn: uid={uid},{PEOPLE}",
        "objectClass: inetOrgPerson",
        f"uid: {uid}",
        f"cn: {first} {last}",
        f"sn: {last}",
        f"givenName: {first}",
        f"mail: {uid}@kassel.de",
        f"employeeNumber: {number}",
        f"departmentNumber: {unit}",
        f"userPassword: {uid}-passwort",
    ]
    if manager:
        lines.append(f"manager: uid={manager},{PEOPLE}")
    return "\n".join(lines)


def group(cn: str, *members: str) -> str:
    return "\n".join(
        [f"dn: cn={cn},{GROUPS}", "objectClass: groupOfNames", f"cn: {cn}"]
        + [f"member: uid={m},{PEOPLE}" for m in members]
    )


DEMO_LDIF = (
    "\n\n".join(
        [
            f"dn: {BASE_DN}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
            "o: Stadt Kassel\ndc: kassel",
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
            f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups",
            person("gleitner", "1111", "Greta", "Leitner", "10.1", manager="ahauptmann"),
            person("ahauptmann", "1124", "Albert", "Hauptmann", "10"),
            person("hmustermann", "2001", "Hans", "Mustermann", "10.1", manager="gleitner"),
            person("sstandke", "3004", "Stefan", "Standke", "34"),
            group("gg-standesamt", "sstandke"),
            group("gg-fuehrungskraefte", "gleitner", "ahauptmann"),
        ]
    )
    + "\n"
)


class LDAPServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="slapd-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def start(self) -> LDAPServer:
        (self.root / "db").mkdir()
        config = self.root / "slapd.conf"
        config.write_text(
            CONFIG.format(root=self.root, base=BASE_DN, admin=ADMIN_DN, password=ADMIN_PASSWORD)
        )
        ldif = self.root / "demo.ldif"
        ldif.write_text(DEMO_LDIF)
        subprocess.run(
            [SLAPADD, "-f", str(config), "-l", str(ldif)],  # noqa: S603
            check=True,
            capture_output=True,
        )
        self._process = subprocess.Popen(  # noqa: S603
            [SLAPD, "-f", str(config), "-h", f"{self.uri}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("slapd did not start")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            self._process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def slapd_available() -> bool:
    return os.path.exists(SLAPD) and os.path.exists("/etc/ldap/schema/inetorgperson.schema")

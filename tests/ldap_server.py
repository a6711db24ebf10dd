"""A real OpenLDAP server (Debian's slapd) on loopback with the city's demo directory.

The directory comes in two styles: OpenLDAP's own attributes (uid, employeeNumber,
departmentNumber) and Active Directory's (sAMAccountName, employeeID, department,
userAccountControl; a small schema gives slapd those attribute types). The server can
limit the entries per search (``sizelimit``, like AD's MaxPageSize), hold thousands of
generated employees, and speak LDAPS and StartTLS with a certificate of a throw-away CA.
"""

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
# The portal's service account: an ordinary entry, so that the server's limits apply to
# it (slapd's rootdn has none).
SERVICE_DN = f"cn=svc-portal,{BASE_DN}"
SERVICE_PASSWORD = "service-secret"  # noqa: S105 - throw-away test server

OPENLDAP = "openldap"
ACTIVE_DIRECTORY = "active_directory"

# Active Directory's attribute types (their real OIDs) for slapd, and an auxiliary class.
AD_SCHEMA = """\
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.35 NAME 'employeeID'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.77.1 NAME 'adStyleUser' SUP top AUXILIARY
  MAY ( sAMAccountName $ employeeID $ userAccountControl $ department ) )
"""

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include {root}/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {root}/slapd.pid
{tls}
{limits}
database mdb
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {root}/db
maxsize 104857600
"""

NORMAL_ACCOUNT, DISABLED_ACCOUNT = 512, 514  # userAccountControl (0x2: disabled)


def person(
    uid: str,
    number: str,
    first: str,
    last: str,
    unit: str,
    manager: str = "",
    *,
    style: str = OPENLDAP,
    disabled: bool = False,
) -> str:
    lines = [
        f"dn: uid={uid},{PEOPLE}",
        "objectClass: inetOrgPerson",
        *(["objectClass: adStyleUser"] if style == ACTIVE_DIRECTORY else []),
        f"uid: {uid}",
        f"cn: {first} {last}",
        f"sn: {last}",
        f"givenName: {first}",
        f"mail: {uid}@kassel.de",
        f"userPassword: {uid}-passwort",
    ]
    if style == ACTIVE_DIRECTORY:
        lines += [
            f"sAMAccountName: {uid}",
            f"employeeID: {number}",
            f"department: {unit}",
            f"userAccountControl: {DISABLED_ACCOUNT if disabled else NORMAL_ACCOUNT}",
        ]
    else:
        lines += [f"employeeNumber: {number}", f"departmentNumber: {unit}"]
    if manager:
        lines.append(f"manager: uid={manager},{PEOPLE}")
    return "\n".join(lines)


def group(cn: str, *members: str) -> str:
    return "\n".join(
        [f"dn: cn={cn},{GROUPS}", "objectClass: groupOfNames", f"cn: {cn}"]
        + [f"member: uid={m},{PEOPLE}" for m in members]
    )


def demo_ldif(style: str = OPENLDAP, extra_employees: int = 0) -> str:
    people = [
        person("gleitner", "1111", "Greta", "Leitner", "10.1", manager="ahauptmann", style=style),
        person("ahauptmann", "1124", "Albert", "Hauptmann", "10", style=style),
        person(
            "hmustermann", "2001", "Hans", "Mustermann", "10.1", manager="gleitner", style=style
        ),
        person("sstandke", "3004", "Stefan", "Standke", "34", style=style),
    ]
    people += [
        person(f"m{n:05d}", f"9{n:05d}", "Mitarbeiterin", f"Nummer{n}", "10.1", style=style)
        for n in range(extra_employees)
    ]
    return (
        "\n\n".join(
            [
                f"dn: {BASE_DN}\nobjectClass: top\nobjectClass: dcObject\n"
                "objectClass: organization\no: Stadt Kassel\ndc: kassel",
                f"dn: {SERVICE_DN}\nobjectClass: person\ncn: svc-portal\nsn: Portal\n"
                f"userPassword: {SERVICE_PASSWORD}",
                f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
                f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups",
                *people,
                group("gg-standesamt", "sstandke"),
                group("gg-fuehrungskraefte", "gleitner", "ahauptmann"),
            ]
        )
        + "\n"
    )


def make_certificates(directory: Path) -> dict[str, Path]:
    """A throw-away CA and a server certificate for localhost / 127.0.0.1 (openssl)."""
    ca_key, ca_cert = directory / "ca.key", directory / "ca.pem"
    key, request, cert = (
        directory / "server.key",
        directory / "server.csr",
        directory / "server.pem",
    )
    ext = directory / "server.ext"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: S603, S607

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=Test-CA Stadt Kassel", "-keyout", str(ca_key), "-out", str(ca_cert))  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-keyout", str(key), "-out", str(request))  # fmt: skip
    openssl("x509", "-req", "-in", str(request), "-CA", str(ca_cert), "-CAkey", str(ca_key),
            "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(cert))  # fmt: skip
    os.chmod(key, 0o644)  # slapd may run as another user
    return {"ca": ca_cert, "cert": cert, "key": key}


class LDAPServer:
    def __init__(
        self,
        *,
        style: str = OPENLDAP,
        extra_employees: int = 0,
        sizelimit: int | None = None,
        tls: bool = False,
    ) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="slapd-"))
        self.style = style
        self.extra_employees = extra_employees
        self.sizelimit = sizelimit
        self.tls = tls
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.tls_port = free_port() if tls else None
        self.ldaps_uri = f"ldaps://127.0.0.1:{self.tls_port}" if tls else ""
        self.certificates: dict[str, Path] = {}
        self._process: subprocess.Popen | None = None

    def start(self) -> LDAPServer:
        (self.root / "db").mkdir()
        (self.root / "ad.schema").write_text(AD_SCHEMA)
        tls = ""
        if self.tls:
            self.certificates = make_certificates(self.root)
            tls = (
                f"TLSCACertificateFile {self.certificates['ca']}\n"
                f"TLSCertificateFile {self.certificates['cert']}\n"
                f"TLSCertificateKeyFile {self.certificates['key']}"
            )
        limits = ""
        if self.sizelimit:
            # like AD's MaxPageSize: a plain search stops here; paged results go on
            limits = (
                f"sizelimit size.soft={self.sizelimit} size.hard={self.sizelimit} "
                "size.prtotal=unlimited"
            )
        config = self.root / "slapd.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                base=BASE_DN,
                admin=ADMIN_DN,
                password=ADMIN_PASSWORD,
                tls=tls,
                limits=limits,
            )
        )
        ldif = self.root / "demo.ldif"
        ldif.write_text(demo_ldif(self.style, self.extra_employees))
        subprocess.run(
            [SLAPADD, "-q", "-f", str(config), "-l", str(ldif)],  # noqa: S603
            check=True,
            capture_output=True,
        )
        urls = f"{self.uri}/"
        if self.tls:
            urls += f" ldaps://127.0.0.1:{self.tls_port}/"
        self._process = subprocess.Popen(  # noqa: S603
            [SLAPD, "-f", str(config), "-h", urls, "-d", "0"],
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

    def admin(self):
        """A connection as the directory's administrator (to change entries in a test)."""
        import ldap

        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return connection

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            self._process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def slapd_available() -> bool:
    return os.path.exists(SLAPD) and os.path.exists("/etc/ldap/schema/inetorgperson.schema")

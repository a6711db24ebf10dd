"""xdomea 3.0.0 messages: written, validated against the official XSD, packed, read back.

Pure functions over plain data (:class:`Record`, :class:`Document`, …): nothing here
touches the database, so the messages can be tested against the schema on their own.
The services (:mod:`portal_site.records.filing`) turn a case into this data.

Messages the portal writes (the case system, *Fachverfahren*, filing in the e-file,
*DMS*; family ``FVDaten``, chosen as follows):

- ``0604 FVDaten.SGOErstellen`` creates the case's record in the e-file: one *Vorgang*
  with its metadata, the applicant as a *Kontakt*, the timeline as history entries and
  every document with its primary file. 0604, not 0605, because the record does not
  exist in the e-file yet (0605 files objects *into* an existing one).
- ``0605 FVDaten.SGOAblegen`` files documents created after the first filing into that
  record (``Ablageort``/``IDContainer``: the e-file's id of the record).
- ``0610 FVDaten.MetadatenAktualisieren`` updates the record's metadata (status, closed
  on, Aktenzeichen) when the case changes after it was filed.

Messages it reads: ``0629 FVDaten.EmpfangBestaetigen`` (received) and
``0630 FVDaten.ImportBestaetigen`` (imported or refused, with the e-file's id).

A message travels as a ZIP container holding the XML, named
``{ProzessID}_{Nachrichtenname}.xml``, and the primary documents it names; the container
is named like the XML with ``.zip``. Every message is validated against the official
schema (:func:`validate`) before it leaves and when it arrives.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.ElementTree import ParseError as SafeParseError
from django.conf import settings

NS = "urn:xoev-de:xdomea:schema:3.0.0"
ET.register_namespace("xdomea", NS)

MESSAGE_NAMES = {
    "0301": "Aktenplan.Aktenplan",
    "0302": "Aktenplan.EmpfangBestaetigen",
    "0501": "Aussonderung.Anbieteverzeichnis",
    "0502": "Aussonderung.Bewertungsverzeichnis",
    "0503": "Aussonderung.Aussonderung",
    "0504": "Aussonderung.AnbietungEmpfangBestaetigen",
    "0505": "Aussonderung.BewertungEmpfangBestaetigen",
    "0506": "Aussonderung.AussonderungImportBestaetigen",
    "0507": "Aussonderung.AussonderungEmpfangBestaetigen",
    "0604": "FVDaten.SGOErstellen",
    "0605": "FVDaten.SGOAblegen",
    "0610": "FVDaten.MetadatenAktualisieren",
    "0629": "FVDaten.EmpfangBestaetigen",
    "0630": "FVDaten.ImportBestaetigen",
}
# Versions of the code lists used (XRepository, valid for xdomea 3.0.0).
NACHRICHTENTYP_VERSION = "2.0"
DATEIFORMAT_VERSION = "2.0"
MEDIUM_VERSION = "1.0"
ELECTRONIC = "001"  # Medium: the object exists in electronic form only
SUCCESS = "0000000"  # AllgemeineRueckmeldung: executed successfully
ALREADY_PROCESSED = "0000009"  # the receiver had processed this ProzessID before

# Dateiformat code list: file name extension -> code (100: other).
FORMAT_CODES = {
    "bmp": "001",
    "csv": "002",
    "eml": "006",
    "htm": "007",
    "html": "008",
    "jpeg": "010",
    "jpg": "011",
    "odt": "015",
    "pdf": "018",
    "png": "019",
    "rtf": "022",
    "tif": "023",
    "tiff": "024",
    "xml": "030",
    "docx": "035",
    "xlsx": "036",
    "txt": "045",
}
PDF_A = "044"
OTHER_FORMAT = "100"


class InvalidMessage(ValueError):
    """A message does not satisfy the xdomea 3.0.0 schema (or is no xdomea message)."""


@dataclass(frozen=True)
class Party:
    name: str
    email: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    actor: str
    action: str


@dataclass(frozen=True)
class Document:
    id: str  # UUID, ours, stable across retries
    title: str
    filename: str  # in the container: starts with the id, as the schema wants
    original_name: str
    created_at: datetime.datetime
    archival: bool = False  # PDF/A
    kind: str = ""

    @property
    def format_code(self) -> str:
        if self.archival:
            return PDF_A
        extension = (
            self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else ""
        )
        return FORMAT_CODES.get(extension, OTHER_FORMAT)


@dataclass(frozen=True)
class FilePlanUnit:
    code: str
    title: str


@dataclass
class Record:
    """A case as the e-file keeps it (a *Vorgang*)."""

    id: str  # UUID of the Vorgang
    number: str  # the case number (the portal's object id)
    subject: str
    reference: str  # Aktenzeichen
    office: str
    process: str
    status: str
    channel: str
    opened: datetime.date
    closed: datetime.date | None
    file_plan: FilePlanUnit | None = None
    disposal: str = ""  # Aussonderungsart the file plan proposes: A, B or V
    retention_years: int | None = None
    parties: list[Party] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


@dataclass(frozen=True)
class Correspondents:
    """Who sends (the city and office) and who receives (the e-file or archive)."""

    institution: str
    office: str
    receiver: str
    system: str = "Bürgerportal"
    system_version: str = ""
    sender_id: str = "portal"


def _el(parent: ET.Element, name: str, text: object = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = _text(text)
    return element


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _code(parent: ET.Element, name: str, code: str, *, list_uri: str, version: str) -> None:
    element = _el(parent, name)
    element.set("listURI", list_uri)
    element.set("listVersionID", version)
    ET.SubElement(element, "code").text = code  # unqualified, as XÖV codes are


def _electronic(parent: ET.Element) -> None:
    _code(
        parent,
        "Medium",
        ELECTRONIC,
        list_uri="urn:xoev-de:xdomea:codeliste:medium",
        version=MEDIUM_VERSION,
    )


def is_uuid(value: str) -> bool:
    """Whether ``value`` is a UUID (the schema's IDs, ProzessIDs)."""
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _contact(parent: ET.Element, name: str, *, institution: str, office: str = "") -> None:
    contact = _el(parent, name)
    if institution:
        _el(_el(contact, "Institution"), "Name", institution)
    if office:
        _el(_el(contact, "Organisationseinheit"), "Name", office)


def _basic_head(
    root: ET.Element, code: str, process_id: str, to: Correspondents, now, *, answer=False
) -> ET.Element:
    """The head every message has (NkBasisType); ``answer``: written by the receiver."""
    head = _el(root, "Kopf")
    _el(head, "ProzessID", process_id)
    kind = _el(head, "Nachrichtentyp")
    kind.set("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp")
    kind.set("listVersionID", NACHRICHTENTYP_VERSION)
    ET.SubElement(kind, "code").text = code
    ET.SubElement(kind, "name").text = MESSAGE_NAMES[code]
    _el(head, "Erstellungszeitpunkt", now)
    if answer:
        _contact(head, "Absender", institution=to.receiver)
        _contact(head, "Empfaenger", institution=to.institution, office=to.office)
        return head
    _contact(head, "Absender", institution=to.institution, office=to.office)
    _contact(head, "Empfaenger", institution=to.receiver)
    system = _el(head, "SendendesSystem")
    _el(system, "Produktname", to.system)
    if to.system_version:
        _el(system, "Version", to.system_version)
    return head


def _head(root: ET.Element, code: str, process_id: str, to: Correspondents, now) -> None:
    head = _basic_head(root, code, process_id, to, now)
    _el(head, "Empfangsbestaetigung", True)
    _el(head, "Importbestaetigung", True)
    _el(head, "Erstellerkennung", to.sender_id)
    _el(head, "Stapel", False)


def _history(parent: ET.Element, entries: list[HistoryEntry]) -> None:
    for entry in entries:
        item = _el(parent, "HistorienProtokollInformation")
        _el(item, "Akteur", entry.actor or "-")
        _el(item, "DatumUhrzeit", entry.at)
        _el(item, "Aktion", entry.action or "-")


def _document(parent: ET.Element, document: Document, position: int) -> None:
    element = _el(parent, "Dokument")
    identification = _el(element, "Identifikation")
    _el(identification, "ID", document.id)
    _el(identification, "NummerImUebergeordnetenContainer", position)
    general = _el(element, "AllgemeineMetadaten")
    _el(general, "Betreff", document.title)
    _electronic(general)
    _el(element, "DatumDesSchreibens", document.created_at.date())
    if document.kind:
        _el(element, "Typ", document.kind)
    version = _el(element, "Version")
    _el(version, "Nummer", "1")
    file_format = _el(version, "Format")
    _code(
        file_format,
        "Name",
        document.format_code,
        list_uri="urn:xoev-de:xdomea:codeliste:dateiformat",
        version=DATEIFORMAT_VERSION,
    )
    _el(file_format, "Version", "")
    primary = _el(file_format, "Primaerdokument")
    _el(primary, "Dateiname", document.filename)
    _el(primary, "DateinameOriginal", document.original_name)
    _el(primary, "DatumUhrzeit", document.created_at)


def _general(parent: ET.Element, record: Record) -> None:
    general = _el(parent, "AllgemeineMetadaten")
    _el(general, "Betreff", record.subject)
    if record.reference:
        _el(general, "Kennzeichen", record.reference)
    if record.office:
        _el(general, "Federfuehrung", record.office)
    _electronic(general)
    if record.file_plan is not None:
        unit = _el(general, "Aktenplaneinheit")
        _el(unit, "Kennzeichen", record.file_plan.code)
        _el(unit, "Inhaltsangabe", record.file_plan.title)


def _party(parent: ET.Element, party: Party) -> None:
    contact = _el(parent, "Kontakt")
    if party.organisation:
        _el(_el(contact, "Institution"), "Name", party.organisation)
    if party.name:
        given, _sep, family = party.name.strip().rpartition(" ")
        person = _el(contact, "Name")
        _el(_el(person, "Familienname"), "Name", family or given)
        if given and family:
            _el(_el(person, "Vorname"), "Name", given)
    _el(contact, "Zustaendigkeit", "Antragsteller/in")
    if party.email:
        channel = _el(contact, "Kommunikation")
        _el(channel, "Kennung", party.email)


def _portal_fields(parent: ET.Element, fields: dict[str, str]) -> None:
    extension = _el(parent, "AnwendungsspezifischeErweiterung")
    _el(extension, "Kennung", "portal")
    _el(extension, "Name", "Bürgerportal")
    for name, value in fields.items():
        item = _el(extension, "Feld")
        _el(item, "Name", name)
        _el(item, "Wert", value)


def _archival(parent: ET.Element, record: Record) -> None:
    if not record.disposal and record.retention_years is None:
        return
    archival = _el(parent, "ArchivspezifischeMetadaten")
    if record.retention_years is not None:
        _el(_el(archival, "Aufbewahrungsdauer"), "AnzahlJahre", record.retention_years)
    if record.disposal:
        kind = _el(archival, "Aussonderungsart")
        _code(
            kind,
            "Aussonderungsart",
            record.disposal,
            list_uri="urn:xoev-de:xdomea:codeliste:aussonderungsart",
            version="1.0",
        )


def _vorgang(parent: ET.Element, record: Record, *, documents: bool = True) -> None:
    vorgang = _el(parent, "Vorgang")
    _el(_el(vorgang, "Identifikation"), "ID", record.id)
    _general(vorgang, record)
    _archival(vorgang, record)
    _el(vorgang, "Typ", record.process)
    _el(vorgang, "ZdA", record.closed is not None)
    if record.closed is not None:
        _el(vorgang, "ZdADatum", record.closed)
    period = _el(vorgang, "Laufzeit")
    _el(period, "Beginn", record.opened)
    if record.closed is not None:
        _el(period, "Ende", record.closed)
    _history(vorgang, record.history)
    for position, document in enumerate(record.documents if documents else [], start=1):
        _document(vorgang, document, position)
    for party in record.parties:
        _party(vorgang, party)
    _portal_fields(vorgang, record_fields(record))


def record_fields(record: Record) -> dict[str, str]:
    """The portal's own metadata of a record (also what a 0610 update carries)."""
    return {
        "Vorgangsnummer": record.number,
        "Aktenzeichen": record.reference,
        "Verfahren": record.process,
        "Status": record.status,
        "Eingangskanal": record.channel,
        "Abgeschlossen am": _text(record.closed) if record.closed else "",
    }


def _serialise(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def create_record(
    *, process_id: str, to: Correspondents, record: Record, now: datetime.datetime
) -> bytes:
    """0604 FVDaten.SGOErstellen: the record with its documents, for an e-file that has
    not seen the case yet."""
    root = ET.Element(f"{{{NS}}}FVDaten.SGOErstellen.0604")
    _head(root, "0604", process_id, to, now)
    item = _el(root, "SchriftgutobjektZumErstellen")
    _el(item, "FachverfahrenObjektID", record.number)
    _vorgang(_el(item, "Schriftgutobjekt"), record)
    return _serialise(root)


def file_documents(
    *,
    process_id: str,
    to: Correspondents,
    number: str,
    container_id: str,
    documents: list[Document],
    now: datetime.datetime,
) -> bytes:
    """0605 FVDaten.SGOAblegen: documents filed into the record the e-file already has
    (``container_id``: its id there)."""
    if not documents:
        raise ValueError("A 0605 message files at least one document.")
    root = ET.Element(f"{{{NS}}}FVDaten.SGOAblegen.0605")
    _head(root, "0605", process_id, to, now)
    for position, document in enumerate(documents, start=1):
        item = _el(root, "SchriftgutobjektZumAblegen")
        _el(item, "NummerImStapel", position)
        _el(item, "FachverfahrenObjektID", f"{number}/{document.id}")
        _el(item, "IDContainer", container_id)
        _document(_el(item, "Schriftgutobjekt"), document, position)
        _el(item, "Ablageort", container_id)
    return _serialise(root)


def update_metadata(
    *,
    process_id: str,
    to: Correspondents,
    record_id: str,
    fields: dict[str, str],
    now: datetime.datetime,
) -> bytes:
    """0610 FVDaten.MetadatenAktualisieren: new values of the record's metadata."""
    root = ET.Element(f"{{{NS}}}FVDaten.MetadatenAktualisieren.0610")
    _head(root, "0610", process_id, to, now)
    item = _el(root, "MetadatenZumAktualisieren")
    _el(item, "IDSGO", record_id)
    for name, value in fields.items():
        entry = _el(item, "Metadatum")
        _el(entry, "Name", name)
        _el(entry, "Wert", value)
    return _serialise(root)


# --- Aussonderung: handing closed records to the archive -------------------------------


def offer_list(
    *, process_id: str, to: Correspondents, records: list[Record], now: datetime.datetime
) -> bytes:
    """0501 Aussonderung.Anbieteverzeichnis: the records offered to the archive, with their
    metadata and the file plan's proposal, without their documents."""
    root = ET.Element(f"{{{NS}}}Aussonderung.Anbieteverzeichnis.0501")
    head = _basic_head(root, "0501", process_id, to, now)
    _el(head, "Empfangsbestaetigung", True)
    for record in records:
        _vorgang(_el(root, "Schriftgutobjekt"), record, documents=False)
    return _serialise(root)


def hand_over(
    *, process_id: str, to: Correspondents, records: list[Record], now: datetime.datetime
) -> bytes:
    """0503 Aussonderung.Aussonderung: the records the archive chose, with every document."""
    root = ET.Element(f"{{{NS}}}Aussonderung.Aussonderung.0503")
    head = _basic_head(root, "0503", process_id, to, now)
    _el(head, "Importbestaetigung", True)
    _el(head, "RueckmeldungArchivkennung", True)
    _el(head, "Empfangsbestaetigung", True)
    for record in records:
        _vorgang(_el(root, "Schriftgutobjekt"), record)
    return _serialise(root)


def confirmation(
    *, code: str, process_id: str, to: Correspondents, now: datetime.datetime, answer: bool
) -> bytes:
    """A bare receipt (0504, 0505, 0507): ``answer`` when the archive writes it."""
    root = ET.Element(f"{{{NS}}}{MESSAGE_NAMES[code]}.{code}")
    _basic_head(root, code, process_id, to, now, answer=answer)
    return _serialise(root)


def appraisal(
    *, process_id: str, to: Correspondents, decisions: dict[str, str], now: datetime.datetime
) -> bytes:
    """0502 Aussonderung.Bewertungsverzeichnis as an archive writes it (``decisions``:
    record id -> A archive / V destroy); for the demo archive and the tests."""
    root = ET.Element(f"{{{NS}}}Aussonderung.Bewertungsverzeichnis.0502")
    head = _basic_head(root, "0502", process_id, to, now, answer=True)
    _el(head, "Empfangsbestaetigung", True)
    for record_id, decision in decisions.items():
        item = _el(root, "BewertetesObjekt")
        _el(item, "ID", record_id)
        _code(
            _el(item, "Aussonderungsart"),
            "Aussonderungsart",
            decision,
            list_uri="urn:xoev-de:xdomea:codeliste:aussonderungsart",
            version="1.0",
        )
    return _serialise(root)


def import_result(
    *,
    process_id: str,
    to: Correspondents,
    results: dict[str, tuple[bool, str]],
    now: datetime.datetime,
) -> bytes:
    """0506 Aussonderung.AussonderungImportBestaetigen as an archive writes it
    (``results``: record id -> (imported, archive reference or error))."""
    root = ET.Element(f"{{{NS}}}Aussonderung.AussonderungImportBestaetigen.0506")
    _basic_head(root, "0506", process_id, to, now, answer=True)
    for record_id, (imported, text) in results.items():
        item = _el(root, "AusgesondertesSGO")
        _el(item, "IDSGO", record_id)
        _el(item, "Erfolgreich", imported)
        if imported:
            _el(item, "Archivkennung", text)
        else:
            _el(item, "Fehlermeldung", text)
    return _serialise(root)


@dataclass(frozen=True)
class ArchiveAnswer:
    process_id: str
    code: str
    decisions: dict[str, str] = field(default_factory=dict)  # 0502: id -> A / V
    results: dict[str, tuple[bool, str]] = field(default_factory=dict)  # 0506


def read_archive_answer(xml: bytes) -> ArchiveAnswer:
    """An archive's 0502, 0504, 0506 or 0507, validated; raises :class:`InvalidMessage`."""
    validate(xml)
    root = SafeET.fromstring(xml)
    code = root.tag.rsplit(".", 1)[-1]
    if code not in ("0502", "0504", "0506", "0507"):
        raise InvalidMessage(f"message {code} is no answer of an archive")
    process_id = _find_text(root, "x:Kopf/x:ProzessID")
    decisions: dict[str, str] = {}
    results: dict[str, tuple[bool, str]] = {}
    for item in root.iterfind("x:BewertetesObjekt", {"x": NS}):
        decision = (
            item.findtext("x:Aussonderungsart/x:Aussonderungsart/code", "", {"x": NS}) or ""
        ).strip()
        decisions[_find_text(item, "x:ID")] = decision
    for item in root.iterfind("x:AusgesondertesSGO", {"x": NS}):
        imported = _find_text(item, "x:Erfolgreich") in ("true", "1")
        text = (
            _find_text(item, "x:Archivkennung")
            if imported
            else "; ".join(
                (e.text or "").strip() for e in item.iterfind("x:Fehlermeldung", {"x": NS})
            )
        )
        results[_find_text(item, "x:IDSGO")] = (imported, text)
    return ArchiveAnswer(process_id, code, decisions, results)


# --- schema ---------------------------------------------------------------------------


def schema_path() -> Path:
    folder = getattr(settings, "XDOMEA_SCHEMA_DIR", "") or Path(__file__).parent / "schemas"
    return Path(folder) / "3.0.0" / "xdomea.xsd"


@lru_cache(maxsize=2)
def _schema(path: str):
    import xmlschema  # about 2 s to build the 3.0.0 schema: once per process

    return xmlschema.XMLSchema(path)


def schema():
    return _schema(str(schema_path()))


def validate(xml: bytes) -> None:
    """Raise :class:`InvalidMessage` naming the first violation of the official schema."""
    try:
        document = SafeET.fromstring(xml)
    except (SafeET.ParseError, ValueError) as exc:
        raise InvalidMessage(f"not well-formed XML: {exc}") from exc
    error = next(schema().iter_errors(document), None)
    if error is not None:
        reason = error.reason or str(error)
        where = (getattr(error, "path", "") or "").replace(f"{{{NS}}}", "")
        raise InvalidMessage(f"{reason} ({where})" if where else reason)
    if not isinstance(document.tag, str) or not document.tag.startswith(f"{{{NS}}}"):
        raise InvalidMessage("not an xdomea 3.0.0 message")


# --- container ------------------------------------------------------------------------


def message_code(xml: bytes) -> str:
    try:
        root = SafeET.fromstring(xml)
    except (SafeParseError, ValueError) as exc:
        raise InvalidMessage(f"not well-formed XML: {exc}") from exc
    return str(root.tag).rsplit(".", 1)[-1]


def base_name(process_id: str, code: str) -> str:
    return f"{process_id}_{MESSAGE_NAMES[code]}"


def pack(*, process_id: str, xml: bytes, files: dict[str, bytes]) -> tuple[str, bytes]:
    """The ZIP container of a validated message: (its file name, its bytes)."""
    validate(xml)
    name = base_name(process_id, message_code(xml))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(f"{name}.xml", (2000, 1, 1, 0, 0, 0)), xml)
        for filename, content in sorted(files.items()):
            info = zipfile.ZipInfo(filename, (2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return f"{name}.zip", buffer.getvalue()


MAX_CONTAINER_MEMBERS = 10_000


def unpack(content: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The message and the files of a received container (or a bare XML message)."""
    if content.lstrip()[:1] == b"<":
        return content, {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise InvalidMessage("neither a ZIP container nor an XML message") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_CONTAINER_MEMBERS:
            raise InvalidMessage("too many files in the container")
        messages = [m for m in members if m.filename.endswith(".xml") and "_" in m.filename]
        if len(messages) != 1:
            raise InvalidMessage("the container holds no single xdomea message")
        files = {
            m.filename: archive.read(m) for m in members if m is not messages[0] and not m.is_dir()
        }
        return archive.read(messages[0]), files


# --- receipts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    process_id: str
    code: str  # 0629 received, 0630 imported (or refused)
    success: bool | None  # None: a receipt of arrival only
    object_id: str = ""  # the e-file's id of what was created (IDSGO)
    location: str = ""  # where it was filed (Ablageort)
    messages: tuple[str, ...] = ()


def _find_text(element, path: str) -> str:
    found = element.find(path, {"x": NS})
    return (found.text or "").strip() if found is not None and found.text else ""


def read_receipt(xml: bytes) -> Receipt:
    """A receiver's 0629/0630, validated; raises :class:`InvalidMessage`."""
    validate(xml)
    root = SafeET.fromstring(xml)
    code = root.tag.rsplit(".", 1)[-1]
    if code not in ("0629", "0630"):
        raise InvalidMessage(f"message {code} is not a receipt of the e-file")
    process_id = _find_text(root, "x:Kopf/x:ProzessID")
    if code == "0629":
        return Receipt(process_id=process_id, code=code, success=None)
    messages: list[str] = []
    codes: list[str] = []
    for feedback in root.iterfind(".//x:Rueckmeldung/*", {"x": NS}):
        code_value = (feedback.findtext("code") or "").strip()
        text = (feedback.findtext("name") or feedback.text or "").strip()
        if code_value:
            codes.append(code_value)
        if text or code_value:
            messages.append(" ".join(part for part in (code_value, text) if part))
    results = root.findall(".//x:Rueckgabeparameter", {"x": NS})
    flags = [_find_text(r, "x:Erfolgreich") for r in results]
    success = all(flag in ("true", "1") for flag in flags) if flags else None
    if success is None:
        success = bool(codes) and all(c in (SUCCESS, ALREADY_PROCESSED) for c in codes)
    elif codes and not all(c in (SUCCESS, ALREADY_PROCESSED) for c in codes):
        success = success and ALREADY_PROCESSED in codes
    object_id = next((_find_text(r, "x:IDSGO") for r in results if _find_text(r, "x:IDSGO")), "")
    location = next(
        (_find_text(r, "x:Parameter/x:Ablageort") for r in results if r is not None), ""
    )
    return Receipt(
        process_id=process_id,
        code=code,
        success=success,
        object_id=object_id,
        location=location,
        messages=tuple(messages),
    )


def import_confirmation(
    *,
    process_id: str,
    to: Correspondents,
    success: bool,
    object_id: str = "",
    location: str = "",
    feedback: str = SUCCESS,
    now: datetime.datetime,
) -> bytes:
    """0630 FVDaten.ImportBestaetigen as an e-file writes it: used by the demo e-file
    (:mod:`portal_site.records.demo_efile`), the stand-in receiver of the quick start and
    the tests."""
    root = ET.Element(f"{{{NS}}}FVDaten.ImportBestaetigen.0630")
    head = _el(root, "Kopf")
    _el(head, "ProzessID", process_id)
    kind = _el(head, "Nachrichtentyp")
    kind.set("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp")
    kind.set("listVersionID", NACHRICHTENTYP_VERSION)
    ET.SubElement(kind, "code").text = "0630"
    ET.SubElement(kind, "name").text = MESSAGE_NAMES["0630"]
    _el(head, "Erstellungszeitpunkt", now)
    _contact(head, "Absender", institution=to.receiver)
    _contact(head, "Empfaenger", institution=to.institution, office=to.office)
    _el(head, "FVSessionID", process_id)
    outcome = _el(root, "ErfolgOderMisserfolg")
    feedback_element = _el(_el(outcome, "Rueckmeldung"), "AllgemeineRueckmeldung")
    feedback_element.set("listURI", "urn:xoev-de:xdomea:codeliste:allgemeinerueckmeldung")
    feedback_element.set("listVersionID", "1.1")
    ET.SubElement(feedback_element, "code").text = feedback
    result = _el(outcome, "Rueckgabeparameter")
    if object_id:
        _el(result, "IDSGO", object_id)
    _el(_el(result, "Parameter"), "Ablageort", location or "-")
    _el(result, "Erfolgreich", success)
    return _serialise(root)

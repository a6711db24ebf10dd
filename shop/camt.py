"""Bank files in ISO 20022: read the credits of a statement or notification.

Reads account statements (camt.053, versions .001.02 and later), credit
notifications (camt.054), which many cash offices receive instead, and intraday
reports (camt.052). The result
is a list of :class:`Transaction` – one per ``TxDtls`` of an entry, so a batch
entry (Sammelbuchung) gives one payment per transfer – with everything the
matching in :mod:`shop.bank_import` needs:

- the Kassenzeichen candidates from ``Ustrd`` (all lines, joined),
  ``Strd/CdtrRefInf/Ref``, ``Strd/AddtlRmtInf``, the end-to-end id,
  ``AddtlTxInf`` and, for an entry with a single transfer, ``AddtlNtryInf``;
  spaces, dots, slashes and hyphens between digits are ignored and the check
  digit must fit;
- an identity (:attr:`Transaction.key`) that never relies on a placeholder
  such as ``NONREF`` alone: a real bank reference is combined with the
  transfer's position, amount and dates; without one, the statement's id and
  sequence number and the entry's position take its place;
- the booking date, falling back to the value date, then to the statement's
  date (both dates are optional in the schema);
- the bank's status: only ``BOOK`` is booked, ``PDNG`` and ``INFO`` are listed.

A file that is not what it claims to be raises :class:`StatementError` with a
German message saying why; nothing of it is imported.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from .references import is_valid_reference
from .services import ShopError


class StatementError(ShopError):
    pass


MAX_AMOUNT = Decimal("9999999999.99")  # what the payment tables store (12 digits, 2 places)

# What banks write where they have no reference of their own.
PLACEHOLDERS = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "N/A", "NA", "-"})

BOOKED = "BOOK"


@dataclass
class Transaction:
    """One credit or debit: a ``TxDtls`` of an entry, or the entry itself."""

    key: str
    position: str  # "3" or "3.2" (entry 3, its second transfer), for people
    status: str
    booked_on: date
    value_date: date | None
    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    debtor_name: str
    remittance: str
    end_to_end: str
    bank_reference: str
    references: list[str] = field(default_factory=list)

    @property
    def is_payment(self) -> bool:
        """A euro credit the bank has booked: the only thing that can pay an invoice."""
        return (
            self.credit
            and not self.reversal
            and self.currency == "EUR"
            and self.amount > 0
            and self.status == BOOKED
        )


@dataclass
class ParsedFile:
    message_type: str  # "camt.053" or "camt.054"
    version: str  # "001.08"
    statement_id: str
    iban: str
    covers_until: date | None
    transactions: list[Transaction]


# -- XML helpers ---------------------------------------------------------------


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _find(element, *path: str):
    for name in path:
        if element is None:
            return None
        element = next(iter(_children(element, name)), None)
    return element


def _text(element, *path: str) -> str:
    found = _find(element, *path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _texts(element, *path: str) -> list[str]:
    """The texts of every element at ``path`` (repeated elements on every level)."""
    level = [element] if element is not None else []
    for name in path:
        level = [child for parent in level for child in _children(parent, name)]
    return [" ".join((el.text or "").split()) for el in level if (el.text or "").strip()]


def statement_amount(text: str | None) -> Decimal:
    """A bank entry's amount: finite, not negative, at most 2 decimals and 12 digits.

    ``NaN``, ``Infinity``, ``1e9999`` or a 20-digit number would otherwise reach the
    database (SQLite even stores NaN, and every later page showing it fails).
    """
    value = Decimal((text or "").strip())
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise InvalidOperation("amount out of range")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidOperation("more than two decimals")
    return value.quantize(Decimal("0.01"))


def _date(element) -> date | None:
    """``Dt`` or ``DtTm`` of a date choice; None when absent, ValueError when invalid."""
    if element is None:
        return None
    text = _text(element, "Dt") or _text(element, "DtTm")
    if not text:
        return None
    return date.fromisoformat(text[:10])


def _status(entry) -> str:
    status = _find(entry, "Sts")
    if status is None:
        return BOOKED  # camt.054 notifications may leave it out: they report bookings
    return (_text(status, "Cd") or _text(status, "Prtry") or _text(entry, "Sts")).upper()


def _real_reference(value: str) -> str:
    return "" if value.strip().upper() in PLACEHOLDERS or not value.strip("0 ") else value.strip()


# -- references ----------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d+(?:[\s.\-/]+\d+)*")
_DIGITS = re.compile(r"\d+")
_CREDITOR_REFERENCE = re.compile(r"RF\d{2}(?=[\s]?\d)", re.IGNORECASE)


def references_in(text: str) -> list[str]:
    """Kassenzeichen (10 digits, valid check digit) in a text, best candidates first.

    Digit groups separated by spaces, dots, slashes or hyphens are joined when
    together they make 10 digits ("26 0001234 4", a reference split over two
    ``Ustrd`` lines); a group of exactly 10 digits comes before a joined one,
    and digits glued to more digits never count ("PLZ 34117 2600012344" finds
    the reference, "126000123445" finds nothing). An ISO 11649 creditor
    reference ``RFnn`` in front of the digits is skipped.
    """
    text = _CREDITOR_REFERENCE.sub(" ", text or "")
    found: list[tuple[int, int, str]] = []
    for order, run in enumerate(_DIGIT_RUN.finditer(text)):
        groups = _DIGITS.findall(run.group())
        for start in range(len(groups)):
            joined = ""
            for end in range(start, len(groups)):
                joined += groups[end]
                if len(joined) >= 10:
                    if len(joined) == 10 and is_valid_reference(joined):
                        found.append((end - start, order, joined))
                    break
    result: list[str] = []
    for _parts, _order, reference in sorted(found):
        if reference not in result:
            result.append(reference)
    return result


# -- parsing -------------------------------------------------------------------

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.(\d{3}\.\d{2})")
SUPPORTED = {
    "camt.053": ("BkToCstmrStmt", "Stmt"),
    "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
    # Intraday reports: only their booked entries pay, like a statement's.
    "camt.052": ("BkToCstmrAcctRpt", "Rpt"),
}


_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=", re.IGNORECASE)


def _parse_xml(content: bytes):
    """The document's root; the encoding is the one its XML declaration names.

    A file without a declared encoding that is not UTF-8 (some banks' exports)
    is read as Windows-1252, the superset of ISO-8859-1 German banks use.
    """
    try:
        return ElementTree.fromstring(content)
    except Exception as exc:  # defusedxml and expat raise several kinds
        if not _DECLARED_ENCODING.match(content) and not _is_utf8(content):
            try:
                return ElementTree.fromstring(content.decode("cp1252", errors="strict"))
            except Exception:  # noqa: BLE001, S110 - the first error is the one to report
                pass
        message = _("The file is not a readable XML bank statement.")
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        if detail:
            message += " " + _("Reason: %(detail)s") % {"detail": detail}
        raise StatementError(message) from exc


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _message_type(root) -> tuple[str, str]:
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    match = _NAMESPACE.fullmatch(namespace)
    if match:
        kind, version = match.groups()
        if kind == "camt.053" and version < "001.02":
            raise StatementError(
                _("Statements in version camt.053.001.01 are not supported (from .001.02 on).")
            )
        return kind, version
    # Without the ISO namespace: recognised by its elements, as lenient readers do.
    for kind, (container, _item) in SUPPORTED.items():
        if _find(root, container) is not None or _local(root.tag) == container:
            return kind, ""
    raise StatementError(
        _("The file contains no CAMT.053 statement (Stmt) and no CAMT.054 notification.")
    )


def parse_bank_file(content: bytes) -> ParsedFile:
    """Read a camt.053 statement or camt.054 notification; refuse it whole if broken."""
    root = _parse_xml(content)
    kind, version = _message_type(root)
    container_name, item_name = SUPPORTED[kind]
    container = root if _local(root.tag) == container_name else _find(root, container_name)
    reports = _children(container, item_name) if container is not None else []
    if not reports:
        raise StatementError(
            _("The file contains no CAMT.053 statement (Stmt) and no CAMT.054 notification.")
        )
    try:
        created = _date_of_timestamp(_text(container, "GrpHdr", "CreDtTm"))
    except ValueError as exc:
        raise StatementError(_("The file's creation time is not a valid date.")) from exc
    transactions: list[Transaction] = []
    statement_ids: list[str] = []
    ibans: list[str] = []
    covers: list[date] = []
    for report_position, report in enumerate(reports, start=1):
        statement_id = _text(report, "Id") or f"#{report_position}"
        statement_ids.append(statement_id)
        iban = _text(report, "Acct", "Id", "IBAN") or _text(report, "Acct", "Id", "Othr", "Id")
        if iban and iban not in ibans:
            ibans.append(iban)
        try:
            report_date = (
                _date_of_timestamp(_text(report, "FrToDt", "ToDtTm"))
                or _date_of_timestamp(_text(report, "CreDtTm"))
                or created
            )
        except ValueError as exc:
            raise StatementError(
                _("Statement %(id)s has no valid date.") % {"id": statement_id}
            ) from exc
        if report_date:
            covers.append(report_date)
        transactions.extend(
            _report_transactions(
                report,
                iban=iban,
                origin=f"{statement_id}|{_text(report, 'ElctrncSeqNb')}|{report_position}",
                fallback_date=report_date,
                multiple_reports=len(reports) > 1,
                report_position=report_position,
            )
        )
    return ParsedFile(
        message_type=kind,
        version=version,
        statement_id=", ".join(statement_ids),
        iban=", ".join(ibans),
        covers_until=max(covers) if covers else None,
        transactions=transactions,
    )


def _date_of_timestamp(text: str) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _report_transactions(
    report,
    *,
    iban: str,
    origin: str,
    fallback_date: date | None,
    multiple_reports: bool,
    report_position: int,
) -> list[Transaction]:
    entries = _children(report, "Ntry")
    # A bank reference that two entries of one statement share is no identity.
    seen: dict[str, int] = {}
    for entry in entries:
        ref = _real_reference(_text(entry, "AcctSvcrRef"))
        if ref:
            seen[ref] = seen.get(ref, 0) + 1
    result: list[Transaction] = []
    for index, entry in enumerate(entries, start=1):
        number = f"{report_position}/{index}" if multiple_reports else str(index)
        try:
            result.extend(
                _entry_transactions(
                    entry,
                    number=number,
                    iban=iban,
                    origin=f"{origin}|{index}",
                    shared_refs={ref for ref, count in seen.items() if count > 1},
                    fallback_date=fallback_date,
                )
            )
        except (AttributeError, InvalidOperation, ValueError, TypeError) as exc:
            raise StatementError(
                _("Entry %(number)s of the statement has no valid amount or date.")
                % {"number": number}
            ) from exc
    return result


def _amount_of(element) -> tuple[Decimal, str] | None:
    """``Amt`` (camt.053 .03 and later) or ``AmtDtls/TxAmt/Amt`` (.02) of a transfer."""
    amount = _find(element, "Amt")
    if amount is None:
        amount = _find(element, "AmtDtls", "TxAmt", "Amt")
    if amount is None:
        return None
    return statement_amount(amount.text), (amount.get("Ccy") or "").upper()


def _entry_transactions(
    entry, *, number: str, iban: str, origin: str, shared_refs: set[str], fallback_date
) -> list[Transaction]:
    entry_amount = _find(entry, "Amt")
    if entry_amount is None:
        raise ValueError("entry without amount")
    amount = statement_amount(entry_amount.text)
    currency = (entry_amount.get("Ccy") or "").upper()
    direction = _text(entry, "CdtDbtInd")
    if direction not in ("CRDT", "DBIT"):
        raise ValueError("no credit/debit indicator")
    status = _status(entry)
    reversal = _text(entry, "RvslInd").lower() in ("true", "1")
    booked = _date(_find(entry, "BookgDt"))
    valued = _date(_find(entry, "ValDt"))
    booked_on = booked or valued or fallback_date
    if booked_on is None:
        raise ValueError("no date")
    bank_ref = _real_reference(_text(entry, "AcctSvcrRef"))
    if bank_ref in shared_refs:
        bank_ref = ""
    identity = f"{iban}|ref|{bank_ref}" if bank_ref else f"{iban}|file|{origin}"
    entry_texts = _texts(entry, "AddtlNtryInf")
    details = [tx for block in _children(entry, "NtryDtls") for tx in _children(block, "TxDtls")]
    parts = [(tx, _amount_of(tx)) for tx in details]
    split = len(parts) > 1 and all(found is not None for _tx, found in parts)
    if split:
        signed = sum(
            (found[0] if _text(tx, "CdtDbtInd") in ("", direction) else -found[0])
            for tx, found in parts
        )
        currencies = {found[1] for _tx, found in parts}
        # A batch whose transfers do not add up to the entry is not split by guesswork.
        split = signed == amount and currencies == {currency}
    common = {
        "status": status,
        "booked_on": booked_on,
        "value_date": valued,
        "reversal": reversal,
    }
    if not split:
        # One transfer (or a batch that cannot be split): the entry is the payment.
        tx_texts = [_tx_texts(tx) for tx in details]
        remittance, end_to_end, debtor, refs = _merge(tx_texts)
        refs_text = [*refs, *entry_texts] if len(details) <= 1 else [*refs]
        return [
            Transaction(
                key=_key(identity, "0", amount, currency, direction, booked_on),
                position=number,
                amount=amount,
                currency=currency,
                credit=direction == "CRDT",
                debtor_name=debtor,
                remittance=" ".join(p for p in (remittance, *entry_texts) if p)[:2000],
                end_to_end=end_to_end,
                bank_reference=bank_ref,
                references=_references(refs_text),
                **common,
            )
        ]
    result = []
    for tx_position, (tx, (tx_amount, tx_currency)) in enumerate(parts, start=1):
        remittance, end_to_end, debtor, refs = _tx_texts(tx)
        tx_direction = _text(tx, "CdtDbtInd") or direction
        tx_ref = _real_reference(_text(tx, "Refs", "AcctSvcrRef"))
        result.append(
            Transaction(
                key=_key(
                    identity,
                    f"{tx_position}|{tx_ref}",
                    tx_amount,
                    tx_currency,
                    tx_direction,
                    booked_on,
                ),
                position=f"{number}.{tx_position}",
                amount=tx_amount,
                currency=tx_currency,
                credit=tx_direction == "CRDT",
                debtor_name=debtor,
                remittance=remittance[:2000],
                end_to_end=end_to_end,
                bank_reference=tx_ref or bank_ref,
                references=_references(refs),
                **common,
            )
        )
    return result


def _tx_texts(tx) -> tuple[str, str, str, list[str]]:
    """Remittance text, end-to-end id, payer and the texts to search, best first."""
    remittance_info = _find(tx, "RmtInf")
    unstructured = " ".join(_texts(remittance_info, "Ustrd"))
    structured = _texts(remittance_info, "Strd", "CdtrRefInf", "Ref")
    structured_extra = _texts(remittance_info, "Strd", "AddtlRmtInf")
    end_to_end = _real_reference(_text(tx, "Refs", "EndToEndId"))
    extra = _texts(tx, "AddtlTxInf")
    debtor = (
        _text(tx, "RltdPties", "Dbtr", "Nm")
        or _text(tx, "RltdPties", "Dbtr", "Pty", "Nm")
        or _text(tx, "RltdPties", "UltmtDbtr", "Nm")
        or _text(tx, "RltdPties", "UltmtDbtr", "Pty", "Nm")
    )
    remittance = " ".join(p for p in (unstructured, *structured, *structured_extra, *extra) if p)
    search = [t for t in (unstructured, *structured, *structured_extra, end_to_end, *extra) if t]
    return remittance, end_to_end, debtor, search


def _merge(parts: list[tuple[str, str, str, list[str]]]) -> tuple[str, str, str, list[str]]:
    remittance = " ".join(p[0] for p in parts if p[0])
    end_to_end = next((p[1] for p in parts if p[1]), "")
    debtor = next((p[2] for p in parts if p[2]), "")
    search = [text for p in parts for text in p[3]]
    return remittance, end_to_end, debtor, search


def _references(texts: list[str]) -> list[str]:
    result: list[str] = []
    for text in texts:
        for reference in references_in(text):
            if reference not in result:
                result.append(reference)
    return result


def _key(identity: str, part: str, amount, currency, direction, booked_on) -> str:
    raw = f"{identity}|{part}|{amount}|{currency}|{direction}|{booked_on.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()

"""Bank statements in ISO 20022 CAMT.053: read the credits and match them by Kassenzeichen.

Only credits (``CRDT``) in euros are payments. The reference is looked for in
the unstructured remittance information (spaces and dots between digits are
ignored, and the check digit must fit), then in the end-to-end id. A match
books the payment once per bank reference; partial and excess amounts are
booked and flagged for the cash office, and an entry without a matching open
invoice waits in the cash office's queue.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from django.db import transaction
from django.utils.translation import gettext as _

from portal_site.accounts.models import User

from .models import BankStatement, Invoice, Payment, StatementEntry
from .services import ShopError, is_valid_reference, register_payment


class StatementError(ShopError):
    pass


@dataclass
class Credit:
    entry_ref: str
    booked_on: date
    amount: Decimal
    currency: str
    credit: bool
    debtor_name: str
    remittance: str
    end_to_end: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element, *path: str):
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _findall(element, name: str):
    return [child for child in element.iter() if _local(child.tag) == name]


def _text(element, *path: str) -> str:
    found = _find(element, *path)
    return (found.text or "").strip() if found is not None else ""


MAX_AMOUNT = Decimal("9999999999.99")  # what the payment tables store (12 digits, 2 places)


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


def parse_camt053(content: bytes) -> tuple[str, str, list[Credit]]:
    """Statement id, account IBAN and entries of a CAMT.053 file (any camt.053 version)."""
    try:
        root = ElementTree.fromstring(content)
    except Exception as exc:  # defusedxml and expat raise several kinds
        raise StatementError(_("The file is not a readable XML bank statement.")) from exc
    statements = _findall(root, "Stmt")
    if not statements:
        raise StatementError(_("The file contains no CAMT.053 statement (Stmt)."))
    entries: list[Credit] = []
    statement_ids = []
    iban = ""
    for statement in statements:
        statement_ids.append(_text(statement, "Id"))
        iban = iban or _text(statement, "Acct", "Id", "IBAN")
        for index, entry in enumerate(e for e in statement if _local(e.tag) == "Ntry"):
            amount_el = _find(entry, "Amt")
            try:
                amount = statement_amount(amount_el.text)
                booked = date.fromisoformat(
                    (_text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm"))[:10]
                )
            except (AttributeError, InvalidOperation, ValueError) as exc:
                raise StatementError(
                    _("Entry %(number)d of the statement has no valid amount or date.")
                    % {"number": index + 1}
                ) from exc
            details = _find(entry, "NtryDtls", "TxDtls")
            remittance = " ".join(
                (el.text or "").strip()
                for el in (_findall(details, "Ustrd") if details is not None else [])
            )
            ref = (
                _text(entry, "AcctSvcrRef")
                or _text(entry, "NtryRef")
                or (_text(details, "Refs", "AcctSvcrRef") if details is not None else "")
                or f"{statement_ids[-1]}-{index + 1}"
            )
            entries.append(
                Credit(
                    entry_ref=ref,
                    booked_on=booked,
                    amount=amount,
                    currency=amount_el.get("Ccy", "EUR"),
                    credit=_text(entry, "CdtDbtInd") == "CRDT",
                    debtor_name=(
                        _text(details, "RltdPties", "Dbtr", "Nm")
                        or _text(details, "RltdPties", "Dbtr", "Pty", "Nm")
                        if details is not None
                        else ""
                    ),
                    remittance=remittance,
                    end_to_end=_text(details, "Refs", "EndToEndId") if details is not None else "",
                )
            )
    return ", ".join(i for i in statement_ids if i), iban, entries


_DIGIT_GAP = re.compile(r"(?<=\d)[ .\-/](?=\d)")
_TEN_DIGITS = re.compile(r"(?<!\d)(\d{10})(?!\d)")


def references_in(text: str) -> list[str]:
    """Valid Kassenzeichen found in a remittance text."""
    compact = _DIGIT_GAP.sub("", text)
    return [m for m in _TEN_DIGITS.findall(compact) if is_valid_reference(m)]


@dataclass
class ImportResult:
    statement: BankStatement
    entries: list[StatementEntry]

    def count(self, result: str) -> int:
        return sum(1 for e in self.entries if e.result == result)


def import_camt053(*, content: bytes, filename: str, actor: User | None = None) -> ImportResult:
    """Import a statement once and book what matches; the whole file or nothing."""
    statement_id, iban, credits = parse_camt053(content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        if BankStatement.objects.filter(sha256=digest).exists():
            raise StatementError(_("This bank statement has already been imported."))
        statement = BankStatement.objects.create(
            sha256=digest,
            statement_id=statement_id[:100],
            account_iban=iban[:34],
            filename=filename[:255],
            imported_by=actor,
        )
        entries = [_book_entry(statement, credit, actor) for credit in credits]
    return ImportResult(statement=statement, entries=entries)


def _book_entry(statement: BankStatement, credit: Credit, actor: User | None) -> StatementEntry:
    entry = StatementEntry(
        statement=statement,
        entry_ref=credit.entry_ref[:100],
        booked_on=credit.booked_on,
        amount=credit.amount,
        currency=credit.currency[:3],
        debtor_name=credit.debtor_name[:255],
        remittance=credit.remittance,
    )
    if not credit.credit or credit.currency != "EUR" or credit.amount <= 0:
        entry.result = StatementEntry.Result.IGNORED
        entry.save()
        return entry
    invoice = None
    for reference in references_in(f"{credit.remittance} {credit.end_to_end}"):
        invoice = Invoice.objects.filter(reference=reference).first()
        if invoice is not None:
            break
    if invoice is None or invoice.status == Invoice.Status.CANCELLED:
        entry.result = StatementEntry.Result.UNMATCHED
        entry.invoice = invoice
        entry.save()
        return entry
    outcome = register_payment(
        invoice=invoice,
        amount=credit.amount,
        method=Payment.Method.TRANSFER,
        provider="bank",
        external_id=f"{statement.account_iban}:{credit.entry_ref}",
        received_on=credit.booked_on,
        note=credit.debtor_name[:255],
        actor=actor,
    )
    entry.invoice = outcome.invoice
    if not outcome.created:
        entry.result = StatementEntry.Result.DUPLICATE
    elif outcome.invoice.flag == Invoice.Flag.PARTIAL:
        entry.result = StatementEntry.Result.PARTIAL
    elif outcome.invoice.flag == Invoice.Flag.EXCESS:
        entry.result = StatementEntry.Result.EXCESS
    else:
        entry.result = StatementEntry.Result.MATCHED
    entry.save()
    return entry

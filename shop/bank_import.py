"""Import bank files and book what they pay; the cash office handles the rest.

Every transfer of an imported file becomes a :class:`StatementEntry`:

- a booked euro credit with the Kassenzeichen of an open invoice pays it
  (partial and excess amounts are booked and flagged; an excess becomes a
  refund to-do);
- a credit that matches nothing waits in the **unassigned payments** list,
  where the cash office assigns it to an invoice or marks it as not ours;
- a transfer seen before (same identity, see :mod:`shop.camt`) is a
  duplicate and books nothing; pending entries, debits and other currencies
  are listed only.

Imports of one account run one after the other (a row lock per account), and
the whole file is imported or nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.accounts.models import User

from . import services
from .camt import ParsedFile, StatementError, Transaction, parse_bank_file
from .models import (
    ZERO,
    BankStatement,
    Invoice,
    Payment,
    StatementEntry,
    StatementReference,
)
from .services import ShopError, register_payment

BANK_PROVIDER = "bank"


@dataclass
class ImportResult:
    statement: BankStatement
    entries: list[StatementEntry]

    def count(self, *results: str) -> int:
        return sum(1 for e in self.entries if e.result in results)


def import_bank_file(*, content: bytes, filename: str, actor: User | None = None) -> ImportResult:
    """Import a camt.053 statement or camt.054 notification once; the whole file or nothing."""
    parsed = parse_bank_file(content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        # One import per account at a time: the duplicate checks below see what
        # the previous import committed.
        services.lock_counter(f"bank-import-{parsed.iban or 'unknown'}"[:50])
        if BankStatement.objects.filter(sha256=digest).exists():
            raise StatementError(_("This bank statement has already been imported."))
        _refuse_mixed_kinds(parsed)
        statement = BankStatement.objects.create(
            sha256=digest,
            kind=parsed.message_type,
            statement_id=parsed.statement_id[:100],
            account_iban=parsed.iban[:34],
            covers_until=parsed.covers_until,
            filename=filename[:255],
            imported_by=actor,
        )
        entries = [_import_transaction(statement, tx, actor) for tx in parsed.transactions]
    return ImportResult(statement=statement, entries=entries)


def _refuse_mixed_kinds(parsed: ParsedFile) -> None:
    """Statements and notifications of one account report the same money twice.

    Entries without a bank reference (``NONREF``) cannot be recognised across
    the two kinds, so one account is imported from one kind only.
    """
    if not parsed.iban:
        return
    other = (
        BankStatement.objects.filter(account_iban=parsed.iban)
        .exclude(kind=parsed.message_type)
        .values_list("kind", flat=True)
        .first()
    )
    if other is not None:
        raise StatementError(
            _(
                "Account %(iban)s is already imported from %(other)s files; importing %(kind)s "
                "files for it too would book the same money twice."
            )
            % {"iban": parsed.iban, "other": other, "kind": parsed.message_type}
        )


def _import_transaction(
    statement: BankStatement, tx: Transaction, actor: User | None
) -> StatementEntry:
    entry = StatementEntry(
        statement=statement,
        entry_key=tx.key,
        position=tx.position[:20],
        entry_ref=tx.bank_reference[:100],
        bank_status=tx.status[:10],
        booked_on=tx.booked_on,
        value_date=tx.value_date,
        amount=tx.amount,
        currency=tx.currency[:3],
        debtor_name=tx.debtor_name[:255],
        remittance=tx.remittance,
        references=" ".join(tx.references)[:255],
    )
    if not tx.is_payment:
        entry.result = (
            StatementEntry.Result.PENDING
            if tx.credit and tx.status != "BOOK"
            else StatementEntry.Result.IGNORED
        )
        if tx.reversal:
            entry.note = _("Reversal (return of a payment): check by hand.")[:255]
        entry.save()
        _remember_references(entry, tx)
        return entry
    # Every bank payment is booked from an entry with a counted result and this key.
    if StatementEntry.objects.filter(entry_key=tx.key, result__in=StatementEntry.COUNTED).exists():
        entry.result = StatementEntry.Result.DUPLICATE
        entry.save()
        return entry
    entry.result = StatementEntry.Result.UNMATCHED
    entry.save()
    _remember_references(entry, tx)
    _match(entry, tx.references, actor)
    return entry


def _remember_references(entry: StatementEntry, tx: Transaction) -> None:
    """Every Kassenzeichen an entry names holds that invoice's automatic Storno."""
    StatementReference.objects.bulk_create(
        StatementReference(entry=entry, reference=reference) for reference in tx.references
    )


def _match(entry: StatementEntry, references: list[str], actor: User | None) -> None:
    """Book the entry on the invoice its references name; leave it unassigned otherwise."""
    invoices = {i.reference: i for i in Invoice.objects.filter(reference__in=references)}
    found = [invoices[r] for r in references if r in invoices]
    open_ones = [i for i in found if i.status != Invoice.Status.CANCELLED]
    if not found:
        entry.note = (
            _("No invoice with the payment references found.")
            if references
            else _("No payment reference found.")
        )[:255]
        entry.save(update_fields=["note"])
        return
    if not open_ones:
        entry.invoice = found[0]
        entry.note = _("Invoice %(reference)s has been cancelled: refund the money.") % {
            "reference": found[0].reference
        }
        entry.save(update_fields=["invoice", "note"])
        return
    if len(open_ones) > 1:
        # Several invoices in one transfer: split only when the amount is exactly theirs.
        owed = sum((i.open_amount for i in open_ones), ZERO)
        if owed != entry.amount or any(i.open_amount <= 0 for i in open_ones):
            entry.note = _(
                "The transfer names several invoices (%(references)s) and its amount is not "
                "their open total: assign it by hand."
            ) % {"references": ", ".join(i.reference for i in open_ones)}
            entry.save(update_fields=["note"])
            return
        for number, invoice in enumerate(open_ones, start=1):
            _book(entry, invoice, invoice.open_amount, actor, part=str(number))
        entry.invoice = open_ones[0]
        entry.result = StatementEntry.Result.MATCHED
        entry.note = _("Split over invoices %(references)s.") % {
            "references": ", ".join(i.reference for i in open_ones)
        }
        entry.save(update_fields=["invoice", "result", "note"])
        return
    outcome = _book(entry, open_ones[0], entry.amount, actor)
    entry.invoice = outcome.invoice
    entry.result = _result_of(outcome)
    entry.save(update_fields=["invoice", "result"])


def _book(
    entry: StatementEntry, invoice: Invoice, amount: Decimal, actor: User | None, part: str = ""
):
    return register_payment(
        invoice=invoice,
        amount=amount,
        method=Payment.Method.TRANSFER,
        provider=BANK_PROVIDER,
        external_id=f"{entry.entry_key}:{part}" if part else entry.entry_key,
        received_on=entry.booked_on,
        note=entry.debtor_name[:255],
        actor=actor,
    )


def _result_of(outcome) -> str:
    if not outcome.created:
        return StatementEntry.Result.DUPLICATE
    if outcome.invoice.flag == Invoice.Flag.PARTIAL:
        return StatementEntry.Result.PARTIAL
    if outcome.invoice.flag == Invoice.Flag.EXCESS:
        return StatementEntry.Result.EXCESS
    return StatementEntry.Result.MATCHED


# -- the cash office's unassigned payments ------------------------------------


def unassigned_entries():
    return StatementEntry.objects.filter(result=StatementEntry.Result.UNMATCHED)


@transaction.atomic
def assign_entry(*, entry: StatementEntry, reference: str, actor: User) -> StatementEntry:
    """Book an unassigned transfer on the invoice with ``reference`` (the cash office's call)."""
    locked = StatementEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.result != StatementEntry.Result.UNMATCHED:
        raise ShopError(_("This payment has already been handled."))
    reference = "".join(ch for ch in reference if ch.isdigit())
    invoice = Invoice.objects.filter(reference=reference).first()
    if invoice is None:
        raise ShopError(
            _("There is no invoice with the payment reference %(reference)s.")
            % {"reference": reference or "–"}
        )
    outcome = _book(locked, invoice, locked.amount, actor)
    locked.invoice = outcome.invoice
    locked.result = StatementEntry.Result.ASSIGNED
    locked.note = _("Assigned to invoice %(reference)s.") % {"reference": invoice.reference}
    locked.handled_by = actor
    locked.handled_at = timezone.now()
    locked.save()
    StatementReference.objects.get_or_create(entry=locked, reference=invoice.reference)
    return locked


@transaction.atomic
def mark_not_ours(*, entry: StatementEntry, note: str, actor: User) -> StatementEntry:
    """The money is not for the city's invoices (e.g. rent, another office): listed no more."""
    locked = StatementEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.result != StatementEntry.Result.UNMATCHED:
        raise ShopError(_("This payment has already been handled."))
    note = note.strip()
    if not note:
        raise ShopError(_("Please say why the payment is not ours."))
    locked.result = StatementEntry.Result.NOT_OURS
    locked.note = note[:255]
    locked.handled_by = actor
    locked.handled_at = timezone.now()
    locked.save()
    return locked


def latest_statement_date():
    """Up to which day the cash office's imported bank files report bookings."""
    return BankStatement.objects.aggregate(latest=Max("covers_until"))["latest"]

"""Real bank statements (camt.053 .02–.08, camt.054) pay each invoice exactly once.

Every sample in ``tests/data/camt/samples`` (and in ``CAMT_SAMPLES_DIR``) is
used as a payer's bank would: each euro credit carries the Kassenzeichen of a
new invoice of its amount (one per transfer of a batch). The import must book
each exactly once, mark no entry as a duplicate, leave foreign currencies and
debits alone, and recognise the same file sent again (a corrected copy) as
duplicates – also when the bank writes ``NONREF`` for every reference.
"""

from __future__ import annotations

import pytest
import xmlschema

from shop import bank_import, camt
from shop.models import Invoice, Payment, StatementEntry
from tests.shop import camt_builder
from tests.shop.bank_files import BROKEN, DATA, paid_by_bank, replace_texts, sample_files

pytestmark = pytest.mark.django_db

R = StatementEntry.Result
BOOKED = {R.MATCHED, R.PARTIAL, R.EXCESS}
VALID = [p for p in sample_files() if p.name not in BROKEN]


def _import(content: bytes, name: str = "auszug.xml"):
    return bank_import.import_bank_file(content=content, filename=name)


def _assert_paid_once(result, invoices) -> None:
    results = [e.result for e in result.entries]
    assert R.DUPLICATE not in results, results
    assert sum(1 for r in results if r in BOOKED) == len(invoices)
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID, invoice.reference
        assert invoice.payments.count() == 1
        assert invoice.paid_amount == invoice.total and invoice.flag == ""
    assert Payment.objects.count() == len(invoices)
    for entry in result.entries:
        if entry.currency != "EUR":
            assert entry.result == R.IGNORED


def test_the_samples_cover_every_kind_of_file():
    versions = set()
    for path in VALID:
        parsed = camt.parse_bank_file(path.read_bytes())
        versions.add((parsed.message_type, parsed.version))
    assert {("camt.053", v) for v in ("001.02", "001.03", "001.04", "001.08")} <= versions
    assert ("camt.054", "001.04") in versions


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_real_file_pays_each_euro_credit_once_and_a_resent_copy_books_nothing(path):
    content, invoices = paid_by_bank(path.read_bytes())
    result = _import(content, path.name)
    _assert_paid_once(result, invoices)

    # The bank sends the same statement again in a new message (other bytes).
    resent = replace_texts(content, "MsgId", "RESENT-1")
    again = _import(resent, "again-" + path.name)
    assert Payment.objects.count() == len(invoices)
    assert {e.result for e in again.entries} <= {R.DUPLICATE, R.IGNORED, R.PENDING}
    assert sum(1 for e in again.entries if e.result == R.DUPLICATE) == len(invoices)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_real_file_with_nonref_everywhere_books_each_credit_and_the_next_day_again(path):
    nonref = replace_texts(path.read_bytes(), "AcctSvcrRef", "NONREF")
    content, invoices = paid_by_bank(nonref)
    result = _import(content, path.name)
    _assert_paid_once(result, invoices)

    # Resent: still recognised (statement id, entry position, amount, date).
    assert all(
        e.result in (R.DUPLICATE, R.IGNORED, R.PENDING)
        for e in _import(replace_texts(content, "MsgId", "RESENT-2")).entries
    )
    # The next statement brings the same transfers again: new money, never a duplicate.
    next_day = replace_texts(content, "Id", "NEXT-STATEMENT")
    later = _import(next_day, "next-" + path.name)
    assert R.DUPLICATE not in {e.result for e in later.entries}
    assert Payment.objects.count() == 2 * len(invoices)
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.flag == Invoice.Flag.EXCESS and invoice.refunds.count() == 1


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_deliberately_broken_sample_imports_nothing_and_says_why(name):
    with pytest.raises(camt.StatementError, match="keinen CAMT.053-Kontoauszug"):
        _import((DATA / "samples" / name).read_bytes())
    assert not StatementEntry.objects.exists()


def test_the_projects_own_statements_are_valid_camt_053_001_08():
    schema = xmlschema.XMLSchema(str(DATA / "xsd" / "camt.053.001.08.xsd"))
    documents = [
        camt_builder.statement(),
        camt_builder.statement(
            camt_builder.entry("B1", "10.00", "Kassenzeichen 2600000011"),
            camt_builder.entry("B2", "5.00", ["KZ 26000", "00011"], status="PDNG"),
            camt_builder.entry("B3", "7.00", "", structured="2600000011", with_booking_date=False),
            camt_builder.entry(
                "B4", "15.00", "", transfers=[("5.00", "a"), ("10.00", "b")], additional="x"
            ),
            camt_builder.entry("B5", "1.00", "Lastschrift", credit=False),
        ),
        camt_builder.statement(
            camt_builder.entry("B6", "3.00", "Gebühr Müller"), encoding="ISO-8859-1"
        ),
    ]
    for document in documents:
        schema.validate(document)

"""What the shop keeps about an applicant, deleted with the case's personal data."""

from __future__ import annotations

from portal_site.cases.models import Case

from .models import Order, Payment, StatementEntry


def erase_order(case: Case) -> None:
    """The customer's own words and the payer's name, wherever the money module kept them.

    The archive order's e-mail address and intended use; the payer's name and
    remittance text of the bank entries and payments of the case's invoices.
    Amounts, dates, references and the entries' identities stay: the ledger and
    the duplicate check need them, and they name nobody.
    """
    Order.objects.filter(case=case).update(email="", purpose="")
    StatementEntry.objects.filter(invoice__case=case).update(debtor_name="", remittance="")
    Payment.objects.filter(invoice__case=case).update(note="")

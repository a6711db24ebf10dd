"""Unpaid invoices: one reminder after the due date, then the Storno.

Run daily by the periodic job. An open invoice past its due date gets a
reminder (e-mail, timeline) and a final due date ``SHOP_REMINDER_DAYS`` later.
Still unpaid after that: the invoice is cancelled with Storno bookings and the
case process is told (it cancels the case and deletes the personal data).
Invoices with any payment are never cancelled automatically: a partial
payment waits for the cash office. Each step happens once (markers on the
invoice), so the job can run any number of times.

The Storno never hits a payer (:func:`storno_hold`): it is held for an invoice
whose Kassenzeichen appears in any imported bank entry (matched, unassigned or
flagged), and for every invoice while the latest imported bank file reports
bookings only up to a day before the final due date (statements missing). The
cash office sees both on its invoice list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.cases import events
from portal_site.cases.services import record
from portal_site.notifications.email_texts import render_email_text
from portal_site.notifications.services import queue_email

from .bank_import import latest_statement_date
from .models import ZERO, Invoice, StatementReference
from .services import cancel_invoice, invoice_values
from .texts import CANCELLED_MAIL, REMINDER_MAIL, text_for


def reminder_days() -> int:
    return int(getattr(settings, "SHOP_REMINDER_DAYS", 7))


def _recipient(invoice: Invoice) -> list[str]:
    email = invoice.partner.email or (invoice.case.applicant_email if invoice.case_id else "")
    return [email] if email else []


@dataclass
class DunningRun:
    reminded: int = 0
    cancelled: int = 0
    held: int = 0


def storno_hold(
    invoice: Invoice, *, latest_statement: date | None, seen_in_bank: bool | None = None
) -> str:
    """Why the automatic Storno of ``invoice`` must wait ("" when nothing holds it).

    ``seen_in_bank``: whether the reference appears in an imported entry, when
    the caller knows it already; looked up otherwise.
    """
    if seen_in_bank is None:
        seen_in_bank = StatementReference.objects.filter(reference=invoice.reference).exists()
    if seen_in_bank:
        return _("Its payment reference appears in an imported bank entry.")
    final = invoice.final_due_on or invoice.due_on
    if latest_statement is None:
        return _("No bank statement has been imported yet.")
    if latest_statement < final:
        return _(
            "The latest bank statement reports bookings up to %(latest)s only, before the "
            "final date %(final)s."
        ) % {"latest": latest_statement.strftime("%d.%m.%Y"), "final": final.strftime("%d.%m.%Y")}
    return ""


def held_invoices(*, today: date | None = None, limit: int = 100) -> list[tuple[Invoice, str]]:
    """Open invoices past their final date whose Storno is held, with the reason.

    One query, whatever the number of invoices: the reference check is a
    subquery, the statement date a comparison.
    """
    today = today or timezone.localdate()
    latest = latest_statement_date()
    seen = StatementReference.objects.filter(reference=OuterRef("reference"))
    expired = Invoice.objects.filter(
        status=Invoice.Status.OPEN, final_due_on__lt=today, paid_amount=ZERO
    ).annotate(seen_in_bank=Exists(seen))
    if latest is not None:
        expired = expired.filter(Q(seen_in_bank=True) | Q(final_due_on__gt=latest))
    result = []
    for invoice in expired.select_related("partner").order_by("final_due_on", "pk")[:limit]:
        reason = storno_hold(invoice, latest_statement=latest, seen_in_bank=invoice.seen_in_bank)
        result.append((invoice, reason))
    return result


def run_dunning(*, today: date | None = None) -> DunningRun:
    today = today or timezone.localdate()
    result = DunningRun()
    overdue = Invoice.objects.filter(
        status=Invoice.Status.OPEN, reminded_on__isnull=True, due_on__lt=today
    )
    for invoice_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            invoice = (
                Invoice.objects.select_for_update(of=("self",))
                .select_related("partner", "case")
                .get(pk=invoice_id)
            )
            if invoice.status != Invoice.Status.OPEN or invoice.reminded_on is not None:
                continue
            invoice.reminded_on = today
            invoice.final_due_on = today + timedelta(days=reminder_days())
            invoice.save(update_fields=["reminded_on", "final_due_on"])
            subject, body = render_email_text(
                key=text_for(REMINDER_MAIL, invoice), values=invoice_values(invoice)
            )
            if recipients := _recipient(invoice):
                queue_email(to=recipients, subject=subject, body=body, case=invoice.case)
            if invoice.case_id:
                record(
                    case=invoice.case,
                    message=events.PAYMENT_REMINDER(
                        reference=invoice.reference,
                        date=invoice.final_due_on,
                    ),
                )
            result.reminded += 1
    expired = Invoice.objects.filter(
        status=Invoice.Status.OPEN, final_due_on__lt=today, paid_amount=ZERO
    )
    latest = latest_statement_date()
    for invoice_id in expired.values_list("pk", flat=True):
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update(of=("self",)).select_related(
                "partner", "case"
            )
            invoice = invoice.get(pk=invoice_id)
            if invoice.status != Invoice.Status.OPEN or invoice.paid_amount > ZERO:
                continue
            if storno_hold(invoice, latest_statement=latest):
                result.held += 1
                continue
            values = invoice_values(invoice)
            recipients = _recipient(invoice)
            # The mail is queued before the Storno deletes the address it goes to.
            if recipients:
                subject, body = render_email_text(
                    key=text_for(CANCELLED_MAIL, invoice), values=values
                )
                # With the case, so the erasure below reaches it: sent once, then wiped.
                queue_email(to=recipients, subject=subject, body=body, case=invoice.case)
            cancel_invoice(
                invoice=invoice,
                reason=_("Not paid by the final date %(date)s.")
                % {"date": invoice.final_due_on.strftime("%d.%m.%Y")},
            )
            result.cancelled += 1
    return result

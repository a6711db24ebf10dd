"""Writes on money: partners, invoices, payments, cancellations.

Every write that can race (two callbacks of one payment, a bank statement and
the cash office at the same moment) locks the invoice row first, so that the
paid amount and the status are computed from what is committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_site.accounts.models import User
from portal_site.cases import events
from portal_site.cases.models import Case
from portal_site.cases.services import notify_applicant, record
from portal_site.core.links import absolute_url
from portal_site.documents.models import Letterhead
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.email_texts import render_email_text
from portal_site.processes import invoice_settled

from .models import (
    ZERO,
    Booking,
    BusinessPartner,
    Direction,
    Fee,
    Invoice,
    InvoiceLine,
    Payment,
    Refund,
)
from .references import (  # noqa: F401 - the money API callers use
    is_valid_reference,
    lock_counter,
    luhn_digit,
    next_partner_number,
    next_reference,
)
from .texts import INVOICE_LETTER, INVOICE_MAIL, PAYMENT_RECEIVED_MAIL, text_for, text_keys

CENT = Decimal("0.01")


class ShopError(ValueError):
    """A rule of the money module refused the request; the message is for people."""


def format_eur(amount: Decimal) -> str:
    """``Decimal("1234.5")`` → ``"1.234,50 €"`` (German notation)."""
    text = f"{amount.quantize(CENT):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " €"


# -- business partners --------------------------------------------------------


@dataclass
class PartnerData:
    last_name: str
    organisation: str = ""
    first_name: str = ""
    salutation: str = ""
    academic_title: str = ""
    street: str = ""
    postcode: str = ""
    town: str = ""
    email: str = ""


SALUTATIONS = ("Herr", "Frau")


def partner_data_from_inputs(inputs: Mapping[str, object], *, name: str, email: str) -> PartnerData:
    """The debtor from a case's process inputs (``organisation``, ``anrede``,
    ``akademischer_grad``, ``vorname``, ``name``, ``strasse``, ``postleitzahl``,
    ``ort``, ``email``); ``name`` and ``email`` are the case's applicant, used where
    the form asked for neither. An organisation without a contact stays without one.
    """

    def value(key: str) -> str:
        return str(inputs.get(key, "") or "").strip()

    organisation = value("organisation")
    return PartnerData(
        organisation=organisation,
        salutation=value("anrede") if value("anrede") in SALUTATIONS else "",
        academic_title=value("akademischer_grad"),
        first_name=value("vorname"),
        last_name=value("name") or ("" if organisation else name),
        street=value("strasse"),
        postcode=value("postleitzahl"),
        town=value("ort"),
        email=value("email") or email,
    )


@transaction.atomic
def find_or_create_partner(data: PartnerData) -> BusinessPartner:
    """The applicant's business partner: found by name, postcode and e-mail, else created."""
    last_name = data.last_name.strip()
    organisation = data.organisation.strip()
    if not (last_name or organisation):
        raise ShopError(_("A business partner needs a name."))
    existing = BusinessPartner.objects.filter(
        organisation__iexact=organisation,
        last_name__iexact=last_name,
        first_name__iexact=data.first_name.strip(),
        postcode=data.postcode.strip(),
        email__iexact=data.email.strip(),
        erased_at__isnull=True,
    ).first()
    if existing is not None:
        return existing
    return BusinessPartner.objects.create(
        number=next_partner_number(),
        organisation=organisation,
        salutation=data.salutation.strip(),
        academic_title=data.academic_title.strip(),
        first_name=data.first_name.strip(),
        last_name=last_name,
        street=data.street.strip(),
        postcode=data.postcode.strip(),
        town=data.town.strip(),
        email=data.email.strip(),
    )


# -- invoices -----------------------------------------------------------------


@dataclass(frozen=True)
class FeeItem:
    """``quantity`` times the fee with ``booking_key`` (one invoice line each, as in the ledger)."""

    booking_key: str
    quantity: int = 1


def price_lines(items: Sequence[FeeItem]) -> list[tuple[Fee, Decimal]]:
    """The invoice lines for ``items`` from the fee schedule, one per unit."""
    lines: list[tuple[Fee, Decimal]] = []
    for item in items:
        if item.quantity <= 0:
            continue
        fee = Fee.objects.filter(booking_key=item.booking_key, active=True).first()
        if fee is None:
            raise ShopError(
                _("The fee schedule has no active entry with booking key %(key)s.")
                % {"key": item.booking_key}
            )
        lines.extend((fee, fee.amount) for _unit in range(item.quantity))
    return lines


def total_of(lines: Sequence[tuple[Fee, Decimal]]) -> Decimal:
    total = ZERO
    for fee, amount in lines:
        total += amount if fee.direction == Direction.DEBIT else -amount
    return total.quantize(CENT)


def payment_days() -> int:
    return int(getattr(settings, "SHOP_PAYMENT_DAYS", 14))


def pay_url(invoice: Invoice) -> str:
    from django.urls import reverse

    return absolute_url(reverse("shop:pay", args=[invoice.pay_token]))


def invoice_values(invoice: Invoice) -> dict[str, str]:
    partner = invoice.partner
    return {
        "name": partner.greeting_name,
        "salutation": partner.salutation,
        "amount": format_eur(invoice.total),
        "open_amount": format_eur(invoice.open_amount),
        "due_date": invoice.due_on.strftime("%d.%m.%Y"),
        "final_due_date": (invoice.final_due_on or invoice.due_on).strftime("%d.%m.%Y"),
        "reference": invoice.reference,
        "case_number": invoice.case.number if invoice.case is not None else "",
        "subject": invoice.subject,
        "pay_url": pay_url(invoice),
        "cash_office": getattr(settings, "SHOP_CASH_OFFICE_NAME", "Stadtkasse Kassel"),
        "iban": Letterhead.load().bank_iban,
    }


def _book(invoice: Invoice, *, kind: str, on: date, fee: Fee | None, amount: Decimal, text: str):
    direction = fee.direction if fee else Direction.CREDIT
    if kind == Booking.Kind.CANCELLATION and fee is not None:
        direction = Direction.CREDIT if fee.direction == Direction.DEBIT else Direction.DEBIT
    return Booking.objects.create(
        booked_on=on,
        kind=kind,
        booking_key=fee.booking_key if fee else getattr(settings, "SHOP_PAYMENT_KEY", "ZE"),
        account=fee.account if fee else getattr(settings, "SHOP_BANK_ACCOUNT", ""),
        cost_object=fee.cost_object if fee else "",
        direction=direction,
        amount=amount,
        reference=invoice.reference,
        partner_number=invoice.partner.number,
        text=text[:255],
        invoice=invoice,
    )


@transaction.atomic
def issue_invoice(
    *,
    partner: BusinessPartner,
    items: Sequence[FeeItem],
    subject: str,
    case: Case | None = None,
    actor: User | None = None,
    send: bool = True,
    letter_values: dict[str, str] | None = None,
) -> Invoice:
    """Create the invoice with its lines and receivable bookings; file the PDF and e-mail it."""
    lines = price_lines(items)
    if not lines:
        raise ShopError(_("An invoice needs at least one line."))
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        reference=next_reference(on=today),
        partner=partner,
        case=case,
        subject=subject[:255],
        issued_on=today,
        due_on=today + timedelta(days=payment_days()),
        total=total_of(lines),
    )
    for position, (fee, amount) in enumerate(lines, start=1):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            fee=fee,
            booking_key=fee.booking_key,
            description=fee.description,
            direction=fee.direction,
            amount=amount,
        )
        _book(
            invoice,
            kind=Booking.Kind.RECEIVABLE,
            on=today,
            fee=fee,
            amount=amount,
            text=f"{invoice.reference} {fee.description}",
        )
    if case is not None:
        values = {**invoice_values(invoice), **(letter_values or {})}
        letter_key, mail_key = text_keys(invoice, INVOICE_LETTER, INVOICE_MAIL)
        _subject, letter = render_email_text(key=letter_key, values=values)
        invoice.document = file_pdf_document(
            case=case,
            template_name="shop/invoice.html",
            title=_("Fee invoice %(reference)s") % {"reference": invoice.reference},
            filename=f"Gebuehrenrechnung-{invoice.reference}.pdf",
            context={
                "invoice": invoice,
                "letter": letter,
                "rows": [(line, format_eur(line.amount)) for line in invoice.lines.all()],
                "total_text": format_eur(invoice.total),
            },
            actor=actor,
        )
        invoice.save(update_fields=["document"])
        record(
            case=case,
            actor=actor,
            message=events.INVOICE_ISSUED(
                reference=invoice.reference,
                amount=invoice.total,
                date=invoice.due_on,
            ),
            data={"invoice": invoice.pk},
        )
        if send and (partner.email or case.applicant_email):
            subject_line, body = render_email_text(key=mail_key, values=values)
            attachments = []
            if invoice.document is not None:
                attachments.append(invoice.document.as_attachment())
            notify_applicant(
                case=case,
                subject=subject_line,
                body=body,
                to=partner.email,
                attachments=attachments,
            )
    return invoice


# -- payments -----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    created: bool
    invoice: Invoice


def _refresh_paid_state(invoice: Invoice, *, on: date) -> bool:
    """Recompute the paid amount, status and flag; True when the invoice became paid."""
    paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    was_paid = invoice.status == Invoice.Status.PAID
    invoice.paid_amount = paid
    if paid >= invoice.total and invoice.status == Invoice.Status.OPEN:
        invoice.status = Invoice.Status.PAID
        invoice.paid_on = on
    if paid > invoice.total:
        invoice.flag = Invoice.Flag.EXCESS
    elif ZERO < paid < invoice.total:
        invoice.flag = Invoice.Flag.PARTIAL
    else:
        invoice.flag = Invoice.Flag.NONE
    invoice.flag_cleared_by = None
    invoice.save(update_fields=["paid_amount", "status", "paid_on", "flag", "flag_cleared_by"])
    return not was_paid and invoice.status == Invoice.Status.PAID


@transaction.atomic
def register_payment(
    *,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    provider: str,
    external_id: str,
    received_on: date | None = None,
    note: str = "",
    actor: User | None = None,
) -> PaymentOutcome:
    """Book money received for ``invoice`` once per ``(provider, external_id)``.

    A replayed callback or a statement imported twice finds the payment that
    exists and changes nothing. A partial or excess payment is booked as it
    is and flagged for the cash office; nothing is guessed.
    """
    amount = Decimal(amount).quantize(CENT)
    if amount <= ZERO:
        raise ShopError(_("The amount must be greater than zero."))
    locked = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("partner", "case")
        .get(pk=invoice.pk)
    )
    existing = Payment.objects.filter(provider=provider, external_id=external_id).first()
    if existing is not None:
        return PaymentOutcome(existing, False, locked)
    if locked.status == Invoice.Status.CANCELLED:
        raise ShopError(
            _("Invoice %(reference)s has been cancelled; the payment must be refunded.")
            % {"reference": locked.reference}
        )
    received_on = received_on or timezone.localdate()
    payment = Payment.objects.create(
        invoice=locked,
        amount=amount,
        received_on=received_on,
        method=method,
        provider=provider,
        external_id=external_id,
        note=note[:255],
        recorded_by=actor,
    )
    _book(
        locked,
        kind=Booking.Kind.PAYMENT,
        on=received_on,
        fee=None,
        amount=amount,
        text=f"{locked.reference} {payment.get_method_display()}",
    )
    paid_before = locked.paid_amount
    became_paid = _refresh_paid_state(locked, on=received_on)
    excess = min(amount, locked.paid_amount - max(paid_before, locked.total))
    if excess > ZERO:
        Refund.objects.create(
            invoice=locked,
            payment=payment,
            amount=excess,
            reason=_("Paid %(paid)s for an invoice of %(total)s.")
            % {"paid": format_eur(locked.paid_amount), "total": format_eur(locked.total)},
        )
    case = locked.case
    if case is not None:
        params: dict[str, Any] = {
            "amount": amount,
            "method": Payment.Method(payment.method).label,
            "reference": locked.reference,
        }
        message = (
            events.PAYMENT_RECEIVED_FLAGGED(
                flag=Invoice.Flag(locked.flag).label,
                **params,
            )
            if locked.flag
            else events.PAYMENT_RECEIVED(
                **params,
            )
        )
        record(case=case, actor=actor, message=message)
    if became_paid:
        if case is not None and case.applicant_email:
            subject, body = render_email_text(
                key=text_for(PAYMENT_RECEIVED_MAIL, locked), values=invoice_values(locked)
            )
            notify_applicant(case=case, subject=subject, body=body)
        if locked.case_id:
            invoice_settled(case_id=locked.case_id, invoice_id=locked.pk)
    return PaymentOutcome(payment, True, locked)


@transaction.atomic
def confirm_payment_by_hand(
    *,
    invoice: Invoice,
    amount: Decimal,
    received_on: date,
    note: str,
    actor: User,
    token: str,
) -> PaymentOutcome:
    """The cash office confirms money it sees on the city's account or at its counter.

    ``token`` identifies the form the entry was made in: sending the same form
    twice (a double click, a reload, two tabs racing) books once, and the
    second answer says so (``created`` is False).
    """
    if received_on > timezone.localdate():
        raise ShopError(_("The payment date cannot be in the future."))
    try:
        token = str(uuid.UUID(str(token).strip()))
    except ValueError as exc:
        raise ShopError(_("The form has expired; please enter the payment again.")) from exc
    return register_payment(
        invoice=invoice,
        amount=amount,
        method=Payment.Method.CASH_OFFICE,
        provider="cash_office",
        external_id=f"form-{token}",
        received_on=received_on,
        note=note,
        actor=actor,
    )


@transaction.atomic
def clear_flag(*, invoice: Invoice, actor: User) -> Invoice:
    locked = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    locked.flag_cleared_by = actor
    locked.save(update_fields=["flag_cleared_by"])
    if locked.case is not None:
        record(
            case=locked.case,
            actor=actor,
            message=events.PAYMENT_CHECKED(
                reference=locked.reference,
            ),
        )
    return locked


@transaction.atomic
def cancel_invoice(
    *, invoice: Invoice, reason: str, actor: User | None = None, erase: bool = True
) -> Invoice:
    """Storno: reverse the receivable with cancellation bookings.

    ``erase``: the Storno for non-payment; the case's process is told and takes its
    Storno step (the case is cancelled, the personal data deleted). A clerk who
    cancels a case (``erase=False``) ends its process and keeps the data for the
    retention period.
    """
    locked = (
        Invoice.objects.select_for_update(of=("self",)).select_related("partner").get(pk=invoice.pk)
    )
    if locked.status == Invoice.Status.CANCELLED:
        return locked
    if locked.status == Invoice.Status.PAID or locked.paid_amount > ZERO:
        raise ShopError(
            _("Invoice %(reference)s has payments and cannot be cancelled automatically.")
            % {"reference": locked.reference}
        )
    today = timezone.localdate()
    for line in locked.lines.select_related("fee"):
        _book(
            locked,
            kind=Booking.Kind.CANCELLATION,
            on=today,
            fee=line.fee,
            amount=line.amount,
            text=f"Storno {locked.reference} {line.description}",
        )
    locked.status = Invoice.Status.CANCELLED
    locked.cancelled_on = today
    locked.cancel_reason = reason[:255]
    locked.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    if locked.case is not None:
        record(
            case=locked.case,
            actor=actor,
            message=events.INVOICE_CANCELLED(
                reference=locked.reference,
                reason=reason,
            ),
        )
    if erase and locked.case_id:
        # The Storno for non-payment: the case's process takes its Storno step.
        invoice_settled(case_id=locked.case_id, invoice_id=locked.pk)
    return locked


def erase_partner_if_unused(partner: BusinessPartner) -> bool:
    """Delete a partner's personal data once none of their invoices is open or paid."""
    if partner.erased_at is not None:
        return False
    if partner.invoices.exclude(status=Invoice.Status.CANCELLED).exists():
        return False
    BusinessPartner.objects.filter(pk=partner.pk).update(
        organisation="",
        salutation="",
        academic_title="",
        first_name="",
        last_name=_("(deleted)"),
        street="",
        postcode="",
        town="",
        email="",
        erased_at=timezone.now(),
    )
    return True

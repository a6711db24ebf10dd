"""Money: fee schedule, business partners, invoices, payments, bank statements, bookings.

Every amount is a ``Decimal`` in euros with two places. Bookings are the
ledger's records: they are written once and never changed (a cancellation is a
booking of its own) and they survive the deletion of the personal data behind
them, which keeps only the business partner's number.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class Direction(models.TextChoices):
    DEBIT = "S", _("Debit (Soll)")
    CREDIT = "H", _("Credit (Haben)")


class Counter(models.Model):
    """A named gap-free counter (business partner numbers, payment references)."""

    name = models.CharField(max_length=50, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class Fee(models.Model):
    """One entry of the fee schedule, identified by its booking key."""

    booking_key = models.CharField(_("booking key"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255)
    comment = models.TextField(_("comment"), blank=True)
    direction = models.CharField(
        _("debit/credit"), max_length=1, choices=Direction.choices, default=Direction.DEBIT
    )
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    account = models.CharField(
        _("revenue account"), max_length=30, blank=True, help_text=_("Sachkonto in the ledger.")
    )
    cost_object = models.CharField(
        _("cost object"), max_length=30, blank=True, help_text=_("Kostenträger/Kostenstelle.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["booking_key"]
        verbose_name = _("fee")
        verbose_name_plural = _("fee schedule")

    def __str__(self) -> str:
        return f"{self.booking_key} {self.description}"


class BusinessPartner(models.Model):
    """A debtor in the finance system (Geschäftspartner)."""

    number = models.CharField(_("business partner number"), max_length=10, unique=True)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Company, association or authority; the name fields then hold the contact."),
    )
    salutation = models.CharField(_("salutation"), max_length=30, blank=True)
    academic_title = models.CharField(_("academic title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("name"), max_length=150, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    erased_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("business partner")
        verbose_name_plural = _("business partners")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        if self.organisation and self.person_name:
            return f"{self.number} {self.organisation} ({self.person_name})"
        return f"{self.number} {self.display_name}"

    def clean(self) -> None:
        super().clean()
        if not (self.last_name.strip() or self.organisation.strip()):
            raise ValidationError({"last_name": _("Enter a name or an organisation.")})

    @property
    def person_name(self) -> str:
        """The person (for an organisation: its contact), "" if there is none."""
        if not self.last_name:
            return ""
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        """The debtor as lists and the finance export name it: the organisation, else the person."""
        return self.organisation or self.person_name

    @property
    def greeting_name(self) -> str:
        """Who "Guten Tag {name}," greets: a person, never an organisation ("" → "Guten Tag,")."""
        return self.person_name

    @property
    def address_lines(self) -> list[str]:
        """The postal address: an organisation's name first, its contact below it."""
        person = f"{self.salutation} {self.person_name}".strip() if self.person_name else ""
        return [
            line
            for line in (
                self.organisation,
                person,
                self.street,
                " ".join(p for p in (self.postcode, self.town) if p),
            )
            if line.strip()
        ]


class Invoice(models.Model):
    """A fee invoice (Gebührenrechnung) with its payment reference (Kassenzeichen)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled (Storno)")

    class Flag(models.TextChoices):
        NONE = "", _("none")
        PARTIAL = "partial", _("partial payment")
        EXCESS = "excess", _("excess payment")

    reference = models.CharField(_("payment reference"), max_length=20, unique=True)
    # The payment page's link carries this, never the reference alone.
    pay_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        BusinessPartner,
        verbose_name=_("business partner"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    subject = models.CharField(_("subject"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    total = models.DecimalField(_("total (€)"), max_digits=12, decimal_places=2)
    paid_amount = models.DecimalField(_("paid (€)"), max_digits=12, decimal_places=2, default=ZERO)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    flag = models.CharField(
        _("needs checking"), max_length=20, choices=Flag.choices, default="", blank=True
    )
    flag_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    final_due_on = models.DateField(_("final due date"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for the cancellation"), max_length=255, blank=True)
    document = models.ForeignKey(
        "cases.CaseFile",
        verbose_name=_("invoice PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        # the cash office's lists and the reminder/Storno runs: open or paid, by due date
        indexes = [models.Index(fields=["status", "due_on"], name="shop_invoice_status_due")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.total} €)"

    @property
    def open_amount(self) -> Decimal:
        return max(self.total - self.paid_amount, ZERO)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    fee = models.ForeignKey(Fee, verbose_name=_("fee"), on_delete=models.PROTECT, related_name="+")
    booking_key = models.CharField(_("booking key"), max_length=20)
    description = models.CharField(_("description"), max_length=255)
    direction = models.CharField(_("debit/credit"), max_length=1, choices=Direction.choices)
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        unique_together = [("invoice", "position")]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return f"{self.booking_key} {self.amount}"


class OnlinePayment(models.Model):
    """One attempt to pay an invoice online with a provider."""

    class Status(models.TextChoices):
        STARTED = "started", _("started")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed or cancelled")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="online_payments")
    provider = models.CharField(_("provider"), max_length=30)
    external_id = models.CharField(_("provider's id"), max_length=255, blank=True, db_index=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.STARTED
    )
    return_url = models.CharField(max_length=500, blank=True)
    # Where the payer was sent: a second "pay" continues this attempt instead of a new one.
    checkout_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self) -> str:
        return f"{self.provider} {self.amount} € ({self.status})"


class BankStatement(models.Model):
    """An imported bank file (camt.053 statement or camt.054 notification), imported once."""

    class Kind(models.TextChoices):
        STATEMENT = "camt.053", _("account statement (camt.053)")
        NOTIFICATION = "camt.054", _("credit notification (camt.054)")
        REPORT = "camt.052", _("intraday report (camt.052)")

    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATEMENT)
    statement_id = models.CharField(_("statement"), max_length=100, blank=True)
    account_iban = models.CharField(_("account"), max_length=34, blank=True)
    covers_until = models.DateField(
        _("covers bookings until"),
        null=True,
        blank=True,
        help_text=_("End of the statement period (or its creation date)."),
    )
    filename = models.CharField(_("file"), max_length=255)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return self.statement_id or self.filename


class StatementEntry(models.Model):
    """One transfer of an imported bank file: a ``TxDtls`` of an entry, or the entry."""

    class Result(models.TextChoices):
        MATCHED = "matched", _("matched, paid in full")
        PARTIAL = "partial", _("matched, partial payment")
        EXCESS = "excess", _("matched, excess payment")
        UNMATCHED = "unmatched", _("unassigned: no open invoice found")
        ASSIGNED = "assigned", _("assigned by the cash office")
        NOT_OURS = "not_ours", _("not ours (marked by the cash office)")
        DUPLICATE = "duplicate", _("already imported")
        PENDING = "pending", _("not booked by the bank (pending or for information)")
        IGNORED = "ignored", _("debit or other currency, not a payment")

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="entries")
    entry_key = models.CharField(max_length=64, db_index=True, blank=True)
    position = models.CharField(_("position in the file"), max_length=20, blank=True)
    entry_ref = models.CharField(_("bank reference"), max_length=100, blank=True)
    bank_status = models.CharField(_("bank status"), max_length=10, blank=True)
    booked_on = models.DateField(_("booked on"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    debtor_name = models.CharField(_("payer"), max_length=255, blank=True)
    remittance = models.TextField(_("remittance information"), blank=True)
    references = models.CharField(_("payment references found"), max_length=255, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="statement_entries"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["statement", "pk"]
        verbose_name = _("statement entry")
        verbose_name_plural = _("statement entries")
        indexes = [models.Index(fields=["result", "booked_on"])]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} € {self.debtor_name}"

    @property
    def reference_list(self) -> list[str]:
        return self.references.split()


# Results that stand for money on the account: a second entry with the same
# identity is a duplicate of these.
StatementEntry.COUNTED = (
    StatementEntry.Result.MATCHED,
    StatementEntry.Result.PARTIAL,
    StatementEntry.Result.EXCESS,
    StatementEntry.Result.UNMATCHED,
    StatementEntry.Result.ASSIGNED,
    StatementEntry.Result.NOT_OURS,
)


class StatementReference(models.Model):
    """A Kassenzeichen seen in an imported entry: such an invoice is never cancelled
    automatically, whatever became of the entry (matched, unassigned or flagged)."""

    entry = models.ForeignKey(StatementEntry, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=20, db_index=True)

    class Meta:
        verbose_name = _("payment reference in a statement")
        verbose_name_plural = _("payment references in statements")

    def __str__(self) -> str:
        return self.reference


class Refund(models.Model):
    """Money to pay back (an excess or second payment): a to-do of the cash office."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="refunds")
    payment = models.OneToOneField(
        "Payment", on_delete=models.PROTECT, related_name="refund", null=True, blank=True
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refunded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.invoice.reference}: {self.amount} €"


class Payment(models.Model):
    """Money received for an invoice; ``(provider, external_id)`` books each payment once."""

    class Method(models.TextChoices):
        ONLINE = "online", _("online payment")
        TRANSFER = "transfer", _("bank transfer")
        CASH_OFFICE = "cash_office", _("confirmed by the cash office")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    provider = models.CharField(_("provider"), max_length=30)
    external_id = models.CharField(_("provider's id"), max_length=255)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"], name="shop_payment_once_per_provider_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.get_method_display()})"


class FinanceExport(models.Model):
    """One hand-over of bookings to the finance system; each booking goes out once.

    An export takes every booking not exported yet, whatever its date; the
    period is the range of the booking dates it holds. Its control totals are
    stored with it and printed in every file made of it.
    """

    period_from = models.DateField(_("earliest booking date"))
    period_to = models.DateField(_("latest booking date"))
    booking_count = models.PositiveIntegerField(_("bookings"), default=0)
    debit_total = models.DecimalField(
        _("debit total (€)"), max_digits=14, decimal_places=2, default=ZERO
    )
    credit_total = models.DecimalField(
        _("credit total (€)"), max_digits=14, decimal_places=2, default=ZERO
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("finance export")
        verbose_name_plural = _("finance exports")

    def __str__(self) -> str:
        return f"{self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"


class Booking(models.Model):
    """A ledger record (Buchungsbeleg line). Written once, kept after personal data is erased."""

    class Kind(models.TextChoices):
        RECEIVABLE = "receivable", _("receivable (Sollstellung)")
        PAYMENT = "payment", _("payment received")
        CANCELLATION = "cancellation", _("cancellation (Storno)")

    booked_on = models.DateField(_("booking date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    booking_key = models.CharField(_("booking key"), max_length=20)
    account = models.CharField(_("account"), max_length=30, blank=True)
    cost_object = models.CharField(_("cost object"), max_length=30, blank=True)
    direction = models.CharField(_("debit/credit"), max_length=1, choices=Direction.choices)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("payment reference"), max_length=20, db_index=True)
    partner_number = models.CharField(_("business partner number"), max_length=10)
    text = models.CharField(_("booking text"), max_length=255)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="bookings")
    export = models.ForeignKey(
        FinanceExport,
        verbose_name=_("finance export"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )

    class Meta:
        ordering = ["booked_on", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"{self.booked_on} {self.booking_key} {self.direction} {self.amount}"

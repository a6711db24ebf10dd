"""The cash office's pages in the Wagtail admin: invoices, bank statements, finance export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.cases import access
from portal_site.core.links import url_maker
from portal_site.core.request_guards import MAX_DATABASE_ID
from portal_site.notifications.email_texts import render_email_text

from . import bank_import, camt, dunning, export, services, texts
from .models import BankStatement, BusinessPartner, FinanceExport, Invoice, Refund, StatementEntry

CASH_PERMISSION = "shop.change_invoice"
MAX_STATEMENT_BYTES = 20 * 1024 * 1024


def _require(request, permission: str = CASH_PERMISSION) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


FILTERS = {
    "open": gettext_lazy("Open"),
    "check": gettext_lazy("Needs checking"),
    "overdue": gettext_lazy("Overdue"),
    "paid": gettext_lazy("Paid"),
    "cancelled": gettext_lazy("Cancelled"),
}


def visible_invoices(*, user):
    """Invoices whose money the access policy lets the user see."""
    invoices = Invoice.objects.all()
    if access.sees_all_money(user):
        return invoices
    return access.filter_by_case(invoices, user=user)


def _invoice_for(request, pk: int) -> Invoice:
    invoice = get_object_or_404(Invoice.objects.select_related("partner", "case"), pk=pk)
    if not access.can_see_money_of(user=request.user, case=invoice.case):
        raise PermissionDenied
    return invoice


@dataclass
class InvoiceRow:
    """One line of the cash office's list, prepared in the view (no lookups per row)."""

    reference: str
    url: str
    partner: str
    case_number: str
    case_url: str
    total: Decimal
    paid_amount: Decimal
    due_on: date
    overdue: bool
    status: str
    flag: str


def _invoice_rows(invoices) -> list[InvoiceRow]:
    today = timezone.localdate()
    invoice_url, case_url = url_maker("shop_invoice"), url_maker("flows_case")
    return [
        InvoiceRow(
            reference=invoice.reference,
            url=invoice_url(invoice.pk),
            partner=str(invoice.partner),
            case_number=invoice.case.number if invoice.case else "",
            case_url=case_url(invoice.case.number) if invoice.case else "",
            total=invoice.total,
            paid_amount=invoice.paid_amount,
            due_on=invoice.due_on,
            overdue=invoice.status == Invoice.Status.OPEN and invoice.due_on < today,
            status=invoice.get_status_display(),
            flag=invoice.get_flag_display()
            if invoice.flag and not invoice.flag_cleared_by_id
            else "",
        )
        for invoice in invoices
    ]


def invoice_list(request):
    _require(request, "shop.view_invoice")
    current = request.GET.get("filter", "open")
    invoices = visible_invoices(user=request.user).select_related("partner", "case")
    if current == "check":
        invoices = invoices.exclude(flag="").filter(flag_cleared_by__isnull=True)
    elif current == "overdue":
        invoices = invoices.filter(status=Invoice.Status.OPEN, due_on__lt=timezone.localdate())
    elif current in ("paid", "cancelled"):
        invoices = invoices.filter(status=current)
    else:
        current = "open"
        invoices = invoices.filter(status=Invoice.Status.OPEN)
    query = _line(request.GET.get("q"), 100).strip()
    if query:
        # Each alternative on its own index, joined by UNION (an OR across the joined
        # tables would read every invoice of the list).
        partners = BusinessPartner.objects.filter(
            Q(last_name__icontains=query) | Q(organisation__icontains=query) | Q(number=query)
        )
        matching = (
            Invoice.objects.filter(reference__icontains=query.replace(" ", ""))
            .order_by()
            .values("pk")
            .union(
                Invoice.objects.filter(partner__in=partners).order_by().values("pk"),
                Invoice.objects.filter(case__number=query).order_by().values("pk"),
            )
        )
        invoices = invoices.filter(pk__in=matching)
    columns = (
        *("pk", "reference", "total", "paid_amount", "due_on", "status", "flag"),
        *("flag_cleared_by_id", "partner__number", "partner__academic_title"),
        *("partner__first_name", "partner__last_name", "case__number"),
    )
    page = Paginator(invoices.only(*columns).order_by("due_on", "pk"), 50).get_page(
        request.GET.get("p")
    )
    page.object_list = _invoice_rows(page.object_list)
    sees_all = access.sees_all_money(request.user)
    return TemplateResponse(
        request,
        "shop/admin/invoice_list.html",
        {
            "page": page,
            "filters": FILTERS,
            "current": current,
            "query": query,
            # The bank's side is the cash office's: other offices see their invoices only.
            "unmatched": bank_import.unassigned_entries().count() if sees_all else 0,
            "open_refunds": Refund.objects.filter(done_at__isnull=True).count() if sees_all else 0,
            "held": dunning.held_invoices() if sees_all else [],
            "latest_statement": bank_import.latest_statement_date() if sees_all else None,
            "sees_all": sees_all,
        },
    )


class StornoForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the cancellation"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ManualPaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    received_on = forms.DateField(
        label=gettext_lazy("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)
    # One token per rendered form: the same form sent twice books once.
    token = forms.UUIDField(widget=forms.HiddenInput)


def _payment_form(invoice: Invoice, data=None) -> ManualPaymentForm:
    return ManualPaymentForm(
        data,
        initial={
            "amount": invoice.open_amount,
            "received_on": timezone.localdate(),
            "token": uuid.uuid4(),
        },
    )


def invoice_detail(request, pk: int):
    _require(request, "shop.view_invoice")
    invoice = _invoice_for(request, pk)
    form = _payment_form(invoice)
    storno_form = StornoForm()
    if request.method == "POST":
        _require(request)
        action = request.POST.get("action")
        try:
            if action == "pay":
                form = ManualPaymentForm(request.POST)
                if form.is_valid():
                    outcome = services.confirm_payment_by_hand(
                        invoice=invoice,
                        actor=request.user,
                        amount=form.cleaned_data["amount"],
                        received_on=form.cleaned_data["received_on"],
                        note=form.cleaned_data["note"],
                        token=str(form.cleaned_data["token"]),
                    )
                    if outcome.created:
                        messages.success(
                            request,
                            _("The payment of %(amount)s has been booked.")
                            % {"amount": services.format_eur(outcome.payment.amount)},
                        )
                    else:
                        messages.warning(
                            request,
                            _(
                                "This form had already been sent: the payment of %(amount)s "
                                "was booked once, at the first sending, not again."
                            )
                            % {"amount": services.format_eur(outcome.payment.amount)},
                        )
                    return redirect("shop_invoice", pk=invoice.pk)
            elif action == "storno":
                storno_form = StornoForm(request.POST)
                if storno_form.is_valid():
                    with transaction.atomic():
                        services.cancel_invoice(
                            invoice=invoice,
                            reason=storno_form.cleaned_data["reason"],
                            actor=request.user,
                        )
                    messages.success(
                        request,
                        _("Invoice %(reference)s is cancelled (Storno).")
                        % {"reference": invoice.reference},
                    )
                    return redirect("shop_invoice", pk=invoice.pk)
            elif action == "clear":
                services.clear_flag(invoice=invoice, actor=request.user)
                messages.success(request, _("Marked as checked."))
                return redirect("shop_invoice", pk=invoice.pk)
        except services.ShopError as exc:
            messages.error(request, str(exc))
    sees_all = access.sees_all_money(request.user)
    return TemplateResponse(
        request,
        "shop/admin/invoice_detail.html",
        {
            "invoice": invoice,
            "form": form,
            "storno_form": storno_form,
            "total": services.format_eur(invoice.total),
            "paid": services.format_eur(invoice.paid_amount),
            "open_amount": services.format_eur(invoice.open_amount),
            "can_book": request.user.has_perm(CASH_PERMISSION),
            "refunds": invoice.refunds.all(),
            "storno_hold": (
                dunning.storno_hold(invoice, latest_statement=bank_import.latest_statement_date())
                if sees_all and invoice.status == Invoice.Status.OPEN
                else ""
            ),
        },
    )


def invoice_pdf(request, pk: int):
    """The invoice's PDF as filed with its case, for whoever may see the invoice's money
    (the cash office, the case's office)."""
    _require(request, "shop.view_invoice")
    invoice = _invoice_for(request, pk)
    document = invoice.document
    if document is None or not document.is_ready:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=False,
        filename=document.filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class StatementForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bank file (camt.053 statement or camt.054 credit notification, XML)")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 20 MB)."))
        return upload


def statement_import(request):
    _require(request)
    _require_all_money(request)
    form = StatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = bank_import.import_bank_file(
                content=upload.read(), filename=_line(upload.name, 255), actor=request.user
            )
        except camt.StatementError as exc:
            form.add_error("file", str(exc))
        else:
            R = StatementEntry.Result
            messages.success(
                request,
                _(
                    "%(count)d entries read: %(booked)d booked, %(unassigned)d unassigned, "
                    "%(duplicates)d already imported, %(other)d not payments."
                )
                % {
                    "count": len(result.entries),
                    "booked": result.count(R.MATCHED, R.PARTIAL, R.EXCESS),
                    "unassigned": result.count(R.UNMATCHED),
                    "duplicates": result.count(R.DUPLICATE),
                    "other": result.count(R.PENDING, R.IGNORED),
                },
            )
    return TemplateResponse(
        request,
        "shop/admin/statement_import.html",
        {
            "form": form,
            "result": result,
            "unassigned_count": bank_import.unassigned_entries().count(),
            "latest_statement": bank_import.latest_statement_date(),
            "recent": BankStatement.objects.select_related("imported_by")
            .annotate(
                entry_count=Count("entries"),
                booked_count=Count(
                    "entries",
                    filter=Q(
                        entries__result__in=[
                            StatementEntry.Result.MATCHED,
                            StatementEntry.Result.PARTIAL,
                            StatementEntry.Result.EXCESS,
                            StatementEntry.Result.ASSIGNED,
                        ]
                    ),
                ),
            )
            .order_by("-imported_at")[:20],
        },
    )


def _require_all_money(request) -> None:
    """The bank account is the cash office's: offices see only their own invoices."""
    if not access.sees_all_money(request.user):
        raise PermissionDenied


def unassigned_payments(request):
    """Credits that matched no open invoice: assign them, or mark them as not ours."""
    _require(request)
    _require_all_money(request)
    if request.method == "POST":
        entry = get_object_or_404(StatementEntry, pk=_int(request.POST.get("entry")))
        try:
            if request.POST.get("action") == "assign":
                handled = bank_import.assign_entry(
                    entry=entry,
                    reference=_line(request.POST.get("reference"), 40),
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("The payment of %(amount)s has been booked on invoice %(reference)s.")
                    % {
                        "amount": services.format_eur(handled.amount),
                        "reference": handled.invoice.reference,
                    },
                )
            elif request.POST.get("action") == "not_ours":
                bank_import.mark_not_ours(
                    entry=entry, note=_line(request.POST.get("note"), 255), actor=request.user
                )
                messages.success(request, _("The payment has been marked as not ours."))
            else:
                messages.error(request, _("Unknown action."))
        except services.ShopError as exc:
            messages.error(request, str(exc))
        return redirect("shop_unassigned")
    entries = bank_import.unassigned_entries().select_related("statement", "invoice")
    page = Paginator(entries.order_by("booked_on", "pk"), 50).get_page(request.GET.get("p"))
    handled = (
        StatementEntry.objects.filter(
            result__in=[StatementEntry.Result.ASSIGNED, StatementEntry.Result.NOT_OURS]
        )
        .select_related("invoice", "handled_by")
        .order_by("-handled_at")[:20]
    )
    return TemplateResponse(
        request,
        "shop/admin/unassigned.html",
        {"page": page, "handled": handled},
    )


def refunds(request):
    """Money to pay back: excess and second payments, payments after a Storno."""
    _require(request)
    _require_all_money(request)
    if request.method == "POST":
        refund = get_object_or_404(Refund, pk=_int(request.POST.get("refund")))
        if Refund.objects.filter(pk=refund.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=request.user
        ):
            messages.success(request, _("The refund has been marked as paid back."))
        else:
            messages.warning(request, _("This refund had already been marked as paid back."))
        return redirect("shop_refunds")
    items = Refund.objects.select_related("invoice", "done_by").order_by("done_at", "-created_at")
    return TemplateResponse(
        request,
        "shop/admin/refunds.html",
        {"page": Paginator(items, 50).get_page(request.GET.get("p"))},
    )


def _line(value, limit: int) -> str:
    """One line of printable text from a form field (no NUL or control characters)."""
    return "".join(ch for ch in str(value or "")[: limit * 2] if ch.isprintable())[:limit]


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= MAX_DATABASE_ID else 0


def finance_export(request):
    _require(request, "shop.add_financeexport")
    _require_all_money(request)
    if request.method == "POST":
        try:
            created = export.create_export(actor=request.user)
        except services.ShopError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Export created with %(count)d bookings.") % {"count": created.booking_count},
            )
        return redirect("shop_finance_export")
    return TemplateResponse(
        request,
        "shop/admin/finance_export.html",
        {
            "pending": export.pending_summary(),
            "exports": FinanceExport.objects.select_related("created_by")[:50],
        },
    )


def finance_export_file(request, pk: int, fmt: str):
    _require(request, "shop.add_financeexport")
    _require_all_money(request)
    chosen = get_object_or_404(FinanceExport, pk=pk)
    name = f"buchungen-{chosen.period_from:%Y%m%d}-{chosen.period_to:%Y%m%d}-{chosen.pk}"
    if fmt == "csv":
        response = HttpResponse(export.as_csv(chosen), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            export.as_xlsx(chosen),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def letter_preview(request):
    """PDF preview of a letter with the saved letterhead: the fee invoice, or ``?text=<key>``."""
    from portal_site.core.responses import pdf_response
    from portal_site.notifications.email_texts import is_letter, preview_of
    from portal_site.notifications.models import EmailText

    from .letter_preview import sample_invoice_pdf

    if not (
        request.user.has_perm("documents.change_letterhead")
        or request.user.has_perm("notifications.change_emailtext")
    ):
        raise PermissionDenied
    key = request.GET.get("text", texts.INVOICE_LETTER)[:100]
    text = EmailText.objects.filter(key=key).first()
    if text is not None and is_letter(key):
        pdf, _content_type = preview_of(text)
    else:
        subject, body = render_email_text(key=texts.INVOICE_LETTER, values={})
        pdf = sample_invoice_pdf(subject, body)
    return pdf_response(pdf, filename="vorschau.pdf")

"""The cash office's pages in the Wagtail admin: invoices, bank statements, finance export."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.cases import access

from . import camt, export, services
from .models import FinanceExport, Invoice, StatementEntry

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
    query = "".join(c for c in request.GET.get("q", "")[:100] if c.isprintable()).strip()
    if query:
        invoices = invoices.filter(
            Q(reference__icontains=query.replace(" ", ""))
            | Q(partner__last_name__icontains=query)
            | Q(partner__number=query)
            | Q(case__number=query)
        )
    page = Paginator(invoices.order_by("due_on", "pk"), 50).get_page(request.GET.get("p"))
    unmatched = StatementEntry.objects.filter(result=StatementEntry.Result.UNMATCHED).count()
    return TemplateResponse(
        request,
        "shop/admin/invoice_list.html",
        {
            "page": page,
            "filters": FILTERS,
            "current": current,
            "query": query,
            "unmatched": unmatched,
            "today": timezone.localdate(),
        },
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


def invoice_detail(request, pk: int):
    _require(request, "shop.view_invoice")
    invoice = _invoice_for(request, pk)
    form = ManualPaymentForm(
        initial={"amount": invoice.open_amount, "received_on": timezone.localdate()}
    )
    if request.method == "POST":
        _require(request)
        action = request.POST.get("action")
        try:
            if action == "pay":
                form = ManualPaymentForm(request.POST)
                if form.is_valid():
                    services.confirm_payment_by_hand(
                        invoice=invoice, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("The payment has been booked."))
                    return redirect("shop_invoice", pk=invoice.pk)
            elif action == "clear":
                services.clear_flag(invoice=invoice, actor=request.user)
                messages.success(request, _("Marked as checked."))
                return redirect("shop_invoice", pk=invoice.pk)
        except services.ShopError as exc:
            messages.error(request, str(exc))
    return TemplateResponse(
        request,
        "shop/admin/invoice_detail.html",
        {
            "invoice": invoice,
            "form": form,
            "total": services.format_eur(invoice.total),
            "paid": services.format_eur(invoice.paid_amount),
            "open_amount": services.format_eur(invoice.open_amount),
            "can_book": request.user.has_perm(CASH_PERMISSION),
        },
    )


class StatementForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bank statement (CAMT.053 XML)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 20 MB)."))
        return upload


def statement_import(request):
    _require(request)
    form = StatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = camt.import_camt053(
                content=upload.read(), filename=upload.name, actor=request.user
            )
        except camt.StatementError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                _("%(count)d entries read, %(matched)d booked in full.")
                % {
                    "count": len(result.entries),
                    "matched": result.count(StatementEntry.Result.MATCHED),
                },
            )
    unmatched = StatementEntry.objects.filter(result=StatementEntry.Result.UNMATCHED)
    return TemplateResponse(
        request,
        "shop/admin/statement_import.html",
        {"form": form, "result": result, "unmatched": unmatched.select_related("statement")[:100]},
    )


class ExportForm(forms.Form):
    period_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def finance_export(request):
    _require(request, "shop.add_financeexport")
    today = timezone.localdate()
    form = ExportForm(
        request.POST or None, initial={"period_from": today.replace(day=1), "period_to": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = export.create_export(actor=request.user, **form.cleaned_data)
        except services.ShopError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Export created with %(count)d bookings.") % {"count": created.bookings.count()},
            )
            return redirect("shop_finance_export")
    return TemplateResponse(
        request,
        "shop/admin/finance_export.html",
        {"form": form, "exports": FinanceExport.objects.select_related("created_by")[:50]},
    )


def finance_export_file(request, pk: int, fmt: str):
    _require(request, "shop.add_financeexport")
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

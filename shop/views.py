"""Public payment pages and the providers' callbacks (thin adapters over the services)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Invoice, OnlinePayment
from .payments import confirm_online_payment, start_online_payment
from .providers import InvalidCallback, ProviderUnavailable, enabled_providers
from .providers import get_provider as provider_named
from .providers.demo import DemoProvider
from .services import ShopError, format_eur

logger = logging.getLogger(__name__)


def _invoice_context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "total": format_eur(invoice.total),
        "open_amount": format_eur(invoice.open_amount),
        "providers": enabled_providers(),
    }


def pay(request, token):
    """The payer's page: what is owed, and the ways to pay it."""
    invoice = Invoice.objects.filter(pay_token=token).select_related("case").first()
    if invoice is None:
        return TemplateResponse(request, "shop/pay_unknown.html", status=404)
    if request.method == "POST" and invoice.status == Invoice.Status.OPEN:
        try:
            provider = provider_named(request.POST.get("provider", ""))
            target = start_online_payment(
                invoice=invoice, provider=provider, base_url=request.build_absolute_uri("/")[:-1]
            )
        except (InvalidCallback, ShopError) as exc:
            messages.error(request, str(exc))
        except ProviderUnavailable:
            logger.warning("Payment provider unavailable for invoice %s", invoice.pk)
            messages.error(
                request,
                _(
                    "The payment service cannot be reached at the moment. Please try again "
                    "later or transfer the amount with the payment reference."
                ),
            )
        else:
            return redirect(target)
    return TemplateResponse(request, "shop/pay.html", _invoice_context(invoice))


def demo_provider(request, token):
    """The demo provider's own page: pay or cancel, no real money."""
    attempt = get_object_or_404(
        OnlinePayment.objects.select_related("invoice"), token=token, provider="demo"
    )
    return TemplateResponse(
        request,
        "shop/demo_provider.html",
        {
            "attempt": attempt,
            "amount": format_eur(attempt.amount),
            "paid_payload": DemoProvider.sign(attempt, paid=True),
            "cancel_payload": DemoProvider.sign(attempt, paid=False),
        },
    )


@csrf_exempt  # providers post without our cookie; the signature is checked instead
@require_POST
def callback(request, provider: str):
    """Server-to-server (Stripe) or browser (demo) confirmation; replays book nothing."""
    try:
        chosen = provider_named(provider)
        confirmation = chosen.parse_callback(
            body=request.body, headers=request.headers, post=request.POST
        )
        if confirmation is not None:
            confirm_online_payment(provider=chosen, confirmation=confirmation)
    except InvalidCallback as exc:
        logger.warning("Rejected %s payment callback: %s", provider, exc)
        return HttpResponseBadRequest(_("Invalid payment confirmation."))
    except ShopError as exc:
        logger.warning("Payment callback of %s not booked: %s", provider, exc)
        return HttpResponseBadRequest(str(exc))
    if provider == "demo" and confirmation is not None:
        return redirect("shop:payment_done", token=confirmation.token)
    return HttpResponse("ok")


def payment_done(request, token):
    attempt = get_object_or_404(OnlinePayment.objects.select_related("invoice"), token=token)
    invoice = attempt.invoice
    return TemplateResponse(
        request,
        "shop/payment_done.html",
        {**_invoice_context(invoice), "attempt": attempt},
    )

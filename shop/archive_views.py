"""The archive shop's public pages: order on the image page, basket, checkout, download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from media_archive import views as archive_views
from portal_site.core.local_redirects import redirect_back
from portal_site.core.request_guards import parse_id

from . import orders
from .services import ShopError, format_eur


@require_safe
def image_detail(request, pk: int):
    """The archive's image page with what can be ordered for it."""
    response = archive_views.detail(request, pk)
    image = response.context_data["image"]
    response.template_name = "shop/archive_detail.html"
    response.context_data["products"] = [
        (product, format_eur(product.fee.amount)) for product in orders.orderable_products(image)
    ]
    return response


@require_POST
def add_to_basket(request):
    try:
        line = orders.add_to_basket(
            request.session,
            image_id=parse_id(request.POST.get("image")) or 0,
            product_id=parse_id(request.POST.get("product")) or 0,
        )
    except (ShopError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, ShopError) else _("Unknown image."))
        return redirect_back(request, request.POST.get("back"), fallback="shop:basket")
    messages.success(
        request,
        _("“%(title)s” is in your basket (%(use)s).")
        % {"title": line.image.title, "use": line.product},
    )
    return redirect("shop:basket")


@require_POST
def remove_from_basket(request):
    image_id = parse_id(request.POST.get("image"))
    if image_id is not None:
        orders.remove_from_basket(request.session, image_id=image_id)
    return redirect("shop:basket")


class CustomerForm(forms.Form):
    salutation = forms.ChoiceField(
        label=gettext_lazy("Salutation"),
        required=False,
        choices=[("", "–"), ("Frau", "Frau"), ("Herr", "Herr"), ("divers", "divers")],
    )
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    organisation = forms.CharField(
        label=gettext_lazy("Organisation (optional)"),
        help_text=gettext_lazy(
            "For a publisher, company or association; your name above is then its contact."
        ),
        max_length=200,
        required=False,
    )
    street = forms.CharField(label=gettext_lazy("Street and number"), max_length=200)
    postcode = forms.RegexField(
        label=gettext_lazy("Postcode"),
        regex=r"^[0-9A-Za-z -]{3,10}$",
        error_messages={"invalid": gettext_lazy("Please enter a valid postcode.")},
    )
    town = forms.CharField(label=gettext_lazy("Town"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    purpose = forms.CharField(
        label=gettext_lazy("Intended use (e.g. book title, publisher, print run)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    accept = forms.BooleanField(
        label=gettext_lazy("I accept the archive's terms of use for the chosen usage types.")
    )

    def clean(self):
        data = super().clean()
        if not (data.get("last_name", "").strip() or data.get("organisation", "").strip()):
            self.add_error("last_name", gettext_lazy("Please enter your name or an organisation."))
        return data


def basket(request):
    lines = orders.basket_lines(request.session)
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "accept"}
        try:
            order = orders.place_order(lines=lines, customer=orders.Customer(**data))
        except ShopError as exc:
            messages.error(request, str(exc))
        else:
            request.session[orders.BASKET_KEY] = []
            if order.invoice_id:
                return redirect("shop:pay", token=order.invoice.pay_token)
            return TemplateResponse(request, "shop/order_placed.html", {"order": order})
    return TemplateResponse(
        request,
        "shop/basket.html",
        {
            "lines": [(line, format_eur(line.price)) for line in lines],
            "total": format_eur(orders.basket_total(lines)),
            "form": form,
            "needs_approval": orders.needs_approval(lines),
        },
    )


def download(request, token):
    try:
        grant = orders.use_grant(token)
    except orders.DownloadRefused as exc:
        return TemplateResponse(
            request, "shop/download_refused.html", {"reason": str(exc)}, status=404
        )
    content, filename = orders.file_for(grant)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

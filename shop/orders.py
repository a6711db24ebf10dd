"""The archive shop: basket, order, delivery of the files with the usage permission.

The basket lives in the visitor's session (image and price-list entry per
line). Placing the order creates the business partner, the ``Order`` with its
items at today's prices and a case in the archive's office; the order process
(``flows.archive_order``) takes it from there: the archive approves where the
usage type asks for it, the fee invoice goes out, and after payment
:func:`deliver_order` files the usage permission and sends the download links.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from media_archive.models import ArchiveImage
from media_archive.selectors import public_images
from portal_site.cases import events
from portal_site.cases.models import Case
from portal_site.cases.services import notify_applicant, record
from portal_site.core.links import absolute_url
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.email_texts import render_email_text

from .models import DownloadGrant, ImageProduct, Order, OrderItem
from .services import FeeItem, ShopError, format_eur
from .texts import DELIVERY_MAIL, PERMISSION_LETTER

BASKET_KEY = "shop.basket"
MAX_BASKET_LINES = 50


def download_days() -> int:
    return int(getattr(settings, "SHOP_DOWNLOAD_DAYS", 30))


def download_limit() -> int:
    return int(getattr(settings, "SHOP_DOWNLOAD_LIMIT", 5))


# -- basket -------------------------------------------------------------------


@dataclass(frozen=True)
class BasketLine:
    image: ArchiveImage
    product: ImageProduct

    @property
    def price(self) -> Decimal:
        return self.product.fee.amount


def orderable_products(image: ArchiveImage):
    if not image.orderable:
        return ImageProduct.objects.none()
    return ImageProduct.objects.filter(active=True, usage_type__active=True).select_related(
        "usage_type", "fee"
    )


def basket_lines(session) -> list[BasketLine]:
    """The basket's lines that can still be ordered (withdrawn images drop out)."""
    raw = session.get(BASKET_KEY, [])
    images = public_images().in_bulk([line["image"] for line in raw])
    products = ImageProduct.objects.select_related("usage_type", "fee").in_bulk(
        [line["product"] for line in raw]
    )
    lines = []
    for line in raw:
        image, product = images.get(line["image"]), products.get(line["product"])
        if image is not None and product is not None and image.orderable and product.active:
            lines.append(BasketLine(image, product))
    return lines


def add_to_basket(session, *, image_id: int, product_id: int) -> BasketLine:
    image = public_images().filter(pk=image_id).first()
    product = orderable_products(image).filter(pk=product_id).first() if image is not None else None
    if image is None or product is None:
        raise ShopError(_("This image cannot be ordered for this use."))
    raw = [line for line in session.get(BASKET_KEY, []) if line["image"] != image.pk]
    if len(raw) >= MAX_BASKET_LINES:
        raise ShopError(_("The basket is full."))
    raw.append({"image": image.pk, "product": product.pk})
    session[BASKET_KEY] = raw
    return BasketLine(image, product)


def remove_from_basket(session, *, image_id: int) -> None:
    session[BASKET_KEY] = [
        line for line in session.get(BASKET_KEY, []) if line["image"] != image_id
    ]


def basket_total(lines: list[BasketLine]) -> Decimal:
    return sum((line.price for line in lines), Decimal("0.00"))


# -- order --------------------------------------------------------------------


def needs_approval(lines) -> bool:
    """Commercial usages, and images with third-party rights, wait for the archive."""
    from media_archive.models import RightsStatus

    return any(
        line.product.usage_type.requires_approval
        or line.image.rights_status == RightsStatus.THIRD_PARTY
        for line in lines
    )


def order_fee_items(order: Order) -> list[FeeItem]:
    return [FeeItem(item.product.fee.booking_key, 1) for item in order.items.all()]


def order_summary(order: Order) -> str:
    return ", ".join(
        f"{item.image.signature} ({item.product.usage_type}, {item.product.name})"
        for item in order.items.select_related("image", "product__usage_type")
    )


# -- delivery -----------------------------------------------------------------


DOWNLOAD_SALT = "shop.download"


def download_url(grant: DownloadGrant) -> str:
    """The link in the customer's e-mail: the grant's random token, signed by the portal."""
    signed = signing.dumps(str(grant.token), salt=DOWNLOAD_SALT, compress=False)
    return absolute_url(reverse("shop:download", args=[signed]))


@transaction.atomic
def deliver_order(order: Order) -> list[DownloadGrant]:
    """Grants per file, the usage permission PDF, and the e-mail with PDFs and links."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("case", "partner", "invoice")
        .get(pk=order.pk)
    )
    if order.status == Order.Status.DELIVERED:
        return list(DownloadGrant.objects.filter(item__order=order))
    expires = timezone.now() + timedelta(days=download_days())
    grants = [
        DownloadGrant.objects.create(item=item, expires_at=expires, max_downloads=download_limit())
        for item in order.items.select_related("image", "product__usage_type")
    ]
    case: Case = order.case
    _subject, letter = render_email_text(
        key=PERMISSION_LETTER,
        values={
            "name": order.partner.greeting_name,
            "case_number": case.number,
            "valid_until": timezone.localtime(expires).strftime("%d.%m.%Y"),
        },
    )
    permission = file_pdf_document(
        case=case,
        template_name="shop/usage_permission.html",
        title=_("Usage permission"),
        filename=f"Nutzungsgenehmigung-{case.number}.pdf",
        context={
            "order": order,
            "items": order.items.select_related("image", "product__usage_type"),
            "grants": grants,
            "expires": expires,
            "letter": letter,
        },
    )
    order.status = Order.Status.DELIVERED
    order.save(update_fields=["status"])
    links = "\n".join(
        f"- {grant.item.image.signature} {grant.item.image.title}: {download_url(grant)}"
        for grant in grants
    )
    values = {
        "name": order.partner.greeting_name,
        "case_number": case.number,
        "links": links,
        "valid_until": timezone.localtime(expires).strftime("%d.%m.%Y"),
        "downloads": str(download_limit()),
        "amount": format_eur(order.invoice.total) if order.invoice else "",
    }
    subject, body = render_email_text(key=DELIVERY_MAIL, values=values)
    attachments = [permission.as_attachment()]
    if order.invoice and order.invoice.document:
        attachments.append(order.invoice.document.as_attachment())
    notify_applicant(case=case, subject=subject, body=body, to=order.email, attachments=attachments)
    record(case=case, message=events.USAGE_PERMISSION_SENT(count=len(grants)))
    return grants


# -- downloads ----------------------------------------------------------------


class DownloadRefused(Exception):
    """Unknown, expired or used-up link; the message is for the customer."""


def use_grant(signed: str) -> DownloadGrant:
    """Count one download, or refuse; the count cannot pass its limit even in parallel."""
    try:
        token = uuid.UUID(signing.loads(signed, salt=DOWNLOAD_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        raise DownloadRefused(_("This download link is not valid.")) from None
    grant = DownloadGrant.objects.filter(token=token).select_related("item__image").first()
    if grant is None:
        raise DownloadRefused(_("This download link is not valid."))
    if grant.expires_at < timezone.now():
        raise DownloadRefused(_("This download link has expired."))
    taken = DownloadGrant.objects.filter(
        pk=grant.pk, download_count__lt=F("max_downloads"), expires_at__gte=timezone.now()
    ).update(download_count=F("download_count") + 1)
    if not taken:
        raise DownloadRefused(_("This file has been downloaded as often as allowed."))
    return grant


def file_for(grant: DownloadGrant) -> tuple[bytes, str]:
    """The ordered file: the original scan, or scaled to the price list's long edge."""
    from PIL import Image

    image = grant.item.image
    long_edge = grant.item.product.long_edge
    with image.open_file() as handle:
        content = handle.read()
    name = f"{image.signature or image.pk}".replace(" ", "_").replace("/", "-")
    if not long_edge or max(image.width, image.height) <= long_edge:
        extension = image.file.name.rsplit(".", 1)[-1].lower()
        return content, f"{name}.{extension}"
    with Image.open(io.BytesIO(content)) as picture:
        picture.thumbnail((long_edge, long_edge))
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, "JPEG", quality=92)
    return buffer.getvalue(), f"{name}_{long_edge}px.jpg"


@dataclass
class Customer:
    last_name: str
    email: str
    organisation: str = ""
    first_name: str = ""
    salutation: str = ""
    street: str = ""
    postcode: str = ""
    town: str = ""
    purpose: str = ""


@transaction.atomic
def place_order(*, lines: list[BasketLine], customer: Customer) -> Order:
    """Order, items at today's prices and a case in the archive's office; the process starts."""
    from portal_site.accounts.models import OrgUnit
    from portal_site.cases.services import open_case
    from portal_site.processes import start_process

    from .services import PartnerData, find_or_create_partner

    if not lines:
        raise ShopError(_("The basket is empty."))
    partner = find_or_create_partner(
        PartnerData(
            last_name=customer.last_name,
            organisation=customer.organisation,
            first_name=customer.first_name,
            salutation=customer.salutation,
            street=customer.street,
            postcode=customer.postcode,
            town=customer.town,
            email=customer.email,
        )
    )
    office = OrgUnit.objects.filter(
        short_name=getattr(settings, "SHOP_ARCHIVE_OFFICE", "41.2")
    ).first()
    case = open_case(
        process_key=ORDER_PROCESS,
        title=_("Archive order"),
        data={
            "answers": [
                {"step": _("Order"), "name": "bild", "label": _("Image"), "value": text}
                for text in (
                    f"{line.image.signature} {line.image.title}: {line.product.usage_type}, "
                    f"{line.product.name}, {format_eur(line.price)}"
                    for line in lines
                )
            ]
            + [
                {
                    "step": _("Order"),
                    "name": "zweck",
                    "label": _("Intended use"),
                    "value": customer.purpose,
                }
            ],
            "values": {"purpose": customer.purpose},
        },
        applicant_name=partner.display_name,
        applicant_email=customer.email,
        office=office,
    )
    order = Order.objects.create(
        case=case,
        partner=partner,
        email=customer.email,
        purpose=customer.purpose,
        status=(
            Order.Status.AWAITING_APPROVAL
            if needs_approval(lines)
            else Order.Status.AWAITING_PAYMENT
        ),
    )
    for line in lines:
        OrderItem.objects.create(
            order=order, image=line.image, product=line.product, price=line.price
        )
    start_process(key=ORDER_PROCESS, case=case)
    order.refresh_from_db()
    return order


ORDER_PROCESS = "archive_order"


def cancel_orders(*, case: Case) -> int:
    """The case's order is not paid (Storno) or the case is cancelled: it is never delivered."""
    return (
        Order.objects.filter(case=case)
        .exclude(status__in=[Order.Status.DELIVERED, Order.Status.CANCELLED])
        .update(status=Order.Status.CANCELLED)
    )

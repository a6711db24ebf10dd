"""The shop's models: the money kernel (``money``) and the archive shop (``archive_shop``)."""

from .archive_shop import DownloadGrant, ImageProduct, Order, OrderItem, UsageType
from .money import (
    ZERO,
    BankStatement,
    Booking,
    BusinessPartner,
    Counter,
    Direction,
    Fee,
    FinanceExport,
    Invoice,
    InvoiceLine,
    OnlinePayment,
    Payment,
    Refund,
    StatementEntry,
    StatementReference,
)

__all__ = [
    "BankStatement",
    "Booking",
    "BusinessPartner",
    "Counter",
    "Direction",
    "DownloadGrant",
    "Fee",
    "FinanceExport",
    "ImageProduct",
    "Invoice",
    "InvoiceLine",
    "OnlinePayment",
    "Order",
    "OrderItem",
    "Payment",
    "Refund",
    "StatementEntry",
    "StatementReference",
    "UsageType",
    "ZERO",
]

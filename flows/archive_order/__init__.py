"""Archive orders: approval where needed, fee invoice, payment, delivery of the files.

Standard usages (private use, publication) go straight to the invoice; commercial
usages and images with third-party rights first wait for the archive's
approval. After payment the usage permission (Nutzungsgenehmigung) is filed,
and the customer gets it with the invoice and expiring download links.

The package: ``flow`` (typed data, chain, start), ``forms`` (the approval step's form).
"""

from .flow import (
    ORDER_PROCESS,
    ArchiveOrderFlow,
    ArchiveOrderProcess,
    register_archive_order,
    start_archive_order,
)

__all__ = [
    "ArchiveOrderFlow",
    "ArchiveOrderProcess",
    "ORDER_PROCESS",
    "register_archive_order",
    "start_archive_order",
]

"""Real bank files for tests: the payer's side (invoices and Kassenzeichen written in)."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from defusedxml import ElementTree as DefusedTree

from shop.models import Invoice
from tests.factories import InvoiceFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "camt"
BROKEN = {"genkgo-camt053.v2.wrong.xml"}  # deliberately broken in its source


def sample_files() -> list[Path]:
    """The repository's samples, and those in ``CAMT_SAMPLES_DIR`` when set."""
    folders = [DATA / "samples"]
    if extra := os.environ.get("CAMT_SAMPLES_DIR"):
        folders.append(Path(extra))
    files: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.xml")):
            files.setdefault(path.name, path)
    return list(files.values())


def local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def children(element, name: str) -> list:
    return [child for child in element if local(child) == name]


def child(element, *path: str):
    for name in path:
        found = children(element, name) if element is not None else []
        element = found[0] if found else None
    return element


def open_invoice(amount: Decimal, *, name: str = "Zahler") -> Invoice:
    """An open invoice with a valid Kassenzeichen, as a payer's bank file refers to it."""
    return InvoiceFactory(total=amount, partner__last_name=name)


def _status(entry) -> str:
    status = child(entry, "Sts")
    if status is None:
        return "BOOK"
    code = child(status, "Cd")
    return ((code.text if code is not None else status.text) or "").strip()


def _amount(element):
    amount = child(element, "Amt")
    if amount is None:
        amount = child(element, "AmtDtls", "TxAmt", "Amt")
    return amount


def euro_credits(root):
    """(entry, place) for each euro credit a payer's bank would carry a reference for.

    ``place`` is the ``TxDtls`` of one transfer of a batch, or the entry's only
    ``TxDtls``, or the entry itself when it has none.
    """
    for entry in root.iter():
        if local(entry) != "Ntry":
            continue
        amount = child(entry, "Amt")
        reversal = (child(entry, "RvslInd") is not None) and (
            (child(entry, "RvslInd").text or "").strip() == "true"
        )
        if (
            amount.get("Ccy") != "EUR"
            or (child(entry, "CdtDbtInd").text or "").strip() != "CRDT"
            or _status(entry) != "BOOK"
            or reversal
        ):
            continue
        transfers = [
            tx for block in children(entry, "NtryDtls") for tx in children(block, "TxDtls")
        ]
        if len(transfers) > 1 and all(_amount(tx) is not None for tx in transfers):
            for tx in transfers:
                yield entry, tx, Decimal(_amount(tx).text.strip())
        else:
            yield entry, (transfers[0] if transfers else entry), Decimal(amount.text.strip())


def write_reference(entry, place, reference: str) -> None:
    """Into ``Ustrd``, else ``Strd/CdtrRefInf/Ref``, else ``AddtlNtryInf`` (the README's rule)."""
    namespace = entry.tag[: entry.tag.index("}") + 1] if entry.tag.startswith("{") else ""
    unstructured = child(place, "RmtInf", "Ustrd")
    structured = child(place, "RmtInf", "Strd", "CdtrRefInf", "Ref")
    if unstructured is not None:
        unstructured.text = f"Kassenzeichen {reference}"
    elif structured is not None:
        structured.text = reference
    elif place is not entry:
        remittance = child(place, "RmtInf")
        if remittance is None:
            remittance = ElementTree.SubElement(place, namespace + "RmtInf")
        ElementTree.SubElement(remittance, namespace + "Ustrd").text = reference
    else:
        extra = child(entry, "AddtlNtryInf")
        if extra is None:
            extra = ElementTree.SubElement(entry, namespace + "AddtlNtryInf")
        extra.text = f"KZ {reference}"


def paid_by_bank(content: bytes) -> tuple[bytes, list[Invoice]]:
    """The file with a new invoice's Kassenzeichen in each euro credit, and those invoices."""
    root = DefusedTree.fromstring(content)
    invoices = []
    for entry, place, amount in list(euro_credits(root)):
        invoice = open_invoice(amount)
        write_reference(entry, place, invoice.reference)
        invoices.append(invoice)
    return serialise(root, content), invoices


def serialise(root, original: bytes) -> bytes:
    namespace = root.tag[1 : root.tag.index("}")] if root.tag.startswith("{") else ""
    ElementTree.register_namespace("", namespace)
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", original.lstrip())
    encoding = declared.group(1).decode() if declared else "utf-8"
    return ElementTree.tostring(root, encoding=encoding, xml_declaration=True)


def replace_texts(content: bytes, tag: str, value: str) -> bytes:
    """Every ``tag`` element's text set to ``value`` (e.g. all AcctSvcrRef to NONREF)."""
    root = DefusedTree.fromstring(content)
    for element in root.iter():
        if local(element) == tag:
            element.text = value
    return serialise(root, content)

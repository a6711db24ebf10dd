"""Keeping the archive's holdings in step with a folder the archive maintains elsewhere
(the seed's *Medienserver*): a SharePoint Online document library whose columns hold
the metadata (:mod:`media_archive.sync_sources.sharepoint`, incremental through Graph
delta), or a WebDAV folder (SharePoint on premises, a DMS, a file server) with its
images and a metadata sheet (:mod:`media_archive.sync_sources.webdav`).

A source (:class:`SyncSource`, a connector of kind ``media``) lists its items with a
version (the ETag) and their metadata in the columns of the bulk import
(:mod:`media_archive.importing`: Signatur, Titel, Datierung, Ort, Schlagworte, Rechte
…). :func:`synchronise` then

- creates an archive image for a new item and updates one whose file or metadata
  changed (originals private, previews watermarked, as every archive image);
- leaves an unchanged item alone (same version, same metadata): a run over 10,000
  unchanged items reads the listing and the sheet, nothing else;
- takes a removed item out of the archive (no longer public, not orderable; the image
  stays for orders that name it);
- refuses an item it cannot take (no metadata row, no signature, not an image) with its
  reason in the run's report;
- is resumable: every item is committed on its own and remembered with its version, so a
  run broken off (the server gone mid-way) is finished by the next one, which skips what
  the broken run had done; a change-tracking source's cursor (the delta link) is kept
  only from a run that finished, so the next run asks again from the last good one.

Each run is kept (:class:`media_archive.models.SyncRun`) and shown under *Archiv →
Abgleich*; ``manage.py sync_archive`` runs it, and the periodic job
``media_archive.sync`` runs every configured source.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from portal_site.connectors import Connector, connectors

from .importing import RowError, _import_row
from .models import ArchiveImage, SyncedItem, SyncRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RemoteItem:
    id: str  # stable in the source: a path or the source's item id
    name: str  # the file name
    version: str  # ETag or the source's version tag
    fields: dict[str, str] = field(default_factory=dict)  # bulk-import fields
    refused: str = ""  # why the source already knows it cannot be taken


@dataclass
class Listing:
    """What a source answers: every item (``complete``: the ones missing were removed),
    or, for a source that tracks changes (Graph delta), what changed since ``cursor`` of
    the last finished run, with the ids of the items ``removed`` since."""

    items: list[RemoteItem]
    complete: bool = True
    removed: list[str] = field(default_factory=list)
    cursor: str = ""  # where the next run continues from (kept only when this run finished)


class SyncSource(Connector):
    kind = "media"

    def opened(self):
        """A context for one run (one connection for the listing and every fetch)."""
        return nullcontext()

    def listing(self, cursor: str = "") -> Listing:
        """The items; ``cursor`` is the one the last finished run ended with."""
        raise NotImplementedError

    def described(self, item: RemoteItem) -> RemoteItem:
        """The item with its metadata, for a source that reads them per item (called
        item by item, so a run broken off keeps what it took before)."""
        return item

    def fetch(self, item: RemoteItem) -> bytes:
        raise NotImplementedError


def sources() -> list[SyncSource]:
    return [s for s in connectors("media") if isinstance(s, SyncSource) and s.is_enabled()]


def _fields_hash(fields: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _take(source: SyncSource, item: RemoteItem, known: SyncedItem | None, run: SyncRun) -> None:
    item = source.described(item)
    fields_hash = _fields_hash(item.fields)
    if known and known.version == item.version and known.fields_hash == fields_hash:
        run.unchanged += 1
        return
    if item.refused:
        run.refused.append([item.name, item.refused])
        return
    row = {k: v for k, v in item.fields.items() if k != "file"}
    content = None
    if known is None or known.version != item.version or known.image_id is None:
        content = source.fetch(item)  # a network error ends the run; the next one resumes
        row["file"] = item.name
    try:
        with transaction.atomic():
            created = _import_row(row, lambda _name: content)
            image = ArchiveImage.objects.get(signature=row.get("signature", "").strip())
            SyncedItem.objects.update_or_create(
                source=source.key,
                item_id=item.id,
                defaults={"version": item.version, "fields_hash": fields_hash, "image": image},
            )
    except RowError as exc:
        run.refused.append([item.name, str(exc)])
        return
    if created:
        run.created += 1
    else:
        run.updated += 1


def _remove(source: SyncSource, listing: Listing, seen: set[str], run: SyncRun) -> None:
    synced_items = SyncedItem.objects.filter(source=source.key)
    if listing.complete:
        gone = synced_items.exclude(item_id__in=seen)
    else:
        gone = synced_items.filter(item_id__in=set(listing.removed) - seen)
    for synced in gone.select_related("image"):
        with transaction.atomic():
            if synced.image is not None:
                ArchiveImage.objects.filter(pk=synced.image.pk).update(
                    in_archive=False, published=False
                )
            synced.delete()
        run.removed += 1


def synchronise(source: SyncSource) -> SyncRun:
    """One run over ``source``; the run is saved with its report, also when it broke off."""
    last = (
        SyncRun.objects.filter(source=source.key, error="", finished_at__isnull=False)
        .exclude(cursor="")
        .order_by("-started_at", "-pk")
        .values_list("cursor", flat=True)
        .first()
    )
    run = SyncRun.objects.create(source=source.key)
    try:
        with source.opened():
            listing = source.listing(cursor=last or "")
            known = {s.item_id: s for s in SyncedItem.objects.filter(source=source.key)}
            seen: set[str] = set()
            for item in listing.items:
                seen.add(item.id)
                _take(source, item, known.get(item.id), run)
        _remove(source, listing, seen, run)
        run.cursor = listing.cursor
    except Exception as exc:  # noqa: BLE001 - the report says where it stopped
        logger.exception("Archive sync from %s broke off", source.key)
        run.error = str(exc)[:2000] or exc.__class__.__name__
    run.finished_at = timezone.now()
    run.save()
    return run


def synchronise_all() -> int:
    """Periodic job: every configured source once; returns the items created or updated."""
    return sum(run.created + run.updated for run in map(synchronise, sources()))

"""Uploads between a form step and the final submission: private, temporary, cleaned up."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from .form_engine import CONTENT_TYPES, EXTENSIONS

TEMP_DIR = "portal-uploads"
TEMP_LIFETIME = timedelta(days=2)


def store_temporary(upload) -> dict[str, object]:
    """Keep a validated upload in the private storage until the application is sent."""
    kind = upload.detected_type
    content = upload.read()
    stem = (upload.name.rsplit(".", 1)[0] or "datei")[:80]
    filename = f"{stem}.{EXTENSIONS[kind]}"
    name = storages["private"].save(
        f"{TEMP_DIR}/{uuid.uuid4().hex}/{filename}", ContentFile(content)
    )
    return {
        "storage_name": name,
        "filename": filename,
        "content_type": CONTENT_TYPES[kind],
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def read_temporary(info: dict[str, object]) -> bytes:
    with storages["private"].open(str(info["storage_name"]), "rb") as handle:
        return handle.read()


def delete_temporary(info: dict[str, object]) -> None:
    storages["private"].delete(str(info["storage_name"]))


def purge_stale_uploads(keep: frozenset[str] | set[str] = frozenset()) -> int:
    """Periodic job: delete temporary uploads of applications never sent (those of
    saved applications, ``keep``, stay until their link expires)."""
    storage = storages["private"]
    if not storage.exists(TEMP_DIR):
        return 0
    limit = timezone.now() - TEMP_LIFETIME
    removed = 0
    folders, _files = storage.listdir(TEMP_DIR)
    for folder in folders:
        for filename in storage.listdir(f"{TEMP_DIR}/{folder}")[1]:
            path = f"{TEMP_DIR}/{folder}/{filename}"
            if path not in keep and storage.get_modified_time(path) < limit:
                storage.delete(path)
                removed += 1
    return removed

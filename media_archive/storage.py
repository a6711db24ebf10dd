"""Where archive files live: outside the public media folder, served only through views.

Originals and renditions are stored under ``PRIVATE_MEDIA_ROOT/archive``. A
file's URL is a signed link to :func:`media_archive.views.protected_file`,
which serves a rendition to everyone only when it is a public one (see
:func:`media_archive.selectors.is_public_rendition`) and everything else only to
staff. Guessing a path under ``/media/`` finds nothing: nothing is there.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse

FILE_SALT = "media_archive.file"


class ProtectedStorage(FileSystemStorage):
    def __init__(self, location: str | None = None, **kwargs):
        location = location or str(Path(settings.PRIVATE_MEDIA_ROOT) / "archive")
        super().__init__(location=location, base_url=None, **kwargs)

    def url(self, name: str | None) -> str:
        return reverse("media_archive:file", args=[signing.dumps(name, salt=FILE_SALT)])


def archive_storage() -> FileSystemStorage:
    return storages["archive"]


def name_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=FILE_SALT)
    except signing.BadSignature:
        return None

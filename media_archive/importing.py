"""Bulk import of archive images with a metadata sheet (XLSX or CSV) and their files.

Columns (German headers, any order): Datei, Signatur, Titel, Beschreibung,
Datierung, Jahr von, Jahr bis, Fotograf, Ort, Schlagworte (comma-separated),
Serie, Rechte (Stadtarchiv / gemeinfrei / Dritte / gesperrt), Veröffentlicht
(ja/nein). Each row is imported on its own: a bad row is rejected with its
reason, the good rows land. A row whose signature exists updates that image's
metadata (and its file when one is given).
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from portal_site.accounts.directory_import import read_rows

from .models import ArchiveImage, RightsStatus, Series

logger = logging.getLogger(__name__)

HEADERS = {
    "datei": "file",
    "signatur": "signature",
    "titel": "title",
    "beschreibung": "description",
    "datierung": "date_label",
    "jahr von": "year_from",
    "jahr bis": "year_to",
    "fotograf": "photographer",
    "fotograf/in": "photographer",
    "ort": "place",
    "schlagworte": "keywords",
    "serie": "series",
    "rechte": "rights",
    "veröffentlicht": "published",
}
RIGHTS = {
    "stadtarchiv": RightsStatus.CITY,
    "gemeinfrei": RightsStatus.PUBLIC_DOMAIN,
    "dritte": RightsStatus.THIRD_PARTY,
    "gesperrt": RightsStatus.RESTRICTED,
}
MAX_IMAGE_BYTES = 100 * 1024 * 1024
# A 20000 × 20000 px PNG of a few KB unpacks to 1.2 GB: refuse before decoding.
MAX_IMAGE_PIXELS = 150_000_000
FileSource = Callable[[str], bytes | None]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


class RowError(ValueError):
    pass


def files_from_zip(content: bytes) -> FileSource:
    """Files of a ZIP by name; a damaged member rejects its row, not the import."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = {Path(n).name: n for n in archive.namelist() if not n.endswith("/")}

    def read(name: str) -> bytes | None:
        member = names.get(Path(name).name)
        if member is None:
            return None
        if archive.getinfo(member).file_size > MAX_IMAGE_BYTES:
            raise RowError(_("The file “%(name)s” is larger than 100 MB.") % {"name": name})
        try:
            return archive.read(member)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise RowError(
                _("The file “%(name)s” is damaged in the ZIP archive.") % {"name": name}
            ) from exc

    return read


def files_from_folder(folder: Path) -> FileSource:
    def read(name: str) -> bytes | None:
        path = (folder / Path(name).name).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            return None
        return path.read_bytes()

    return read


def _year(value: str, label: str) -> int | None:
    if not value:
        return None
    try:
        year = int(float(value))
    except ValueError as exc:
        raise RowError(
            _("%(column)s is not a year: “%(value)s”.") % {"column": label, "value": value}
        ) from exc
    if not 1800 <= year <= 2100:
        raise RowError(_("%(column)s lies outside 1800–2100.") % {"column": label})
    return year


def _image_file(content: bytes, name: str) -> ImageFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise RowError(
                        _(
                            "The image “%(name)s” has %(pixels)s megapixels; "
                            "at most %(limit)s are accepted."
                        )
                        % {
                            "name": name,
                            "pixels": width * height // 1_000_000,
                            "limit": MAX_IMAGE_PIXELS // 1_000_000,
                        }
                    )
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RowError(
            _("The image “%(name)s” is too large to be processed safely.") % {"name": name}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise RowError(_("The file “%(name)s” is not a readable image.") % {"name": name}) from exc
    return ImageFile(io.BytesIO(content), name=Path(name).name)


def _import_row(row: dict[str, str], files: FileSource) -> bool:
    signature = row.get("signature", "").strip()
    title = row.get("title", "").strip()
    if not signature:
        raise RowError(_("The signature is missing."))
    if not title:
        raise RowError(_("The title is missing."))
    year_from = _year(row.get("year_from", ""), _("Jahr von"))
    year_to = _year(row.get("year_to", ""), _("Jahr bis")) or year_from
    if year_from and year_to and year_to < year_from:
        raise RowError(_("“Jahr bis” lies before “Jahr von”."))
    rights_text = row.get("rights", "").strip().lower() or "stadtarchiv"
    if rights_text not in RIGHTS:
        raise RowError(
            _("Unknown rights status “%(value)s” (allowed: %(allowed)s).")
            % {"value": row.get("rights", ""), "allowed": ", ".join(RIGHTS)}
        )
    image = ArchiveImage.objects.filter(signature=signature).first()
    created = image is None
    file_name = row.get("file", "").strip()
    content = files(file_name) if file_name else None
    if file_name and content is None:
        raise RowError(_("The file “%(name)s” is not in the upload.") % {"name": file_name})
    if created and content is None:
        raise RowError(_("A new image needs a file (column “Datei”)."))
    image = image or ArchiveImage(signature=signature)
    image.title = title[:255]
    image.description = row.get("description", "").strip()
    image.date_label = row.get("date_label", "").strip()[:100]
    image.year_from, image.year_to = year_from, year_to
    image.photographer = row.get("photographer", "").strip()[:255]
    image.place = row.get("place", "").strip()[:150]
    series = row.get("series", "").strip()
    image.series = Series.objects.get_or_create(name=series[:150])[0] if series else None
    image.rights_status = RIGHTS[rights_text]
    image.in_archive = True
    image.published = row.get("published", "ja").strip().lower() in ("ja", "yes", "1", "x", "")
    if content is not None:
        image.file = _image_file(content, file_name)
    image.save()
    keywords = [k.strip() for k in row.get("keywords", "").split(",") if k.strip()]
    image.tags.set(keywords, clear=True)
    return created


def import_archive(*, sheet: bytes, sheet_name: str, files: FileSource) -> ImportReport:
    report = ImportReport()
    try:
        rows = read_rows(content=sheet, filename=sheet_name, headers=HEADERS)
    except Exception:  # noqa: BLE001 - any unreadable sheet gets the same answer
        report.rejected.append((1, _("The sheet cannot be read (XLSX or CSV with headers).")))
        return report
    for number, row in enumerate(rows, start=2):
        try:
            with transaction.atomic():
                if _import_row(row, files):
                    report.created += 1
                else:
                    report.updated += 1
        except RowError as exc:
            report.rejected.append((number, str(exc)))
        except Exception:  # noqa: BLE001 - one bad row never loses the report of the others
            logger.exception("Archive import: row %d failed", number)
            report.rejected.append((number, _("The row could not be imported.")))
    return report

"""Demo holdings: twelve drawn photographs with Kassel metadata, imported like real ones."""

from __future__ import annotations

import csv
import io
import random

from PIL import Image, ImageDraw, ImageFont

from portal_site.core.demo import register_demo_step

from .importing import import_archive
from .operations import FONT

# file, signature, title, dating, from, to, photographer, place, keywords, series, rights
HOLDINGS = [
    (
        "koenigsplatz-1955.jpg",
        "S 01 Nr. 1955-014",
        "Königsplatz mit Straßenbahn",
        "um 1955",
        1955,
        1955,
        "Carl Eberth",
        "Königsplatz",
        "Straßenbahn, Innenstadt, Verkehr",
        "Stadtbildstelle",
        "Stadtarchiv",
    ),
    (
        "fridericianum-1955.jpg",
        "S 01 Nr. 1955-102",
        "documenta 1: Museum Fridericianum",
        "1955",
        1955,
        1955,
        "Günther Becker",
        "Friedrichsplatz",
        "documenta, Kunst, Museum",
        "documenta-Archiv",
        "Dritte",
    ),
    (
        "herkules-1936.jpg",
        "S 03 Nr. 1936-007",
        "Herkules im Bergpark Wilhelmshöhe",
        "1936",
        1936,
        1936,
        "Walter Thieme",
        "Wilhelmshöhe",
        "Bergpark, Herkules, Denkmal",
        "Ansichtskarten",
        "gemeinfrei",
    ),
    (
        "obere-koenigsstrasse-1928.jpg",
        "S 03 Nr. 1928-031",
        "Obere Königsstraße mit Rathaus",
        "1928",
        1928,
        1928,
        "unbekannt",
        "Obere Königsstraße",
        "Rathaus, Innenstadt",
        "Ansichtskarten",
        "gemeinfrei",
    ),
    (
        "trümmer-1945.jpg",
        "S 02 Nr. 1945-118",
        "Zerstörte Altstadt",
        "1945",
        1945,
        1945,
        "Carl Eberth",
        "Altstadt",
        "Zerstörung, Krieg, Innenstadt",
        "Stadtbildstelle",
        "Stadtarchiv",
    ),
    (
        "treppenstrasse-1953.jpg",
        "S 01 Nr. 1953-044",
        "Treppenstraße, erste Fußgängerzone",
        "1953",
        1953,
        1953,
        "Günther Becker",
        "Treppenstraße",
        "Wiederaufbau, Innenstadt, Fußgängerzone",
        "Stadtbildstelle",
        "Stadtarchiv",
    ),
    (
        "orangerie-1964.jpg",
        "S 01 Nr. 1964-210",
        "Orangerie in der Karlsaue",
        "um 1964",
        1964,
        1964,
        "Ilse Möller",
        "Karlsaue",
        "Park, Orangerie, documenta",
        "Stadtbildstelle",
        "Stadtarchiv",
    ),
    (
        "loewenburg-1972.jpg",
        "S 01 Nr. 1972-015",
        "Löwenburg im Winter",
        "1972",
        1972,
        1972,
        "Ilse Möller",
        "Wilhelmshöhe",
        "Bergpark, Schloss, Winter",
        "Stadtbildstelle",
        "Stadtarchiv",
    ),
    (
        "hauptbahnhof-1961.jpg",
        "S 01 Nr. 1961-087",
        "Hauptbahnhof, Bahnhofsvorplatz",
        "1961",
        1961,
        1961,
        "Carl Eberth",
        "Hauptbahnhof",
        "Verkehr, Bahn",
        "Stadtbildstelle",
        "Stadtarchiv",
    ),
    (
        "documenta-7-1982.jpg",
        "S 04 Nr. 1982-003",
        "documenta 7: 7000 Eichen, erster Basaltstein",
        "1982",
        1982,
        1982,
        "Dieter Schwerdtle",
        "Friedrichsplatz",
        "documenta, Kunst, Beuys",
        "documenta-Archiv",
        "Dritte",
    ),
    (
        "fulda-1930.jpg",
        "S 03 Nr. 1930-052",
        "Fuldaufer mit Drahtbrücke",
        "um 1930",
        1928,
        1932,
        "unbekannt",
        "Fuldaufer",
        "Fluss, Brücke",
        "Ansichtskarten",
        "gemeinfrei",
    ),
    (
        "rathaus-1978.jpg",
        "S 01 Nr. 1978-140",
        "Rathaus, Sitzung der Stadtverordneten",
        "1978",
        1978,
        1978,
        "Ilse Möller",
        "Obere Königsstraße",
        "Rathaus, Politik",
        "Stadtbildstelle",
        "gesperrt",
    ),
]
COLUMNS = [
    "Datei",
    "Signatur",
    "Titel",
    "Datierung",
    "Jahr von",
    "Jahr bis",
    "Fotograf",
    "Ort",
    "Schlagworte",
    "Serie",
    "Rechte",
]


def drawn_photo(title: str, seed: int, size=(1600, 1200)) -> bytes:
    """A sepia 'photograph' with shapes and its title: stands in for a scan."""
    rng = random.Random(seed)  # noqa: S311 - demo pictures, not secrets
    image = Image.new(
        "RGB", size, (rng.randint(150, 200), rng.randint(130, 170), rng.randint(100, 130))
    )
    draw = ImageDraw.Draw(image)
    for _shape in range(14):
        x, y = rng.randint(0, size[0]), rng.randint(size[1] // 3, size[1])
        w, h = rng.randint(80, 400), rng.randint(80, 500)
        shade = rng.randint(40, 120)
        draw.rectangle((x, y - h, x + w, y), fill=(shade + 30, shade + 15, shade))
    try:
        font = ImageFont.truetype(FONT, 64)
    except OSError:
        font = ImageFont.load_default(64)
    draw.text((60, 60), title, font=font, fill=(30, 20, 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


ADMIN_THUMBNAIL = "max-165x165"  # Wagtail's image listing


def import_holdings(rows, *, size=(1600, 1200)) -> None:
    """Import holdings rows (as ``HOLDINGS``) through the archive's own import, each
    with a drawn photo of ``size``."""
    sheet = io.StringIO()
    writer = csv.writer(sheet, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    files = {row[0]: drawn_photo(row[2], index, size) for index, row in enumerate(rows)}
    import_archive(sheet=sheet.getvalue().encode(), sheet_name="bestand.csv", files=files.get)


def load_archive_demo() -> None:
    from .models import ArchiveImage
    from .selectors import PUBLIC_FILTERS

    if ArchiveImage.objects.filter(in_archive=True).exists():
        return
    import_holdings(HOLDINGS)
    # The previews the research and the admin's image list show first, made now rather
    # than on the first visitor's request.
    for image in ArchiveImage.objects.filter(in_archive=True):
        for spec in (*PUBLIC_FILTERS.values(), ADMIN_THUMBNAIL):
            image.get_rendition(spec)


register_demo_step(order=15, name="archive", run=load_archive_demo)

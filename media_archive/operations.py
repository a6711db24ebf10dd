"""The ``watermark`` image operation: ``fill-400x300|watermark`` marks a preview.

Filter operations run after resizing, so the mark is sized for the preview it
sits on. The text is the archive's name, repeated diagonally and half
transparent, so that a crop cannot remove it.
"""

from __future__ import annotations

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont
from wagtail.images.image_operations import FilterOperation
from willow.plugins.pillow import PillowImage

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def watermark(image: Image.Image, text: str) -> Image.Image:
    base = image.convert("RGBA")
    width, height = base.size
    size = max(12, min(width, height) // 9)
    font = _font(size)
    tile = Image.new("RGBA", (width * 2, height * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    step_x = int(draw.textlength(text, font=font)) + size * 2
    step_y = size * 4
    for row, y in enumerate(range(0, height * 2, step_y)):
        for x in range(-(row % 2) * step_x // 2, width * 2, step_x):
            draw.text(
                (x, y),
                text,
                font=font,
                fill=(255, 255, 255, 110),
                stroke_width=1,
                stroke_fill=(0, 0, 0, 90),
            )
    tile = tile.rotate(30, resample=Image.Resampling.BICUBIC)
    left, top = (tile.width - width) // 2, (tile.height - height) // 2
    marked = Image.alpha_composite(base, tile.crop((left, top, left + width, top + height)))
    return marked.convert("RGB")


class WatermarkOperation(FilterOperation):
    def construct(self):
        pass

    def run(self, willow, image, env):
        pil = willow.image  # Pillow is the only image library installed
        text = getattr(settings, "ARCHIVE_WATERMARK_TEXT", "Stadtarchiv Kassel")
        return PillowImage(watermark(pil, text))

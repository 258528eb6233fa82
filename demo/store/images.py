"""Product pictures drawn with Pillow: no network, no font files, a few milliseconds each.

A soft diagonal gradient in the product's colour, a flat icon for its shelf, and the brand
and product name underneath. The second picture of a product is a close-up of the icon.
"""

from __future__ import annotations

import io
import zlib
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from demo.store.catalog import CATEGORIES, COLOURS
from demo.store.icons import ICONS, RGB, Box, mix
from demo.store.shelves import SHELVES

SIZE = 600
FORMAT = "WEBP"
EXTENSION = "webp"
QUALITY = 80

_PALETTE = tuple(COLOURS.values())
_CATEGORY_NAMES = {node.slug: node.name for node in CATEGORIES}
_ICON_BY_CATEGORY = {shelf.category: shelf.icon for shelf in SHELVES}


def render_product_image(
    *, name: str, brand: str, category: str, attributes: dict[str, object], view: int = 0
) -> bytes:
    """The encoded picture of a product in the category with that slug; `view` 0 is the catalog shot, 1 the close-up."""
    colour = _product_colour(brand=brand, category=category, attributes=attributes)
    light, mid = mix(colour, (255, 255, 255), 0.82), mix(colour, (255, 255, 255), 0.55)
    ink = colour if _luminance(colour) < 150 else mix(colour, (20, 20, 24), 0.5)
    accent = mix(colour, (255, 255, 255), 0.35) if _luminance(colour) < 150 else mix(colour, (20, 20, 24), 0.2)
    draw_icon = ICONS[_ICON_BY_CATEGORY.get(category, "bag")]

    image = Image.composite(Image.new("RGB", (SIZE, SIZE), mid), Image.new("RGB", (SIZE, SIZE), light), _gradient())
    draw = ImageDraw.Draw(image)
    if view == 0:
        draw.ellipse(_scaled((0.2, 0.08, 0.8, 0.68)), fill=mix(light, (255, 255, 255), 0.6))
        draw_icon(draw, _scaled((0.27, 0.14, 0.73, 0.6)), ink, accent)
        _caption(draw, name=name, brand=brand, category=category, ink=ink)
    else:
        draw.ellipse(_scaled((0.05, 0.05, 0.95, 0.95)), fill=mix(light, (255, 255, 255), 0.6))
        draw_icon(draw, _scaled((0.14, 0.14, 0.86, 0.86)), ink, accent)
        draw.text((SIZE * 0.05, SIZE * 0.05), brand.upper(), font=_font(22), fill=ink)

    buffer = io.BytesIO()
    image.save(buffer, FORMAT, quality=QUALITY, method=2)
    return buffer.getvalue()


def image_filename(*, slug: str, view: int = 0) -> str:
    suffix = "" if view == 0 else f"-{view + 1}"
    return f"{slug}{suffix}.{EXTENSION}"


def _caption(draw: ImageDraw.ImageDraw, *, name: str, brand: str, category: str, ink: RGB) -> None:
    label = _CATEGORY_NAMES.get(category, category).upper()
    label_font = _font(18)
    width = draw.textlength(label, font=label_font)
    draw.rounded_rectangle((24, 24, 24 + width + 24, 56), radius=16, fill=(255, 255, 255))
    draw.text((36, 40), label, font=label_font, fill=ink, anchor="lm")

    centre = SIZE / 2
    draw.text((centre, SIZE * 0.75), brand.upper(), font=_font(34), fill=ink, anchor="mm", stroke_width=1)
    title = name.removeprefix(brand).strip() or name
    for row, line in enumerate(_wrap(draw, title, _font(26), SIZE * 0.86, max_lines=2)):
        draw.text((centre, SIZE * 0.84 + row * 34), line, font=_font(26), fill=(40, 40, 46), anchor="mm")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float, *, max_lines: int):
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif len(lines) < max_lines:
            lines.append(word)
        else:
            lines[-1] = lines[-1].rstrip(".") + "..."
            break
    return lines


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=1)
def _gradient() -> Image.Image:
    """Mask that runs from 0 in the top-left corner to 255 in the bottom-right one."""
    ramp = Image.linear_gradient("L").resize((SIZE, SIZE))
    return Image.blend(ramp, ramp.rotate(90), 0.5)


def _product_colour(*, brand: str, category: str, attributes: dict[str, object]) -> RGB:
    named = COLOURS.get(str(attributes.get("colour", "")))
    if named:
        return named
    return _PALETTE[zlib.crc32(f"{brand}/{category}".encode()) % len(_PALETTE)]


def _luminance(colour: RGB) -> float:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


def _scaled(box: Box) -> Box:
    return tuple(value * SIZE for value in box)

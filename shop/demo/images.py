"""Product pictures drawn with Pillow: no network, no font files, a few milliseconds each.

A soft diagonal gradient in the product's colour, a flat icon for its shelf, and the brand
and product name underneath. The second picture of a product is a close-up of the icon.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from shop.demo.catalog import CATEGORIES, COLOURS, SHELVES

SIZE = 600
FORMAT = "WEBP"
EXTENSION = "webp"
QUALITY = 80

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]
_PALETTE = tuple(COLOURS.values())
_CATEGORY_NAMES = {node.slug: node.name for node in CATEGORIES}
_ICON_BY_CATEGORY = {shelf.category: shelf.icon for shelf in SHELVES}


def render_product_image(
    *, name: str, brand: str, category: str, attributes: dict[str, object], view: int = 0
) -> bytes:
    """The encoded picture of a product in the category with that slug; `view` 0 is the catalog shot, 1 the close-up."""
    colour = _product_colour(brand=brand, category=category, attributes=attributes)
    light, mid = _mix(colour, (255, 255, 255), 0.82), _mix(colour, (255, 255, 255), 0.55)
    ink = colour if _luminance(colour) < 150 else _mix(colour, (20, 20, 24), 0.5)
    accent = _mix(colour, (255, 255, 255), 0.35) if _luminance(colour) < 150 else _mix(colour, (20, 20, 24), 0.2)
    draw_icon = _ICONS[_ICON_BY_CATEGORY.get(category, "bag")]

    image = Image.composite(Image.new("RGB", (SIZE, SIZE), mid), Image.new("RGB", (SIZE, SIZE), light), _gradient())
    draw = ImageDraw.Draw(image)
    if view == 0:
        draw.ellipse(_scaled((0.2, 0.08, 0.8, 0.68)), fill=_mix(light, (255, 255, 255), 0.6))
        draw_icon(draw, _scaled((0.27, 0.14, 0.73, 0.6)), ink, accent)
        _caption(draw, name=name, brand=brand, category=category, ink=ink)
    else:
        draw.ellipse(_scaled((0.05, 0.05, 0.95, 0.95)), fill=_mix(light, (255, 255, 255), 0.6))
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


def _mix(colour: RGB, other: RGB, amount: float) -> RGB:
    """`amount` of `other` blended into `colour`."""
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def _luminance(colour: RGB) -> float:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


def _scaled(box: Box) -> Box:
    return tuple(value * SIZE for value in box)


class _Frame:
    """Unit coordinates inside an icon's box, so every icon is drawn once for any size."""

    def __init__(self, box: Box):
        self.x0, self.y0, self.x1, self.y1 = box
        self.w, self.h = self.x1 - self.x0, self.y1 - self.y0

    def p(self, u: float, v: float) -> tuple[float, float]:
        return (self.x0 + u * self.w, self.y0 + v * self.h)

    def box(self, u0: float, v0: float, u1: float, v1: float) -> Box:
        return (*self.p(u0, v0), *self.p(u1, v1))

    def width(self, fraction: float) -> int:
        return max(1, round(self.w * fraction))


def _camera(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.28, 0.16, 0.5, 0.3), radius=f.width(0.03), fill=ink)
    draw.rounded_rectangle(f.box(0.02, 0.25, 0.98, 0.85), radius=f.width(0.08), fill=ink)
    draw.ellipse(f.box(0.3, 0.3, 0.7, 0.8), fill=accent)
    draw.ellipse(f.box(0.37, 0.37, 0.63, 0.73), fill=ink)
    draw.ellipse(f.box(0.43, 0.43, 0.52, 0.52), fill=(255, 255, 255))
    draw.rounded_rectangle(f.box(0.76, 0.32, 0.9, 0.4), radius=f.width(0.02), fill=accent)


def _phone(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.27, 0.0, 0.73, 1.0), radius=f.width(0.08), fill=ink)
    draw.rounded_rectangle(f.box(0.3, 0.04, 0.7, 0.96), radius=f.width(0.06), fill=accent)
    draw.rounded_rectangle(f.box(0.43, 0.06, 0.57, 0.09), radius=f.width(0.02), fill=ink)
    for v in (0.2, 0.3, 0.4):
        draw.rounded_rectangle(f.box(0.36, v, 0.64, v + 0.06), radius=f.width(0.02), fill=_mix(accent, ink, 0.2))


def _headphones(draw, box, ink, accent):
    f = _Frame(box)
    draw.arc(f.box(0.1, 0.02, 0.9, 0.9), start=180, end=360, fill=ink, width=f.width(0.07))
    draw.line([f.p(0.13, 0.46), f.p(0.13, 0.6)], fill=ink, width=f.width(0.07))
    draw.line([f.p(0.87, 0.46), f.p(0.87, 0.6)], fill=ink, width=f.width(0.07))
    for u in (0.04, 0.74):
        draw.rounded_rectangle(f.box(u, 0.52, u + 0.22, 0.95), radius=f.width(0.07), fill=ink)
        draw.rounded_rectangle(f.box(u + 0.05, 0.58, u + 0.17, 0.89), radius=f.width(0.04), fill=accent)


def _laptop(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.12, 0.12, 0.88, 0.72), radius=f.width(0.04), fill=ink)
    draw.rectangle(f.box(0.16, 0.17, 0.84, 0.67), fill=accent)
    draw.polygon([f.p(0.08, 0.75), f.p(0.92, 0.75), f.p(1.0, 0.88), f.p(0.0, 0.88)], fill=ink)
    draw.rectangle(f.box(0.42, 0.77, 0.58, 0.8), fill=accent)


def _card(draw, box, ink, accent):
    f = _Frame(box)
    draw.polygon(
        [f.p(0.2, 0.05), f.p(0.66, 0.05), f.p(0.8, 0.19), f.p(0.8, 0.95), f.p(0.2, 0.95)],
        fill=ink,
    )
    for i in range(5):
        u = 0.27 + i * 0.08
        draw.rectangle(f.box(u, 0.1, u + 0.05, 0.24), fill=(224, 184, 80))
    draw.rounded_rectangle(f.box(0.27, 0.45, 0.73, 0.85), radius=f.width(0.03), fill=accent)


def _tripod(draw, box, ink, accent):
    f = _Frame(box)
    width = f.width(0.045)
    top = f.p(0.5, 0.3)
    for foot in (f.p(0.12, 0.98), f.p(0.5, 0.98), f.p(0.88, 0.98)):
        draw.line([top, foot], fill=ink, width=width)
    draw.rounded_rectangle(f.box(0.25, 0.04, 0.75, 0.24), radius=f.width(0.04), fill=ink)
    draw.ellipse(f.box(0.42, 0.08, 0.58, 0.22), fill=accent)
    draw.rectangle(f.box(0.44, 0.24, 0.56, 0.34), fill=ink)


def _case(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.25, 0.0, 0.75, 1.0), radius=f.width(0.1), fill=ink)
    draw.rounded_rectangle(f.box(0.31, 0.05, 0.52, 0.27), radius=f.width(0.05), fill=accent)
    draw.ellipse(f.box(0.34, 0.08, 0.42, 0.16), fill=ink)
    draw.ellipse(f.box(0.34, 0.17, 0.42, 0.25), fill=ink)
    draw.ellipse(f.box(0.44, 0.58, 0.56, 0.7), outline=accent, width=f.width(0.015))


def _plug(draw, box, ink, accent):
    f = _Frame(box)
    draw.rectangle(f.box(0.34, 0.02, 0.41, 0.2), fill=accent)
    draw.rectangle(f.box(0.59, 0.02, 0.66, 0.2), fill=accent)
    draw.rounded_rectangle(f.box(0.22, 0.18, 0.78, 0.6), radius=f.width(0.08), fill=ink)
    draw.rectangle(f.box(0.45, 0.6, 0.55, 0.7), fill=ink)
    draw.line([f.p(0.5, 0.7), f.p(0.5, 0.82), f.p(0.7, 0.92), f.p(0.95, 0.92)], fill=ink, width=f.width(0.04))
    draw.polygon(
        [f.p(0.52, 0.28), f.p(0.42, 0.42), f.p(0.5, 0.42), f.p(0.47, 0.52), f.p(0.58, 0.36), f.p(0.5, 0.36)],
        fill=accent,
    )


def _pot(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.12, 0.38, 0.88, 0.9), radius=f.width(0.1), fill=ink)
    draw.rectangle(f.box(0.0, 0.45, 0.14, 0.52), fill=ink)
    draw.rectangle(f.box(0.86, 0.45, 1.0, 0.52), fill=ink)
    draw.chord(f.box(0.1, 0.22, 0.9, 0.52), start=180, end=360, fill=accent)
    draw.rounded_rectangle(f.box(0.44, 0.18, 0.56, 0.27), radius=f.width(0.03), fill=ink)
    draw.rectangle(f.box(0.12, 0.58, 0.88, 0.62), fill=accent)


def _chair(draw, box, ink, accent):
    f = _Frame(box)
    width = f.width(0.05)
    draw.rounded_rectangle(f.box(0.22, 0.02, 0.78, 0.5), radius=f.width(0.08), fill=ink)
    draw.rounded_rectangle(f.box(0.27, 0.07, 0.73, 0.45), radius=f.width(0.06), fill=accent)
    draw.rounded_rectangle(f.box(0.15, 0.5, 0.85, 0.66), radius=f.width(0.05), fill=ink)
    for u0, u1 in ((0.22, 0.16), (0.78, 0.84)):
        draw.line([f.p(u0, 0.64), f.p(u1, 0.98)], fill=ink, width=width)


def _lamp(draw, box, ink, accent):
    f = _Frame(box)
    draw.polygon([f.p(0.3, 0.04), f.p(0.7, 0.04), f.p(0.88, 0.38), f.p(0.12, 0.38)], fill=ink)
    draw.chord(f.box(0.36, 0.3, 0.64, 0.5), start=0, end=180, fill=(255, 236, 170))
    draw.line([f.p(0.5, 0.38), f.p(0.5, 0.92)], fill=ink, width=f.width(0.04))
    draw.ellipse(f.box(0.28, 0.88, 0.72, 1.0), fill=ink)
    draw.line([f.p(0.36, 0.1), f.p(0.3, 0.3)], fill=accent, width=f.width(0.02))


def _shoe(draw, box, ink, accent):
    f = _Frame(box)
    draw.polygon(
        [
            f.p(0.05, 0.2),
            f.p(0.35, 0.2),
            f.p(0.42, 0.4),
            f.p(0.7, 0.52),
            f.p(0.92, 0.6),
            f.p(0.98, 0.75),
            f.p(0.98, 0.82),
            f.p(0.03, 0.82),
        ],
        fill=ink,
    )
    draw.rounded_rectangle(f.box(0.01, 0.8, 1.0, 0.92), radius=f.width(0.03), fill=accent)
    for i in range(4):
        u = 0.38 + i * 0.08
        draw.line([f.p(u, 0.36 + i * 0.04), f.p(u + 0.06, 0.5 + i * 0.02)], fill=accent, width=f.width(0.018))
    draw.ellipse(f.box(0.1, 0.45, 0.2, 0.55), fill=accent)


def _bag(draw, box, ink, accent):
    f = _Frame(box)
    draw.arc(f.box(0.3, 0.02, 0.7, 0.45), start=180, end=360, fill=ink, width=f.width(0.05))
    draw.rounded_rectangle(f.box(0.12, 0.22, 0.88, 0.98), radius=f.width(0.1), fill=ink)
    draw.rounded_rectangle(f.box(0.25, 0.55, 0.75, 0.88), radius=f.width(0.06), fill=accent)
    draw.line([f.p(0.3, 0.62), f.p(0.7, 0.62)], fill=ink, width=f.width(0.02))


def _jacket(draw, box, ink, accent):
    f = _Frame(box)
    draw.polygon(
        [
            f.p(0.36, 0.04),
            f.p(0.64, 0.04),
            f.p(0.92, 0.18),
            f.p(1.0, 0.78),
            f.p(0.84, 0.8),
            f.p(0.8, 0.45),
            f.p(0.78, 0.98),
            f.p(0.22, 0.98),
            f.p(0.2, 0.45),
            f.p(0.16, 0.8),
            f.p(0.0, 0.78),
            f.p(0.08, 0.18),
        ],
        fill=ink,
    )
    draw.polygon([f.p(0.36, 0.04), f.p(0.5, 0.2), f.p(0.64, 0.04)], fill=accent)
    draw.line([f.p(0.5, 0.2), f.p(0.5, 0.98)], fill=accent, width=f.width(0.015))
    draw.rectangle(f.box(0.28, 0.6, 0.4, 0.64), fill=accent)
    draw.rectangle(f.box(0.6, 0.6, 0.72, 0.64), fill=accent)


def _bike(draw, box, ink, accent):
    f = _Frame(box)
    width = f.width(0.035)
    draw.ellipse(f.box(0.0, 0.45, 0.4, 0.95), outline=ink, width=width)
    draw.ellipse(f.box(0.6, 0.45, 1.0, 0.95), outline=ink, width=width)
    rear, front, crank = f.p(0.2, 0.7), f.p(0.8, 0.7), f.p(0.45, 0.7)
    seat, head = f.p(0.38, 0.36), f.p(0.72, 0.36)
    draw.line([rear, seat, crank, rear], fill=accent, width=width)
    draw.line([seat, head, crank], fill=accent, width=width)
    draw.line([head, front], fill=ink, width=width)
    draw.line([f.p(0.3, 0.3), f.p(0.44, 0.3)], fill=ink, width=f.width(0.045))
    draw.line([f.p(0.7, 0.3), f.p(0.82, 0.26)], fill=ink, width=f.width(0.04))
    draw.ellipse(f.box(0.42, 0.67, 0.48, 0.73), fill=ink)


def _helmet(draw, box, ink, accent):
    f = _Frame(box)
    draw.chord(f.box(0.04, 0.12, 0.96, 1.2), start=180, end=360, fill=ink)
    for u in (0.3, 0.5, 0.7):
        draw.line([f.p(u - 0.04, 0.32), f.p(u + 0.04, 0.6)], fill=accent, width=f.width(0.04))
    draw.rounded_rectangle(f.box(0.02, 0.62, 0.5, 0.72), radius=f.width(0.03), fill=accent)
    draw.line([f.p(0.62, 0.66), f.p(0.7, 0.92), f.p(0.82, 0.66)], fill=ink, width=f.width(0.02))


def _runner(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.42, 0.0, 0.58, 0.1), radius=f.width(0.02), fill=ink)
    draw.rectangle(f.box(0.47, 0.08, 0.53, 0.16), fill=ink)
    draw.line([f.p(0.78, 0.16), f.p(0.86, 0.08)], fill=ink, width=f.width(0.05))
    draw.ellipse(f.box(0.1, 0.14, 0.9, 0.98), fill=ink)
    draw.ellipse(f.box(0.17, 0.22, 0.83, 0.9), fill=accent)
    centre = f.p(0.5, 0.56)
    draw.line([centre, f.p(0.5, 0.3)], fill=ink, width=f.width(0.035))
    draw.line([centre, f.p(0.68, 0.66)], fill=ink, width=f.width(0.035))
    draw.ellipse(f.box(0.46, 0.52, 0.54, 0.6), fill=ink)


def _book(draw, box, ink, accent):
    f = _Frame(box)
    draw.rounded_rectangle(f.box(0.2, 0.0, 0.85, 1.0), radius=f.width(0.03), fill=ink)
    draw.rectangle(f.box(0.2, 0.0, 0.3, 1.0), fill=_mix(ink, (0, 0, 0), 0.25))
    draw.rectangle(f.box(0.38, 0.18, 0.77, 0.36), fill=accent)
    draw.line([f.p(0.42, 0.48), f.p(0.73, 0.48)], fill=accent, width=f.width(0.02))
    draw.line([f.p(0.42, 0.54), f.p(0.66, 0.54)], fill=accent, width=f.width(0.02))
    draw.rectangle(f.box(0.85, 0.03, 0.88, 0.97), fill=(245, 242, 232))


_ICONS: dict[str, Callable[[ImageDraw.ImageDraw, Box, RGB, RGB], None]] = {
    "camera": _camera,
    "phone": _phone,
    "headphones": _headphones,
    "laptop": _laptop,
    "card": _card,
    "tripod": _tripod,
    "case": _case,
    "plug": _plug,
    "pot": _pot,
    "chair": _chair,
    "lamp": _lamp,
    "shoe": _shoe,
    "bag": _bag,
    "jacket": _jacket,
    "bike": _bike,
    "helmet": _helmet,
    "runner": _runner,
    "book": _book,
}

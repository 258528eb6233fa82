"""Flat product icons, one per shelf, drawn with Pillow primitives in unit coordinates."""

from __future__ import annotations

from collections.abc import Callable

from PIL import ImageDraw

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]


def mix(colour: RGB, other: RGB, amount: float) -> RGB:
    """`amount` of `other` blended into `colour`."""
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


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
        draw.rounded_rectangle(f.box(0.36, v, 0.64, v + 0.06), radius=f.width(0.02), fill=mix(accent, ink, 0.2))


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
    draw.rectangle(f.box(0.2, 0.0, 0.3, 1.0), fill=mix(ink, (0, 0, 0), 0.25))
    draw.rectangle(f.box(0.38, 0.18, 0.77, 0.36), fill=accent)
    draw.line([f.p(0.42, 0.48), f.p(0.73, 0.48)], fill=accent, width=f.width(0.02))
    draw.line([f.p(0.42, 0.54), f.p(0.66, 0.54)], fill=accent, width=f.width(0.02))
    draw.rectangle(f.box(0.85, 0.03, 0.88, 0.97), fill=(245, 242, 232))


ICONS: dict[str, Callable[[ImageDraw.ImageDraw, Box, RGB, RGB], None]] = {
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

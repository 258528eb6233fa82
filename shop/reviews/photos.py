"""A review's photos: what an upload must be, and how it is kept (resized, re-encoded, every byte of metadata gone).

An upload is never stored as sent. It must be a JPEG, PNG or WebP under the size and pixel limits,
which Pillow reads fully (a truncated or forged file fails here, not in a shopper's browser); its
pixels, turned as the camera meant them, are drawn into a new JPEG no larger than `MAX_SIDE` pixels
a side. The new file carries no EXIF (place, camera, time), no ICC profile, no text chunks: nothing
but pixels.
"""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shop.exceptions import InvalidReviewPhoto

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_SIDE = 1600  # pixels, the longer side of a kept photo
JPEG_QUALITY = 85


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: a fresh JPEG and its size."""

    content: ContentFile
    width: int
    height: int


def photos_prepare(uploads: Sequence, *, already: int = 0) -> list[PreparedPhoto]:
    """Every upload checked and re-encoded, or InvalidReviewPhoto for the first that is not acceptable.

    `already` is how many photos the review keeps besides these (the count limit covers both).
    """
    limits = settings.REVIEWS_PHOTOS
    if already + len(uploads) > limits["max_count"]:
        raise InvalidReviewPhoto(
            _("A review can have at most %(count)s photos.") % {"count": limits["max_count"]}, code="too_many_photos"
        )
    return [_prepare(upload, limits=limits) for upload in uploads]


def _prepare(upload, *, limits: dict) -> PreparedPhoto:
    name = getattr(upload, "name", "") or _("the photo")
    if upload.size > limits["max_bytes"]:
        raise InvalidReviewPhoto(
            _("%(name)s is larger than %(megabytes)s MB.") % {"name": name, "megabytes": limits["max_bytes"] // 2**20},
            code="photo_too_large",
        )
    data = upload.read()
    try:
        # A decompression bomb (a small file of a gigapixel image) is an error here, not a warning.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in ACCEPTED_FORMATS:
                    raise InvalidReviewPhoto(_bad_file(name), code="photo_not_an_image")
                if width * height > limits["max_pixels"]:
                    raise InvalidReviewPhoto(
                        _("%(name)s has too many pixels.") % {"name": name}, code="photo_too_many_pixels"
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                pixels = _only_pixels(ImageOps.exif_transpose(image))
    except InvalidReviewPhoto:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError):  # fmt: skip
        raise InvalidReviewPhoto(_bad_file(name), code="photo_not_an_image") from None
    pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedPhoto(ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), *pixels.size)


def _only_pixels(image: Image.Image) -> Image.Image:
    """A new RGB image with the same pixels and nothing else (transparency over white)."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _bad_file(name: str) -> str:
    return _("%(name)s is not a JPEG, PNG or WebP image we can read.") % {"name": name}

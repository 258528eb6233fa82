"""Photos through the API: multipart on writing and editing a review, checked and re-encoded as on the website."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.reviews.models import Review, ReviewPhoto
from tests.shop.api.conftest import token_client
from tests.shop.reviews.test_photos import GPS_IFD, jpeg_with_location, stored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_fast_passwords(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REVIEWS_PHOTOS = {"max_count": 2, "max_bytes": 2 * 2**20, "max_pixels": 20_000_000}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reviews_url(product) -> str:
    return f"/api/v1/products/{product.slug}/reviews"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 100_000) -> bytes:
    """A 100-byte PNG whose header claims `side` x `side` pixels (ten billion): decoding it would take gigabytes."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png_bytes(size=(30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()


def test_a_review_is_written_with_photos_resized_and_without_metadata(buyer, product):
    api = token_client(buyer)

    response = api.post(
        reviews_url(product),
        {"rating": "5", "title": "Sharp", "photos": [jpeg_with_location(), jpeg_with_location((300, 200))]},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    review = Review.objects.get(user=buyer, product=product)
    photos = list(review.photos.order_by("pk"))
    assert response.json()["photos"] == [photo.image.url for photo in photos]
    images = [stored(photo) for photo in photos]
    assert [image.size for image in images] == [(1600, 1067), (300, 200)]
    for image in images:
        assert image.format == "JPEG" and not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert all(photo.image.name.endswith(".jpg") and "holiday" not in photo.image.name for photo in photos)


def test_json_still_writes_a_review_without_photos(buyer, product):
    response = token_client(buyer).post(reviews_url(product), {"rating": 4}, format="json")

    assert response.status_code == 201 and response.json()["photos"] == []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("cat.jpg", b"<?php system($_GET['c']); ?>", "photo_not_an_image"),  # a script with a picture's name
        ("cat.jpg", gif_bytes(), "photo_not_an_image"),  # an image, but not one of the accepted kinds
        ("bomb.png", png_bomb(), "photo_not_an_image"),  # Pillow's own bomb check refuses it first
        ("big.png", png_bomb(6000), "photo_too_many_pixels"),  # 36 million pixels: under Pillow's, over the shop's
        ("huge.jpg", b"\xff\xd8" + b"\x00" * (2 * 2**20), "photo_too_large"),
    ],
    ids=["script-named-jpg", "gif-named-jpg", "decompression-bomb", "too-many-pixels", "too-many-bytes"],
)
def test_a_hostile_file_refuses_the_whole_review_and_nothing_is_written(buyer, product, name, data, code, tmp_path):
    good = jpeg_with_location((80, 60))

    response = token_client(buyer).post(
        reviews_url(product),
        {"rating": 5, "photos": [good, SimpleUploadedFile(name, data, content_type="image/jpeg")]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*")), "no file was stored"


def test_a_real_image_under_a_wrong_extension_is_kept_as_a_fresh_jpeg(buyer, product):
    upload = SimpleUploadedFile("invoice.exe", png_bytes(), content_type="application/octet-stream")

    response = token_client(buyer).post(reviews_url(product), {"rating": 4, "photos": [upload]}, format="multipart")

    assert response.status_code == 201, response.json()
    photo = ReviewPhoto.objects.get()
    assert photo.image.name.endswith(".jpg") and "invoice" not in photo.image.name
    assert stored(photo).format == "JPEG"


def test_more_photos_than_the_limit_are_refused(buyer, product):
    photos = [jpeg_with_location((80, 60)) for _ in range(3)]

    response = token_client(buyer).post(reviews_url(product), {"rating": 5, "photos": photos}, format="multipart")

    assert response.status_code == 400 and response.json()["error"]["code"] == "too_many_photos"
    assert not Review.objects.exists()


def test_an_empty_file_or_a_name_instead_of_a_file_is_a_validation_error(buyer, product):
    api = token_client(buyer)

    empty = api.post(
        reviews_url(product), {"rating": 5, "photos": [SimpleUploadedFile("a.jpg", b"")]}, format="multipart"
    )
    not_a_file = api.post(reviews_url(product), {"rating": 5, "photos": ["a.jpg"]}, format="json")

    assert empty.status_code == not_a_file.status_code == 400
    assert "photos" in str(empty.json()["error"]) and "photos" in str(not_a_file.json()["error"])
    assert not Review.objects.exists()


def test_editing_with_photos_replaces_them_and_without_keeps_them(buyer, product):
    api = token_client(buyer)
    created = api.post(
        reviews_url(product), {"rating": 5, "photos": [jpeg_with_location((80, 60))]}, format="multipart"
    ).json()
    first = ReviewPhoto.objects.get()
    url = f"/api/v1/reviews/{created['id']}"

    kept = api.put(url, {"rating": 4, "body": "Still good"}, format="json")
    assert kept.status_code == 200 and kept.json()["photos"] == [first.image.url]

    replaced = api.put(
        url, {"rating": 4, "photos": [jpeg_with_location((90, 60)), jpeg_with_location((60, 90))]}, format="multipart"
    )
    assert replaced.status_code == 200, replaced.json()
    assert len(replaced.json()["photos"]) == 2 and first.image.url not in replaced.json()["photos"]
    assert not ReviewPhoto.objects.filter(pk=first.pk).exists()

    refused = api.put(url, {"rating": 1, "photos": [SimpleUploadedFile("x.jpg", b"not an image")]}, format="multipart")
    assert refused.status_code == 400
    review = Review.objects.get()
    assert (review.rating, review.photos.count()) == (4, 2), "a refused photo changes nothing"


def test_the_schema_offers_multipart_photos_on_writing_and_editing():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path, method in (("/api/v1/products/{slug}/reviews", "post"), ("/api/v1/reviews/{review_id}", "put")):
        content = schema["paths"][path][method]["requestBody"]["content"]
        assert set(content) == {"application/json", "multipart/form-data"}
        multipart = components[content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
        assert multipart["properties"]["photos"]["items"] == {"type": "string", "format": "binary"}
        json_body = components[content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
        assert "photos" not in json_body["properties"]

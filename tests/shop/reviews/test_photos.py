"""Photos with a review: checked, resized, re-encoded without metadata; hostile files refused; files go with rows."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from shop.exceptions import InvalidReviewPhoto
from shop.reviews.models import Review, ReviewPhoto
from shop.reviews.services import review_create, review_delete, review_update
from tests.shop.reviews.conftest import old_user

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REVIEWS_PHOTOS = {"max_count": 2, "max_bytes": 2 * 2**20, "max_pixels": 20_000_000}


def jpeg_with_location(size=(2400, 1600), *, orientation: int = 1) -> SimpleUploadedFile:
    """A camera-like JPEG: EXIF with a GPS position, the camera's make and an orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=70)
    return SimpleUploadedFile("holiday.jpg", out.getvalue(), content_type="image/jpeg")


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def stored(photo: ReviewPhoto) -> Image.Image:
    with default_storage.open(photo.image.name) as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_a_photo_is_resized_and_keeps_no_metadata(buyer, product):
    review = review_create(user=buyer, product=product, rating=5, language="en", photos=[jpeg_with_location()])

    (photo,) = review.photos.all()
    image = stored(photo)
    assert (image.format, image.size, (photo.width, photo.height)) == ("JPEG", (1600, 1067), (1600, 1067))
    assert not image.getexif(), "no EXIF at all: no location, no camera"
    assert "exif" not in image.info and "icc_profile" not in image.info


def test_a_photo_is_turned_as_the_camera_meant(buyer, product):
    review = review_create(
        user=buyer, product=product, rating=4, language="en", photos=[jpeg_with_location((800, 600), orientation=6)]
    )

    assert stored(review.photos.get()).size == (600, 800)


def test_a_png_with_text_and_transparency_becomes_a_plain_jpeg(buyer, product):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Alice Doe, 1 Main Street")
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 0)).save(out, format="PNG", pnginfo=info)

    review = review_create(user=buyer, product=product, rating=4, language="en", photos=[upload(out.getvalue())])

    image = stored(review.photos.get())
    assert (image.format, image.mode, image.getpixel((0, 0))) == ("JPEG", "RGB", (255, 255, 255))
    assert "Author" not in image.info


def _png_bytes(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


def _gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<?php system($_GET['c']); ?>", "photo_not_an_image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "photo_not_an_image"),  # a JPEG header and nothing after
        (_gif_bytes(), "photo_not_an_image"),
        (_png_bytes((6000, 6000)), "photo_too_many_pixels"),  # a small file of 36 million pixels
        (b"\xff" * (2 * 2**20 + 1), "photo_too_large"),
    ],
    ids=["script", "truncated", "gif", "pixel-bomb", "too-large"],
)
def test_a_hostile_or_oversized_file_is_refused_and_nothing_is_written(buyer, product, data, code):
    with pytest.raises(InvalidReviewPhoto) as refused:
        review_create(user=buyer, product=product, rating=5, language="en", photos=[upload(data)])

    assert refused.value.code == code
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


def test_a_truncated_jpeg_body_is_refused(buyer, product):
    whole = jpeg_with_location((400, 300)).read()

    with pytest.raises(InvalidReviewPhoto):
        review_create(user=buyer, product=product, rating=5, language="en", photos=[upload(whole[: len(whole) // 2])])


def test_more_photos_than_the_limit_are_refused(buyer, product):
    photos = [jpeg_with_location((80, 60)) for _ in range(3)]

    with pytest.raises(InvalidReviewPhoto, match="at most 2 photos"):
        review_create(user=buyer, product=product, rating=5, language="en", photos=photos)
    assert not Review.objects.exists()


def test_editing_keeps_photos_unless_new_ones_replace_them_and_their_files_go(
    buyer, product, django_capture_on_commit_callbacks
):
    review = review_create(user=buyer, product=product, rating=5, language="en", photos=[jpeg_with_location((80, 60))])
    first = review.photos.get().image.name

    review_update(review=review, user=buyer, rating=4)
    assert review.photos.get().image.name == first

    with django_capture_on_commit_callbacks(execute=True):
        review_update(review=review, user=buyer, rating=4, photos=[jpeg_with_location((90, 60))])
    assert review.photos.get().image.name != first
    assert not default_storage.exists(first)


def test_deleting_the_review_deletes_its_photo_files(buyer, product, django_capture_on_commit_callbacks):
    review = review_create(user=buyer, product=product, rating=5, language="en", photos=[jpeg_with_location((80, 60))])
    name = review.photos.get().image.name

    with django_capture_on_commit_callbacks(execute=True):
        review_delete(review=review, user=buyer)

    assert not default_storage.exists(name)


def test_the_site_form_takes_photos_and_the_product_page_shows_them(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("shop:review_write", args=[product.slug]), {"rating": "5", "photos": [jpeg_with_location((80, 60))]}
    )

    assert response.status_code == 302
    photo = ReviewPhoto.objects.get(review__user=buyer)
    assert photo.image.url in client.get(product.get_absolute_url()).content.decode()


def test_the_site_form_says_why_a_photo_is_refused(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("shop:review_write", args=[product.slug]), {"rating": "5", "photos": [upload(b"not an image")]}
    )

    assert response.status_code == 200
    assert "photo.jpg is not a JPEG, PNG or WebP image we can read." in response.content.decode()
    assert not Review.objects.filter(user=buyer).exists()


def test_someone_elses_photos_stay_when_a_shopper_deletes_their_data(buyer, product, address, shipping_methods):
    from shop.reviews.services import reviews_delete_for_user

    review = review_create(user=buyer, product=product, rating=5, language="en", photos=[jpeg_with_location((80, 60))])
    leaver = old_user("leaver")

    reviews_delete_for_user(user=leaver)

    assert review.photos.count() == 1


def test_the_api_lists_a_review_s_photos(client, buyer, product):
    review = review_create(user=buyer, product=product, rating=5, language="en", photos=[jpeg_with_location((80, 60))])

    body = client.get(f"/api/v1/products/{product.slug}/reviews").json()

    assert body["results"][0]["photos"] == [review.photos.get().image.url]

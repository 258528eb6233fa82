"""`manage.py load_demo_store`: size and shape of the catalog, reruns, seeds, logins and pictures."""

import io
import re
import statistics
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from demo.store.catalog import CATEGORIES, COMPLEMENTS
from demo.store.products import build_products
from demo.store.shelves import SHELVES
from shop.models import Brand, Category, Product, ProductImage
from shop.search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing dominates a small run; the command's behaviour does not depend on the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo_store", *args, stdout=out)
    return out.getvalue()


def catalog_snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("sku").values_list(
            "sku",
            "slug",
            "name",
            "category__slug",
            "brand__name",
            "price",
            "compare_at_price",
            "stock",
            "is_active",
            "attributes",
            "description",
        )
    )


def printed_password(output: str) -> str:
    match = re.search(r"Staff login: admin / (\S+) at /admin/", output)
    assert match, f"no staff login line in the output:\n{output}"
    return match.group(1)


def test_default_run_builds_a_catalog_shaped_and_varied_like_a_real_store():
    # One default-size load for both halves (it is the slow part; both only read it).
    # when
    load("--no-images")

    # then: at least 500 products in at least 12 leaf categories of a tree, from at least 20 brands
    assert Product.objects.count() >= 500
    used_categories = Category.objects.filter(products__isnull=False).distinct()
    assert used_categories.count() >= 12
    assert not used_categories.filter(parent__isnull=True).exists(), "products should sit in leaf categories"
    assert Category.objects.filter(parent__isnull=True).count() >= 4, "the categories should form a tree"
    assert Category.objects.filter(parent__parent__isnull=False).exists(), "the tree should be more than two deep"
    assert Brand.objects.filter(products__isnull=False).distinct().count() >= 20

    # and: stock, sales, prices and listing dates vary as a real store's do
    products = Product.objects.select_related("category", "brand")
    total = products.count()
    assert 0.02 <= products.filter(stock=0).count() / total <= 0.10, "about 5% should be out of stock"
    assert products.filter(is_active=False).exists()
    on_sale = [p for p in products if p.compare_at_price is not None]
    assert on_sale and all(p.compare_at_price > p.price for p in on_sale)
    camera_prices = [p.price for p in products if p.category.slug == "cameras"]
    card_prices = [p.price for p in products if p.category.slug == "memory-cards"]
    assert statistics.median(camera_prices) > 5 * statistics.median(card_prices)
    listed = sorted(p.created_at for p in products)
    assert listed[-1] - listed[0] > timedelta(days=120), "listing dates should spread over months"
    assert listed[0] > timezone.now() - timedelta(days=181)
    assert len({p.name for p in products}) == total, "product names should be distinct"


def test_descriptions_mention_brand_category_and_an_attribute():
    # when
    load("--products", "60", "--no-images")

    # then
    for product in Product.objects.select_related("category", "brand"):
        text = product.description
        assert product.brand.name in text, product.sku
        assert product.category.name.lower() in text.lower(), product.sku
        assert 2 <= text.count(". ") + 1 <= 4, f"{product.sku}: {text}"
        assert product.attributes, product.sku


def test_second_run_creates_no_duplicates():
    # given
    load("--no-images", "--products", "120")
    counts = (
        Category.objects.count(),
        Brand.objects.count(),
        Product.objects.count(),
        get_user_model().objects.count(),
    )
    snapshot = catalog_snapshot()

    # when
    output = load("--no-images", "--products", "120")

    # then
    assert (
        Category.objects.count(),
        Brand.objects.count(),
        Product.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    assert catalog_snapshot() == snapshot
    assert "(0 new)" in output


def test_a_second_run_that_adds_nothing_keeps_the_search_index_instead_of_rebuilding_it(monkeypatch):
    # given a loaded store, searchable
    load("--no-images", "--products", "40")
    rebuilt = []
    monkeypatch.setattr("demo.store.loader.search_index_rebuild", lambda: rebuilt.append(1))

    # when it is loaded again (every later make run does, before serving)
    output = load("--no-images", "--products", "40")

    # then nothing was rebuilt, since nothing was written
    assert rebuilt == [] and "search index" not in output
    assert SearchDocument.objects.exists()


def test_a_second_run_rebuilds_a_missing_search_index(monkeypatch):
    load("--no-images", "--products", "40")
    SearchDocument.objects.all().delete()

    load("--no-images", "--products", "40")

    assert SearchDocument.objects.exists()


def test_same_seed_gives_the_same_catalog_and_another_seed_a_different_one():
    # given
    load("--seed", "7", "--products", "120", "--no-images")
    first = catalog_snapshot()
    Product.objects.all().delete()

    # when
    load("--seed", "7", "--products", "120", "--no-images")
    again = catalog_snapshot()
    Product.objects.all().delete()
    load("--seed", "8", "--products", "120", "--no-images")
    other = catalog_snapshot()

    # then
    assert again == first
    assert [row[2] for row in other] != [row[2] for row in first]
    assert [row[5] for row in other] != [row[5] for row in first]


def test_drafts_are_a_pure_function_of_the_seed():
    assert build_products(seed=3, count=50) == build_products(seed=3, count=50)
    assert build_products(seed=3, count=50) != build_products(seed=4, count=50)


def test_admin_is_a_superuser_who_logs_in_with_the_printed_password(client):
    # when
    output = load("--products", "20", "--no-images", "--password", "open-sesame-42")

    # then
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.email == "admin@example.com"
    assert printed_password(output) == "open-sesame-42"
    assert client.login(username="admin", password=printed_password(output))


def test_default_admin_and_shopper_passwords_are_printed_and_work(client):
    # when
    output = load("--products", "20", "--no-images")

    # then
    assert client.login(username="admin", password=printed_password(output))
    shopper_password = re.search(r"Shopper logins: .* / (\S+)", output).group(1)
    for n in range(1, 6):
        assert client.login(username=f"shopper{n}", password=shopper_password), f"shopper{n}"


def test_rerun_keeps_a_changed_admin_password_and_does_not_print_the_old_one(client):
    # given
    load("--products", "20", "--no-images")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-owner")
    admin.save(update_fields=["password"])

    # when
    output = load("--products", "20", "--no-images")

    # then
    assert "password kept" in output
    assert client.login(username="admin", password="changed-by-the-owner")


def test_small_run_draws_valid_pictures_and_a_rerun_reuses_them(settings):
    # when
    load("--products", "12")

    # then
    images = list(ProductImage.objects.select_related("product"))
    assert {image.product_id for image in images} == set(Product.objects.values_list("pk", flat=True))
    for image in images:
        path = Path(image.image.path)
        assert path.parent == Path(settings.MEDIA_ROOT) / "products"
        with Image.open(path) as picture:
            picture.verify()
            assert picture.size == (600, 600)
    modified = {image.pk: Path(image.image.path).stat().st_mtime_ns for image in images}

    # and when run again
    output = load("--products", "12")

    # then
    assert ProductImage.objects.count() == len(images)
    assert {i.pk: Path(i.image.path).stat().st_mtime_ns for i in ProductImage.objects.all()} == modified
    assert "0 new)" in output


def test_pictures_are_added_later_to_a_catalog_loaded_without_them():
    # given
    load("--products", "5", "--no-images")

    # when
    load("--products", "5")

    # then
    assert not Product.objects.filter(images__isnull=True).exists()


def test_complements_name_only_categories_that_hold_products():
    shelf_slugs = {shelf.category for shelf in SHELVES}
    category_slugs = {node.slug for node in CATEGORIES}
    assert shelf_slugs <= category_slugs
    for slug, complements in COMPLEMENTS.items():
        assert slug in shelf_slugs, slug
        assert set(complements) <= shelf_slugs, f"{slug} -> {complements}"
        assert slug not in complements, slug


def test_products_must_be_positive():
    with pytest.raises(CommandError):
        load("--products", "0")

"""The demo store in two languages: every product, category and brand has real Chinese texts, and the
English catalogue a seed gives is the one it gave before the Chinese was written."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from demo.store.products import build_products
from shop.models import Brand, Category, Product

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PROSE = re.compile(r"\b(the|and|for|with|our|is|of|in)\b", re.IGNORECASE)  # brand and series names may stay


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args: str) -> None:
    call_command("load_demo_store", "--no-images", *args, stdout=io.StringIO())


def test_every_demo_product_category_and_brand_has_chinese_texts():
    # when
    load("--products", "120")

    # then
    for product in Product.objects.all():
        assert HAN.search(product.name_zh_hans or ""), f"{product.sku}: {product.name_zh_hans!r}"
        assert HAN.search(product.description_zh_hans or ""), f"{product.sku}: {product.description_zh_hans!r}"
        assert product.attributes_zh_hans and all(HAN.search(label) for label in product.attributes_zh_hans), (
            f"{product.sku}: {product.attributes_zh_hans!r}"
        )
    for category in Category.objects.all():
        assert HAN.search(category.name_zh_hans or ""), category.slug
        assert HAN.search(category.description_zh_hans or ""), category.slug
    for brand in Brand.objects.all():
        assert HAN.search(brand.name_zh_hans or ""), brand.slug


def test_all_600_chinese_names_are_distinct_and_written_not_copied():
    # when
    drafts = build_products(seed=42, count=600)

    # then
    assert len({draft.name_zh_hans for draft in drafts}) == len(drafts)
    for draft in drafts:
        assert HAN.search(draft.name_zh_hans), draft.sku
        assert draft.description_zh_hans != draft.description, draft.sku
        assert not ENGLISH_PROSE.search(draft.description_zh_hans), (
            f"{draft.sku}: English prose left in {draft.description_zh_hans!r}"
        )


def test_chinese_names_read_as_a_chinese_shop_lists_them():
    # when
    drafts = {draft.sku: draft for draft in build_products(seed=42, count=200)}

    # then: brand, series, product type, key attributes
    assert drafts["DEMO-00001"].name_zh_hans == "Optivue V3 铝合金桌面三脚架 145厘米 银色"
    assert drafts["DEMO-00123"].name_zh_hans.startswith("Lumora Plus 无反相机 6100万像素 全画幅")
    assert drafts["DEMO-00001"].attributes_zh_hans["材质"] == "铝合金"


def test_a_seeded_english_catalogue_is_unchanged():
    # when
    load("--products", "200", "--seed", "42")

    # then: figures from a load before the catalogue was bilingual
    with translation.override("en"):
        rows = {p.sku: p for p in Product.objects.filter(sku__in=["DEMO-00001", "DEMO-00123", "DEMO-00200"])}
        assert (rows["DEMO-00001"].name, rows["DEMO-00001"].price, rows["DEMO-00001"].stock) == (
            "Optivue V3 Tabletop Tripod",
            Decimal("71.99"),
            18,
        )
        assert (rows["DEMO-00123"].name, rows["DEMO-00123"].price, rows["DEMO-00123"].compare_at_price) == (
            "Lumora Plus Mirrorless Camera 61MP",
            Decimal("544.99"),
            Decimal("639.99"),
        )
        assert (rows["DEMO-00200"].name, rows["DEMO-00200"].price, rows["DEMO-00200"].stock) == (
            "Velotrek Z30 III Mountain Bike",
            Decimal("1600.00"),
            28,
        )
        assert rows["DEMO-00001"].description.startswith("The Optivue V3 Tabletop Tripod is Optivue's answer for")
        assert rows["DEMO-00001"].attributes == {
            "material": "Aluminium",
            "max_height_cm": 145,
            "max_load_kg": 12,
            "colour": "Silver",
        }


def test_a_rerun_fills_in_chinese_for_a_store_loaded_before_it_had_any():
    # given: a demo store from before the catalogue was bilingual
    load("--products", "40")
    Product.objects.update(name_zh_hans=None, description_zh_hans=None, attributes_zh_hans={})
    Category.objects.update(name_zh_hans=None, description_zh_hans=None)
    Brand.objects.update(name_zh_hans=None)
    english = list(Product.objects.order_by("sku").values_list("name_en", "price", "stock"))

    # when
    load("--products", "40")

    # then
    assert not Product.objects.filter(name_zh_hans__isnull=True).exists()
    assert not Category.objects.filter(name_zh_hans__isnull=True).exists()
    assert not Brand.objects.filter(name_zh_hans__isnull=True).exists()
    assert list(Product.objects.order_by("sku").values_list("name_en", "price", "stock")) == english


def test_a_rerun_with_another_seed_gives_no_product_another_products_chinese():
    # given
    load("--products", "40", "--seed", "1")
    Product.objects.update(name_zh_hans=None)

    # when
    load("--products", "40", "--seed", "2")

    # then: the rows are seed 1's products, the drafts seed 2's: nothing matches, nothing is written
    assert not Product.objects.filter(name_zh_hans__isnull=False).exists()


def test_the_chinese_page_of_a_demo_product_shows_its_chinese_texts(client):
    # given
    load("--products", "20")
    product = Product.objects.filter(is_active=True).select_related("brand").order_by("sku").first()

    # when
    response = client.get(f"/zh-hans/p/{product.slug}/")

    # then
    assert response.status_code == 200
    assert product.name_zh_hans in response.text
    assert product.brand.name_zh_hans in response.text

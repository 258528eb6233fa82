"""Catalogue content in English and Chinese: pages and the API serve the active language's texts,
an untranslated text falls back to English, and staff edit both languages in the admin."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from shop.models import Brand, ShippingMethod
from shop.vouchers.models import Voucher
from tests.factories import make_brand, make_category, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_product():
    category = make_category(name="Running Shoes", slug="running-shoes")
    category.name_zh_hans = "跑鞋"
    category.save(update_fields=["name_zh_hans"])
    brand = make_brand(name="Aurora")
    brand.name_zh_hans = "极光（Aurora）"
    brand.save(update_fields=["name_zh_hans"])
    return make_product(
        name_en="Aurora Tempo Running Shoes",
        name_zh_hans="Aurora Tempo 轻量缓震跑鞋 黑色",
        description_en="Light running shoes for long runs.",
        description_zh_hans="专为长距离跑步打造的轻量缓震跑鞋。",
        attributes_en={"colour": "Black"},
        attributes_zh_hans={"颜色": "黑色"},
        category=category,
        brand=brand,
        slug="aurora-tempo",
    )


def test_chinese_page_shows_the_chinese_name_description_attributes_brand_and_category(client, bilingual_product):
    # when
    response = client.get("/zh-hans/p/aurora-tempo/")

    # then
    assert response.status_code == 200
    text = response.text
    assert "Aurora Tempo 轻量缓震跑鞋 黑色" in text
    assert "专为长距离跑步打造的轻量缓震跑鞋。" in text
    assert "颜色" in text and "黑色" in text, "attribute labels and values in Chinese"
    assert "极光（Aurora）" in text
    assert "跑鞋" in text
    assert "Aurora Tempo Running Shoes" not in text
    assert "Light running shoes" not in text


def test_english_page_shows_the_english_texts(client, bilingual_product):
    # when
    response = client.get("/p/aurora-tempo/")

    # then
    assert response.status_code == 200
    assert "Aurora Tempo Running Shoes" in response.text
    assert "Light running shoes for long runs." in response.text
    assert "轻量缓震" not in response.text
    assert "极光" not in response.text


def test_api_follows_accept_language_with_the_same_field_names(bilingual_product):
    # when
    chinese = APIClient().get("/api/v1/products/aurora-tempo", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = APIClient().get("/api/v1/products/aurora-tempo", HTTP_ACCEPT_LANGUAGE="en").json()

    # then
    assert chinese.keys() == english.keys()
    assert chinese["name"] == "Aurora Tempo 轻量缓震跑鞋 黑色"
    assert chinese["description"] == "专为长距离跑步打造的轻量缓震跑鞋。"
    assert chinese["attributes"] == {"颜色": "黑色"}
    assert chinese["brand"]["name"] == "极光（Aurora）"
    assert chinese["category"]["name"] == "跑鞋"
    assert english["name"] == "Aurora Tempo Running Shoes"
    assert english["attributes"] == {"colour": "Black"}
    assert english["brand"]["name"] == "Aurora"


def test_api_product_list_is_in_chinese_too(bilingual_product):
    # when
    body = APIClient().get("/api/v1/products", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").json()

    # then
    assert [item["name"] for item in body["results"]] == ["Aurora Tempo 轻量缓震跑鞋 黑色"]


def test_missing_chinese_text_falls_back_to_english(client):
    # given: a product written in English only
    make_product(name="Lumix G9 Camera", description="A mirrorless camera.", attributes={"colour": "Black"}, slug="g9")

    # when
    page = client.get("/zh-hans/p/g9/")
    api = APIClient().get("/api/v1/products/g9", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    # then
    assert page.status_code == 200
    assert "Lumix G9 Camera" in page.text
    assert "A mirrorless camera." in page.text
    assert api["name"] == "Lumix G9 Camera"
    assert api["attributes"] == {"colour": "Black"}


def test_creating_with_the_plain_field_writes_english_whatever_the_language():
    # when: code that knows nothing of translations creates a product while Chinese is active
    with translation.override("zh-hans"):
        product = make_product(name="Plain name")

    # then
    product.refresh_from_db()
    assert product.name_en == "Plain name"
    with translation.override("en"):
        assert product.name == "Plain name"


def test_admin_edit_page_shows_both_languages(client, bilingual_product):
    # given
    staff = make_user(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)

    # when
    response = client.get(f"/admin/shop/product/{bilingual_product.pk}/change/")

    # then
    assert response.status_code == 200
    for field in ("name", "description", "attributes"):
        assert f'name="{field}_en"' in response.text, field
        assert f'name="{field}_zh_hans"' in response.text, field
    assert "Aurora Tempo 轻量缓震跑鞋 黑色" in response.text


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("shop/category/add/", ("name", "description")),
        ("shop/brand/add/", ("name",)),
        ("shop/shippingmethod/add/", ("name", "delivery_days")),
        ("vouchers/voucher/add/", ("description",)),
        ("offers/couponcampaign/add/", ("name",)),
    ],
)
def test_admin_forms_of_shopper_visible_texts_have_both_languages(client, path, fields):
    # given
    client.force_login(make_user(username="staff", is_staff=True, is_superuser=True))

    # when
    response = client.get(f"/admin/{path}")

    # then
    assert response.status_code == 200
    for field in fields:
        assert f'name="{field}_en"' in response.text, field
        assert f'name="{field}_zh_hans"' in response.text, field


def test_brands_without_a_chinese_name_do_not_collide():
    # given: brand names are unique per language, and most brands have no Chinese name yet
    make_brand(name="First")

    # when
    make_brand(name="Second")

    # then: no IntegrityError on the empty Chinese names, which are NULL rather than ""
    assert Brand.objects.filter(name_zh_hans__isnull=True).count() == 2


def test_advertised_voucher_description_follows_the_language():
    # given
    Voucher.objects.create(
        code="WELCOME10",
        kind=Voucher.Kind.PERCENT,
        value=10,
        advertised=True,
        description_en="10% off your first order",
        description_zh_hans="首单立减10%",
    )

    # when
    chinese = APIClient().get("/api/v1/vouchers/advertised", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = APIClient().get("/api/v1/vouchers/advertised").json()

    # then
    assert chinese[0]["description"] == "首单立减10%"
    assert english[0]["description"] == "10% off your first order"


def test_shipping_methods_have_chinese_names():
    # given: the shipping methods of the data migration
    # when
    with translation.override("zh-hans"):
        names = {method.code: method.name for method in ShippingMethod.objects.all()}

    # then
    assert names["standard"] == "标准配送"
    assert names["pickup"] == "到店自提"

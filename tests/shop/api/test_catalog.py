import pytest

from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


@pytest.fixture
def catalog(category, brand):
    """Three products: a cheap one in a sub-category, the camera, an out-of-stock one of another brand."""
    lenses = make_category(name="Lenses", parent=category, slug="lenses")
    other_brand = make_brand(name="Canon")
    return {
        "lens": make_product(name="Lumix 25mm lens", slug="lens", category=lenses, brand=brand, price="199.00"),
        "camera": make_product(name="Lumix G9 camera", slug="camera", category=category, brand=brand, price="499.00"),
        "sold_out": make_product(
            name="Canon R8", slug="sold-out", category=category, brand=other_brand, stock=0, price="999.00"
        ),
        "hidden": make_product(name="Old camera", slug="hidden", category=category, brand=brand, is_active=False),
        "lenses": lenses,
        "other_brand": other_brand,
    }


def test_product_list_is_paginated_and_shows_active_products(anon_client, catalog):
    response = anon_client.get("/api/v1/products")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert set(slugs(response)) == {"lens", "camera", "sold-out"}
    assert {"next", "previous", "results"} <= body.keys()


def test_page_size_is_capped(anon_client, catalog):
    response = anon_client.get("/api/v1/products", {"page_size": 1000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_page_past_the_end_is_a_json_404(anon_client, catalog):
    response = anon_client.get("/api/v1/products", {"page": 99})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_category_filter_includes_sub_categories(anon_client, catalog, category):
    response = anon_client.get("/api/v1/products", {"category": category.slug})

    assert set(slugs(response)) == {"lens", "camera", "sold-out"}
    assert slugs(anon_client.get("/api/v1/products", {"category": "lenses"})) == ["lens"]


def test_unknown_category_is_a_field_error(anon_client, catalog):
    response = anon_client.get("/api/v1/products", {"category": "nope"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"category": ["Unknown category."]}


def test_brand_filter_is_repeatable(anon_client, catalog, brand):
    only_one = anon_client.get("/api/v1/products", {"brand": [catalog["other_brand"].slug]})
    both = anon_client.get("/api/v1/products", {"brand": [brand.slug, catalog["other_brand"].slug]})

    assert slugs(only_one) == ["sold-out"]
    assert len(slugs(both)) == 3


def test_price_and_stock_filters(anon_client, catalog):
    response = anon_client.get("/api/v1/products", {"price_min": "150", "price_max": "500", "in_stock": "true"})

    assert set(slugs(response)) == {"lens", "camera"}


@pytest.mark.parametrize(
    "params",
    [
        {"price_min": "cheap"},
        {"price_max": "NaN"},
        {"price_min": "Infinity"},
        {"price_min": "-1"},
        {"price_min": "1e400"},
        {"price_min": "10", "price_max": "5"},
        {"ordering": "random"},
        {"in_stock": "maybe"},
        {"q": "x" * 201},
    ],
)
def test_garbage_filters_are_400_not_500(anon_client, catalog, params):
    response = anon_client.get("/api/v1/products", params)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price_asc", ["lens", "camera", "sold-out"]),
        ("price_desc", ["sold-out", "camera", "lens"]),
        ("name", ["sold-out", "lens", "camera"]),
    ],
)
def test_ordering(anon_client, catalog, ordering, expected):
    assert slugs(anon_client.get("/api/v1/products", {"ordering": ordering})) == expected


def test_search_finds_by_words(anon_client, catalog):
    response = anon_client.get("/api/v1/products", {"q": "lens"})

    assert slugs(response) == ["lens"]


def test_personalized_ordering_without_models_keeps_the_default_order_sold_out_last(anon_client, catalog):
    default = slugs(anon_client.get("/api/v1/products"))

    personalized = slugs(anon_client.get("/api/v1/products", {"ordering": "personalized"}))

    assert personalized == [slug for slug in default if slug != "sold-out"] + ["sold-out"]


def test_personalized_ordering_is_the_sites_ranking_with_its_rules(api_client, catalog):
    # given the shop owner pins the lens (second by default) to the first place on category listings
    from personalization.recommendations.models import MerchandisingRule

    MerchandisingRule.objects.create(
        name="lens first", action="pin", product=catalog["lens"], position=1, surfaces="category"
    )

    response = api_client.get("/api/v1/products", {"ordering": "personalized"})

    assert response.status_code == 200
    assert slugs(response)[:2] == ["lens", "camera"]
    assert response.json()["count"] == 3


def test_product_detail(anon_client, product_with_image):
    response = anon_client.get(f"/api/v1/products/{product_with_image.slug}")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Lumix G9 camera"
    assert body["brand"] == {"slug": product_with_image.brand.slug, "name": "Lumix"}
    assert body["stock_status"] == "low_stock"
    assert body["max_quantity"] == 5
    assert body["images"][0]["url"].startswith("http://testserver/media/products/")
    assert body["image"] == body["images"][0]["url"]


# A NUL character anywhere is refused before routing (tests/config/test_input_guard.py).
@pytest.mark.parametrize("slug", ["nope", "caf\u00e9", "a" * 300, "\u202e"])
def test_unknown_or_odd_product_slug_is_a_json_404(anon_client, product, slug):
    response = anon_client.get(f"/api/v1/products/{slug}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_inactive_product_is_404(anon_client, catalog):
    assert anon_client.get("/api/v1/products/hidden").status_code == 404


def test_category_tree_nests_children(anon_client, catalog, category):
    response = anon_client.get("/api/v1/categories")

    assert response.status_code == 200
    [root] = [node for node in response.json() if node["slug"] == category.slug]
    assert [child["slug"] for child in root["children"]] == ["lenses"]
    assert root["children"][0]["children"] == []


def test_brands_count_products_on_sale(anon_client, catalog, brand):
    response = anon_client.get("/api/v1/brands")

    assert response.status_code == 200
    counts = {item["slug"]: item["product_count"] for item in response.json()["results"]}
    assert counts == {brand.slug: 2, catalog["other_brand"].slug: 1}


def test_catalog_write_methods_are_405(anon_client, catalog):
    response = anon_client.post("/api/v1/products", {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_product_list_query_count_does_not_grow_with_the_page(
    anon_client, category, brand, django_assert_max_num_queries
):
    for _ in range(3):
        make_product(category=category, brand=brand)
    with django_assert_max_num_queries(12) as few:
        anon_client.get("/api/v1/products")
    baseline = len(few.captured_queries)
    for _ in range(10):
        make_product(category=category, brand=brand)

    with django_assert_max_num_queries(baseline):
        response = anon_client.get("/api/v1/products")

    assert response.json()["count"] == 13

"""The demo store's product, cart and home pages as a shopper sees them (issue 19): rows a shopper trusts.

No product twice on a page, the page's own product never in its rows, cart suggestions of another
type than the cart's, promotional lists in stock only, every grid in whole rows of four (but the
shopper's own "Recently viewed", which shows a short row rather than none).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from personalization.recommendations.complements import complement_graph_build
from personalization.serving.page import ROW_SIZE, SHORT_ROW_SLOTS
from shop.models import Category, Product
from tests.factories import make_user, place_order

pytestmark = pytest.mark.django_db

GRID = re.compile(r'<ul class="product-grid[^"]*"(?P<attrs>[^>]*)>(?P<cards>.*?)</ul>', re.S)
CARD = re.compile(r'data-product-id="(\d+)"')
SLOT = re.compile(r'data-slot="([^"]+)"')


@pytest.fixture
def demo_store(settings, address, shipping_methods):
    """A small demo catalogue: camera buyers (not runners) also bought cards and bags; a laptop on sale sold out."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo_store", "--no-images", "--products", "120", stdout=io.StringIO())
    shelf = {
        slug: list(Product.objects.filter(category__slug=slug).order_by("pk"))
        for slug in ("cameras", "memory-cards", "bags", "laptops", "shoes")
    }
    for n in range(3):
        products = [shelf["cameras"][n], shelf["memory-cards"][n % 2], shelf["bags"][n % 2]]
        place_order(
            user=make_user(username=f"camera-buyer-{n}"),
            address=address,
            products=products,
            idempotency_key=f"camera-buyer-{n}",
        )
    for n in range(3):
        shoes = [shelf["shoes"][n]]
        place_order(user=make_user(username=f"runner-{n}"), address=address, products=shoes, idempotency_key=f"r-{n}")
    laptop = shelf["laptops"][0]
    Product.objects.filter(pk=laptop.pk).update(stock=0, compare_at_price=laptop.price * 2)
    complement_graph_build()
    return shelf


def grids(html: str) -> list[tuple[str, list[int]]]:
    """(slot or list id, product ids) of every product grid on the page."""
    found = []
    for match in GRID.finditer(html):
        slot = SLOT.search(match["attrs"])
        list_id = re.search(r'data-list-id="([^"]+)"', match["attrs"])
        name = slot[1] if slot else (list_id[1] if list_id else "grid")
        found.append((name, [int(pk) for pk in CARD.findall(match["cards"])]))
    return found


def assert_trustworthy(html: str, *, page: str, own: set[int] = frozenset()) -> list[tuple[str, list[int]]]:
    rows = grids(html)
    shown = [pk for _, ids in rows for pk in ids]
    assert len(shown) == len(set(shown)), f"{page}: a product shows twice: {rows}"
    assert not own & set(shown), f"{page}: the page's own products {own} show in its rows: {rows}"
    for name, ids in rows:
        if name in SHORT_ROW_SLOTS:  # the shopper's own trail shows even when short
            assert 0 < len(ids) <= ROW_SIZE, f"{page}: {name} shows {len(ids)} cards"
            continue
        assert len(ids) % ROW_SIZE == 0, f"{page}: {name} shows {len(ids)} cards, not whole rows of {ROW_SIZE}"
    return rows


def test_product_pages_show_each_product_once_and_never_their_own(client, demo_store):
    # given: a shopper who has looked around
    for product in demo_store["cameras"][:3] + demo_store["shoes"][:2]:
        client.get(product.get_absolute_url())
    for product in [demo_store["cameras"][0], demo_store["shoes"][0], demo_store["memory-cards"][0]]:
        # when
        html = client.get(product.get_absolute_url()).content.decode()
        # then
        rows = assert_trustworthy(html, page=product.name, own={product.pk})
        assert rows, f"{product.name}: the page shows no rows at all"
        similar = dict(rows).get("similar", [])
        categories = set(Product.objects.filter(pk__in=similar).values_list("category_id", flat=True))
        assert categories <= {product.category_id}, f"{product.name}: similar items of another type"


def test_cart_suggestions_are_of_another_type_than_the_cart(client, demo_store):
    # given
    camera = demo_store["cameras"][4]
    client.post(reverse("shop:cart_add"), {"product_id": camera.pk})
    # when
    html = client.get(reverse("shop:cart")).content.decode()
    # then
    rows = dict(assert_trustworthy(html, page="cart", own={camera.pk}))
    suggested = Product.objects.filter(pk__in=rows.get("cart", []))
    assert suggested.exists(), "the cart page suggests nothing"
    assert camera.category_id not in {p.category_id for p in suggested}
    assert {p.category.slug for p in suggested} <= {"memory-cards", "bags", "tripods"}, [p.name for p in suggested]


def test_the_home_page_shows_whole_rows_and_only_sale_products_in_stock(client, demo_store):
    # given: a shopper with a history, so that every row of the home page shows
    for product in demo_store["cameras"][:3]:
        client.get(product.get_absolute_url())
    # when
    html = client.get(reverse("shop:home")).content.decode()
    # then
    rows = assert_trustworthy(html, page="home")
    sale = re.search(r'id="on-sale".*?</section>', html, re.S)
    assert sale, "the home page shows no sale"
    on_sale = Product.objects.filter(pk__in=[int(pk) for pk in CARD.findall(sale[0])])
    assert on_sale.exists() and all(p.stock > 0 for p in on_sale), "an out-of-stock product is on sale"
    assert demo_store["laptops"][0].pk not in on_sale.values_list("pk", flat=True)
    assert sum(len(ids) for _, ids in rows) >= 2 * ROW_SIZE
    assert Category.objects.exists()

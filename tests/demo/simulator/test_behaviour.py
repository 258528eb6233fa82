import random
from datetime import UTC, datetime

from demo.simulator.behaviour import (
    Card,
    buy_probability,
    click_choice,
    position_bias,
    stars_effect,
    utility,
)
from demo.simulator.shoppers import Catalog, CatalogItem, Taste, shoppers_draw


def _items() -> list[CatalogItem]:
    categories = ["cameras", "memory-cards", "kitchen", "fiction"]
    brands = ["Lumora", "Optivue", "Copperpot"]
    return [CatalogItem(pk, f"p{pk}", categories[pk % 4], brands[pk % 3], (pk % 10) / 9) for pk in range(1, 81)]


def _orders(ranking: list[CatalogItem], taste: Taste, *, sessions: int, seed: int) -> int:
    rng = random.Random(seed)
    cards = [Card("list", item.pk, position, f"/p/{item.slug}/") for position, item in enumerate(ranking, 1)]
    by_pk = {item.pk: item for item in ranking}
    values = [utility(taste, item, seed=7) for item in ranking]
    orders = 0
    for _ in range(sessions):
        chosen = click_choice(rng, cards, values, depth=8)
        if chosen is not None:
            value = utility(taste, by_pk[chosen.product_id], seed=7)
            orders += rng.random() < buy_probability(value, eagerness=0.8)
    return orders


def test_a_taste_aware_ranking_sells_more_than_a_random_one():
    # given a shopper who likes Lumora cameras at a middling price
    taste = Taste(categories={"cameras": 1.0}, brands={"Lumora": 1.0}, price_level=0.5, needs={"cameras": 1.0})
    items = _items()
    aware = sorted(items, key=lambda item: -utility(taste, item, seed=7))
    shuffled = items[:]
    random.Random(3).shuffle(shuffled)

    # when both rankings are shown the same number of times
    aware_orders = _orders(aware, taste, sessions=2000, seed=1)
    random_orders = _orders(shuffled, taste, sessions=2000, seed=1)

    # then
    assert aware_orders > 3 * max(random_orders, 1), (aware_orders, random_orders)


def test_clicks_reveal_the_brand_a_shopper_likes_not_only_the_category():
    # given a shopper who needs a camera and likes Lumora, shown a shelf of cameras of three brands
    taste = Taste(categories={"cameras": 1.0}, brands={"Lumora": 1.0}, price_level=0.5, needs={"cameras": 1.0})
    cameras = [item for item in _items() if item.category == "cameras"][:12]
    rng = random.Random(2)
    clicked = {"Lumora": 0, "other": 0}
    shown = {"Lumora": 0, "other": 0}
    for _ in range(3000):
        shelf = rng.sample(cameras, len(cameras))
        cards = [Card("list", item.pk, position, "") for position, item in enumerate(shelf, 1)]
        for item in shelf[:8]:
            shown["Lumora" if item.brand == "Lumora" else "other"] += 1
        chosen = click_choice(rng, cards, [utility(taste, item, seed=7) for item in shelf], depth=8)
        if chosen is not None:
            brand = next(item.brand for item in shelf if item.pk == chosen.product_id)
            clicked["Lumora" if brand == "Lumora" else "other"] += 1
    # then a Lumora card is clicked several times as often as another brand's, so clicks tell the brand
    rate = {brand: clicked[brand] / shown[brand] for brand in clicked}
    assert rate["Lumora"] > 3 * rate["other"], rate


def test_clicks_fall_with_position():
    assert position_bias(1) == 1.0
    assert position_bias(1) > position_bias(2) > position_bias(8)


def test_a_purchase_creates_the_need_for_complements():
    taste = Taste(categories={"cameras": 1.0}, brands={}, price_level=0.5, needs={"cameras": 1.0})

    taste.bought("cameras")

    assert "cameras" not in taste.needs
    assert taste.needs["memory-cards"] == 1.0
    assert taste.top_need() in {"memory-cards", "tripods", "bags"}


def test_the_same_seed_draws_the_same_shoppers():
    items = {item.pk: item for item in _items()}
    catalog = Catalog(items=items, category_names={}, brands_by_category={"cameras": ("Lumora",), "kitchen": ("X",)})
    start = datetime(2025, 1, 1, tzinfo=UTC)

    first = shoppers_draw(count=30, seed=5, catalog=catalog, start=start, days=10)
    again = shoppers_draw(count=30, seed=5, catalog=catalog, start=start, days=10)
    other = shoppers_draw(count=30, seed=6, catalog=catalog, start=start, days=10)

    assert first == again
    assert first != other
    assert {s.kind for s in first} == {"loyal", "one_time", "browser"}


def test_the_oracle_scores_a_list_by_the_chance_its_top_would_sell():
    from demo.simulator.oracle import sell_chance
    from demo.simulator.shoppers import Shopper

    items = {item.pk: item for item in _items()}
    catalog = Catalog(items=items, category_names={}, brands_by_category={})
    taste = Taste(categories={"cameras": 1.0}, brands={"Lumora": 1.0}, price_level=0.5, needs={"cameras": 1.0})
    shopper = Shopper(index=0, kind="one_time", seed=7, taste=taste, visits=[])
    by_taste = sorted(items, key=lambda pk: -utility(taste, items[pk], seed=7))

    assert sell_chance(shopper, by_taste, catalog, k=3) > 10 * sell_chance(shopper, by_taste[::-1], catalog, k=3)
    assert sell_chance(shopper, [], catalog, k=3) == 0.0
    # a short list is not a better list: its empty slots sell nothing
    assert sell_chance(shopper, by_taste[:1], catalog, k=3) == sell_chance(shopper, by_taste[:1], catalog, k=1) / 3


def test_a_low_average_from_several_reviews_puts_buyers_off():
    assert stars_effect(None, 0) == 1.0
    assert stars_effect(4.6, 12) == 1.0, "good stars change nothing"
    assert stars_effect(1.5, 1) > 0.75, "one bad review is not trusted much"
    assert stars_effect(1.5, 8) < 0.5
    assert stars_effect(1.5, 8) < stars_effect(2.5, 8) < stars_effect(3.2, 8) <= 1.0


def test_a_shopper_reads_the_stars_off_the_product_pages_structured_data():
    from types import SimpleNamespace

    from demo.simulator.session import product_page_rating
    from shop.reviews.templatetags.review_tags import product_json_ld

    product = SimpleNamespace(name='Dud "Pro"', sku="D-1", brand=SimpleNamespace(name="Acme"))
    rated = SimpleNamespace(count=4, average=1.75)
    unrated = SimpleNamespace(count=0, average=None)

    page = f"<html>{product_json_ld(product=product, summary=rated, reviews=[])}</html>"

    assert product_page_rating(page) == (1.75, 4)
    assert product_page_rating(str(product_json_ld(product=product, summary=unrated, reviews=[]))) == (None, 0)


def test_a_shopper_who_would_buy_turns_away_from_a_page_showing_one_star_from_ten_reviews(monkeypatch):
    from types import SimpleNamespace

    from demo.simulator import behaviour, session
    from demo.simulator.clock import SimulatedClock
    from demo.simulator.shoppers import Shopper

    # given a shopper sure to want the product, whose dice come up 0.5
    item = _items()[0]
    catalog = Catalog(items={item.pk: item}, category_names={}, brands_by_category={}, by_slug={item.slug: item.pk})
    taste = Taste(categories={item.category: 1.0}, brands={item.brand: 1.0}, price_level=item.price_level)
    shopper = Shopper(index=0, kind="loyal", seed=7, taste=taste, visits=[])
    browser = session.Browser(shopper, catalog=catalog, clock=SimulatedClock(datetime(2026, 1, 1, tzinfo=UTC)))
    added = []
    browser.client = SimpleNamespace(post=lambda path, data: added.append(data) or SimpleNamespace(status_code=400))
    browser.rng = SimpleNamespace(random=lambda: 0.5)
    monkeypatch.setattr(behaviour, "buy_probability", lambda value, eagerness: 1.0)
    one_star = '{"@type": "AggregateRating", "ratingValue": 1.0, "reviewCount": 10, "bestRating": 5}'

    # when they open its page, once showing one star from ten reviews and once without reviews
    session._on_product_page(browser, item.pk, session.VisitResult(), html=one_star)
    turned_away = not added
    session._on_product_page(browser, item.pk, session.VisitResult(), html="")

    # then only the page without the bad stars has them put it in the cart
    assert turned_away and added == [{"product_id": item.pk, "quantity": 1}]

from datetime import UTC, datetime, timedelta

import pytest

from personalization.recommendations.complements import (
    Basket,
    baskets_from_carts,
    baskets_from_interest,
    baskets_from_orders,
    complement_graph_build,
    complements_count,
)
from personalization.recommendations.models import ComplementGraph
from personalization.recommendations.tasks import refresh_complements
from personalization.serving import ShopperContext, fill_slot
from tests.factories import make_brand, make_category, make_product, make_user, place_order

CAMERA, CARD, BAG, SHOE = 1, 2, 3, 4


def basket(*items, follow_up=()) -> Basket:
    return Basket(anchor=frozenset(items), follow_up=frozenset(items) | frozenset(follow_up))


def test_a_category_whose_buyers_go_on_to_buy_another_is_linked_to_it():
    # given: camera buyers buy a memory card (3 of 4) more often than shoppers in general do
    baskets = [basket((10, CAMERA), follow_up=[(20, CARD)]) for _ in range(3)]
    baskets += [basket((11, CAMERA)), basket((30, SHOE)), basket((31, SHOE)), basket((40, BAG))]
    # when
    counts = complements_count(baskets)
    # then
    assert counts.categories[CAMERA] == [(CARD, 0.75)]


def test_a_category_is_never_its_own_complement():
    baskets = [basket((10, CAMERA), (11, CAMERA)) for _ in range(5)]
    assert CAMERA not in complements_count(baskets).categories


def test_a_category_bought_no_more_often_than_by_everyone_is_no_complement():
    # Shoes are in every basket: camera buyers buy them no more than anyone else does.
    baskets = [basket((10, CAMERA), (30, SHOE)) for _ in range(3)] + [basket((31, SHOE)) for _ in range(3)]
    assert SHOE not in dict(complements_count(baskets).categories.get(CAMERA, []))


def test_item_pairs_need_two_baskets():
    counts = complements_count([basket((10, CAMERA), (20, CARD)), basket((10, CAMERA), (20, CARD), (40, BAG))])
    assert counts.items[10][0] == (20, 2.0)
    assert 40 not in dict(counts.items[10])


def test_an_order_follows_up_with_the_same_customers_next_orders_within_the_window():
    day = datetime(2026, 3, 1, tzinfo=UTC)
    lines = [
        (1, "u:7", day, 10, CAMERA),
        (2, "u:7", day + timedelta(days=5), 20, CARD),
        (3, "u:7", day + timedelta(days=90), 40, BAG),
        (4, "u:8", day, 30, SHOE),
    ]
    baskets = {b.anchor: b.follow_up for b in baskets_from_orders(lines)}
    assert baskets[frozenset({(10, CAMERA)})] == frozenset({(10, CAMERA), (20, CARD)})
    assert baskets[frozenset({(30, SHOE)})] == frozenset({(30, SHOE)})


def test_a_cart_of_one_product_is_no_basket():
    day = datetime(2026, 3, 1, tzinfo=UTC).date()
    carts = baskets_from_carts([("v:a", day, 10, CAMERA), ("v:a", day, 20, CARD), ("v:b", day, 30, SHOE)])
    assert [b.anchor for b in carts] == [frozenset({(10, CAMERA), (20, CARD)})]
    assert carts[0].weight == 0.5


def test_what_a_buyer_looks_at_after_a_purchase_links_categories_but_makes_no_pair():
    day = datetime(2026, 3, 1, tzinfo=UTC)
    events = [
        ("v:a", "product_view", day, 11, CAMERA),
        ("v:a", "purchase", day, 10, CAMERA),
        ("v:a", "product_view", day + timedelta(days=2), 20, CARD),
        ("v:a", "product_view", day + timedelta(days=60), 40, BAG),
    ]
    (found,) = baskets_from_interest(events)
    assert found.follow_up == frozenset({(10, CAMERA), (20, CARD)})
    assert not complements_count([found, found, found, found]).items
    assert complements_count([found] * 4 + [basket((40, BAG))]).categories[CAMERA] == [(CARD, 1.0)]


@pytest.fixture
def shelves(db):
    cameras, cards, bags, shoes = (make_category(name=n) for n in ("Cameras", "Memory Cards", "Bags", "Shoes"))
    brand = make_brand()
    return {
        "cameras": [make_product(name=f"Camera {i}", category=cameras, brand=brand, price=300) for i in range(4)],
        "cards": [make_product(name=f"Card {i}", category=cards, brand=brand) for i in range(3)],
        "bags": [make_product(name=f"Bag {i}", category=bags, brand=brand) for i in range(3)],
        "shoes": [make_product(name=f"Shoe {i}", category=shoes, brand=brand) for i in range(3)],
    }


@pytest.fixture
def camera_buyers(shelves, address, shipping_methods):
    """Four customers buy a camera with a memory card and a bag, four others buy shoes."""
    for n in range(4):
        buyer = make_user()
        camera, card, bag = shelves["cameras"][n], shelves["cards"][n % 3], shelves["bags"][0]
        place_order(user=buyer, address=address, products=[camera, card, bag], idempotency_key=f"camera-{n}")
    for n in range(4):
        place_order(user=make_user(), address=address, products=[shelves["shoes"][n % 3]], idempotency_key=f"s-{n}")
    return shelves


def test_the_graph_is_learned_from_orders_and_stored(camera_buyers):
    # when
    graph_id = refresh_complements()
    # then
    graph = ComplementGraph.objects.get(pk=graph_id)
    cameras = str(camera_buyers["cameras"][0].category_id)
    linked = {edge[0] for edge in graph.categories[cameras]}
    assert linked == {camera_buyers["cards"][0].category_id, camera_buyers["bags"][0].category_id}
    assert graph.snapshot["order_baskets"] == 8


def test_cart_suggestions_are_complements_of_another_type(camera_buyers):
    # given: a new shopper with a camera in the cart
    complement_graph_build()
    camera = camera_buyers["cameras"][3]
    context = ShopperContext(unit="v:new", cart_product_ids=(camera.pk,))
    # when
    ranked = fill_slot("cart", k=4, context=context)
    # then
    types = {p.category.name for p in ranked}
    assert types == {"Memory Cards", "Bags"}, f"cart suggestions were {[p.name for p in ranked]}"
    assert ranked.ranker == "complements"


def test_a_pair_bought_together_comes_first(camera_buyers):
    # given: memory card 0 was bought with bag 0 twice
    complement_graph_build()
    card = camera_buyers["cards"][0]
    # when
    ranked = fill_slot("cart", k=4, context=ShopperContext(unit="v:new", cart_product_ids=(card.pk,)))
    # then
    assert ranked.products[0] == camera_buyers["bags"][0]
    assert ranked.reason_for(ranked.products[0]) == f"Often bought with {card.name}"


def test_a_new_graph_serves_at_once(camera_buyers):
    camera = camera_buyers["cameras"][0]
    context = ShopperContext(unit="v:new", cart_product_ids=(camera.pk,))
    # before any graph: only what was ordered with this very camera
    assert {p.name for p in fill_slot("cart", k=4, context=context)} == {"Card 0", "Bag 0"}
    complement_graph_build()
    assert len(fill_slot("cart", k=4, context=context)) == 4, "the best sellers of the complementary types join"


def test_the_co_viewed_fallback_never_suggests_the_carts_own_type_while_the_shop_sells_others(shelves, monkeypatch):
    # given: no orders, no graph, and the camera was only ever viewed with other cameras
    camera, *other_cameras = shelves["cameras"]
    monkeypatch.setattr(
        "personalization.serving.slots._neighbours", lambda seeds, k, exclude: [p.pk for p in other_cameras]
    )
    # when
    ranked = fill_slot("cart", k=4, context=ShopperContext(unit="v:new", cart_product_ids=(camera.pk,)))
    # then: no substitute joins the cart's row (a row of nothing is left out of the page)
    substitutes = [p.name for p in ranked if p.category_id == camera.category_id]
    assert substitutes == [], f"the cart row suggested more cameras: {substitutes}"


def test_a_shop_of_one_type_falls_back_to_what_was_viewed_with_the_cart(db, monkeypatch):
    cameras = make_category(name="Cameras")
    brand = make_brand()
    camera, *other_cameras = [make_product(name=f"Camera {i}", category=cameras, brand=brand) for i in range(3)]
    monkeypatch.setattr(
        "personalization.serving.slots._neighbours", lambda seeds, k, exclude: [p.pk for p in other_cameras]
    )

    ranked = fill_slot("cart", k=4, context=ShopperContext(unit="v:new", cart_product_ids=(camera.pk,)))

    assert {p.name for p in ranked} == {"Camera 1", "Camera 2"}


def test_cart_baskets_come_from_the_daily_aggregates_as_from_the_events(shelves):
    # given three shoppers' carts of one day (two with a camera and a card, one with a single bag)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from personalization.tracking.models import Event
    from tests.personalization.conftest import record_views

    camera, card, bag = shelves["cameras"][0], shelves["cards"][0], shelves["bags"][0]
    record_views({"v1": [camera, card], "v2": [card, camera], "v3": [bag]}, event_type=Event.Type.ADD_TO_CART)
    raw = baskets_from_carts(
        (f"v:{e.visitor_id}", e.timestamp.date(), e.product_id, e.product.category_id)
        for e in Event.objects.filter(type=Event.Type.ADD_TO_CART).select_related("product")
    )
    # when the graph is learned
    with CaptureQueriesContext(connection) as captured:
        graph = complement_graph_build()
    # then it counts the baskets the raw events make, and no query read the carts from the event table
    assert graph.snapshot["cart_baskets"] == len(raw) == 2
    assert [card.pk] == [pair[0] for pair in graph.items[str(camera.pk)]]
    cart_reads = [q["sql"] for q in captured if "tracking_event" in q["sql"] and "= 'add_to_cart'" in q["sql"]]
    assert not cart_reads, cart_reads

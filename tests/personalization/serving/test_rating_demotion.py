"""Ranking never lifts a product most of its buyers rated badly above the others (the rating signal)."""

from decimal import Decimal

import pytest

from personalization.recommendations.training import model_version_train
from personalization.serving import ShopperContext, fill_slot, rank_products
from personalization.serving.champions import forget_loaded_models
from personalization.serving.ranking import ListingRow, demote_badly_rated, rank_listing, rank_listing_queryset
from shop.cache_versions import catalog_changed
from shop.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(catalog, behaviour):
    """The test catalogue with a popularity champion (the cheapest model: any model's order is demoted alike)."""
    from django.core.cache import cache

    version = model_version_train(kind="popularity", always_promote=True)
    yield catalog
    forget_loaded_models()
    version.artifact.delete(save=False)
    cache.clear()


def shopper(*recent):
    return ShopperContext(
        unit="v:someone",
        recent_product_ids=tuple(p.pk for p in recent),
        recent_event_types=tuple("view" for _ in recent),
    )


def rate(product, *, average: str, count: int) -> None:
    Product.objects.filter(pk=product.pk).update(rating_average=Decimal(average), rating_count=count)
    catalog_changed()  # as the rating refresh's product save does


def cameras_listing(store):
    return list(Product.objects.filter(pk__in=[p.pk for p in store["cameras"]]).select_related("category", "brand"))


def test_the_product_the_model_puts_first_goes_last_when_most_buyers_rated_it_badly(store):
    # given the product the model ranks first for this shopper
    cameras = store["cameras"]
    context = shopper(cameras[0], cameras[1])
    first = rank_products(cameras_listing(store), context=context, surface="category").products[0]
    # when its buyers rate it 1.7 stars on average
    rate(first, average="1.70", count=3)
    ranked = rank_products(cameras_listing(store), context=context, surface="category")
    # then it comes after every other product, and the rest keep the model's order
    assert ranked.ranker == "popularity"
    assert ranked.products[-1] == first


def test_few_or_middling_ratings_do_not_move_a_product(store):
    cameras = store["cameras"]
    context = shopper(cameras[0], cameras[1])
    before = rank_products(cameras_listing(store), context=context, surface="category").products
    rate(before[0], average="1.00", count=2)  # two ratings: too few to speak for most buyers
    rate(before[1], average="2.60", count=10)
    after = rank_products(cameras_listing(store), context=context, surface="category").products
    assert after == before


def test_without_the_rating_signal_the_models_order_stands(store, settings):
    cameras = store["cameras"]
    context = shopper(cameras[0], cameras[1])
    first = rank_products(cameras_listing(store), context=context, surface="category").products[0]
    rate(first, average="1.00", count=5)
    settings.PERSONALIZATION_RATING_SIGNAL = False
    assert rank_products(cameras_listing(store), context=context, surface="category").products[0] == first


def test_a_listing_demotes_the_badly_rated_product_before_pagination(store):
    cameras = store["cameras"]
    context = shopper(cameras[0], cameras[1])
    queryset = Product.objects.filter(pk__in=[p.pk for p in cameras]).order_by("pk")
    first = rank_listing_queryset(queryset, context=context, surface="category").products[0]
    rate(Product.objects.get(pk=first), average="2.50", count=4)
    ranked = rank_listing_queryset(queryset, context=context, surface="category")
    assert ranked.products[-1] == first


def test_the_default_order_is_left_alone(settings):
    # No model ordered these rows (personalization off): nothing was promoted, nothing is demoted.
    settings.PERSONALIZATION_ENABLED = False
    rows = [ListingRow(1, 1, 1, 5, rating_average=Decimal("1.00"), rating_count=9), ListingRow(2, 1, 1, 5)]
    assert rank_listing(rows, context=shopper(), surface="category").products == (1, 2)


def test_demotion_keeps_each_part_in_its_order():
    bad = dict(rating_average=Decimal("2.00"), rating_count=3)
    rows = [
        ListingRow(1, 1, 1, 5, **bad),
        ListingRow(2, 1, 1, 5),
        ListingRow(3, 1, 1, 5, **bad),
        ListingRow(4, 1, 1, 5),
    ]
    assert [row.pk for row in demote_badly_rated(rows)] == [2, 4, 1, 3]


def test_a_recommendation_slot_leaves_out_the_badly_rated_product_it_would_have_shown(store):
    cameras = store["cameras"]
    context = shopper(cameras[0])
    before = fill_slot("for_you", k=3, context=context)
    rate(before.products[0], average="2.00", count=6)

    after = fill_slot("for_you", k=3, context=context)

    assert before.ranker == after.ranker == "popularity"
    assert before.products[0] not in after.products
    assert list(after.products[:2]) == list(before.products[1:3])


def test_a_badly_rated_product_shown_after_the_others_says_its_buyers_rated_it_low(store):
    # given the product the model ranks first, rated 1.7 stars by three buyers
    cameras = store["cameras"]
    context = shopper(cameras[0], cameras[1])
    first = rank_products(cameras_listing(store), context=context, surface="category").products[0]
    rate(first, average="1.70", count=3)

    # when the listing is ranked again
    ranked = rank_products(cameras_listing(store), context=context, surface="category")

    # then its reason is its rating, not a recommendation
    assert ranked.products[-1] == first
    assert ranked.reason_for(first) == "Shown after better rated products: its buyers rate it 1.7 out of 5"
    assert all("rate" not in ranked.reason_for(product) for product in ranked.products[:-1])


def test_a_badly_rated_product_the_shop_pins_first_says_the_shop_placed_it(store):
    # given a product most buyers rated badly, which the shop pins to the first place
    from django.core.cache import cache

    from personalization.recommendations.models import MerchandisingRule

    cameras = store["cameras"]
    context = shopper(cameras[0], cameras[1])
    last = rank_products(cameras_listing(store), context=context, surface="category").products[-1]
    rate(last, average="2.00", count=5)
    MerchandisingRule.objects.create(name="pin", action="pin", product=last, position=1)
    cache.clear()

    # when the listing is ranked
    ranked = rank_products(cameras_listing(store), context=context, surface="category")

    # then it is first, and says that the shop put it there, with its rating
    assert ranked.products[0] == last
    assert ranked.reason_for(last) == "Placed here by the shop; its buyers rate it 2.0 out of 5"


def test_the_similar_row_a_newcomer_sees_puts_a_badly_rated_product_after_the_others(store):
    # given the co-visitation row next to a camera, for a shopper without a history
    covisit = model_version_train(kind="covisit", always_promote=True)
    try:
        camera = store["cameras"][0]
        before = fill_slot("similar", k=4, context=shopper(), product=camera)
        assert before.ranker == "covisit"
        first = before.products[0]
        # when most buyers of the product it shows first rate it badly
        rate(first, average="1.50", count=4)

        after = fill_slot("similar", k=4, context=shopper(), product=camera)

        # then it is no longer first, and where it is still shown it says why
        assert after.products[0] != first
        assert first not in after.products or after.reason_for(first).startswith("Shown after better rated")
    finally:
        forget_loaded_models()
        covisit.artifact.delete(save=False)


def test_a_pair_bought_together_goes_after_the_others_when_most_buyers_rated_it_badly(db, address, shipping_methods):
    # given: a memory card bought with bag 0 by two customers, with bag 1 by one, and bag 0 rated 1.5 by four buyers
    from personalization.recommendations.complements import complement_graph_build
    from tests.factories import make_brand, make_category, make_product, make_user, place_order

    brand = make_brand()
    card = make_product(name="Card", category=make_category(name="Memory Cards"), brand=brand)
    bags = make_category(name="Bags")
    bag, other_bag = (make_product(name=f"Bag {n}", category=bags, brand=brand) for n in range(2))
    for n, paired in enumerate([bag, bag, other_bag]):
        place_order(user=make_user(), address=address, products=[card, paired], idempotency_key=f"pair-{n}")
    complement_graph_build()
    context = ShopperContext(unit="v:new", cart_product_ids=(card.pk,))
    assert fill_slot("cart", k=4, context=context).products[0] == bag
    rate(bag, average="1.50", count=4)

    # when
    ranked = fill_slot("cart", k=4, context=context)

    # then: it is no longer first, and where it is still shown it says why
    assert ranked.products[0] == other_bag
    assert bag not in ranked.products or ranked.reason_for(bag).startswith("Shown after better rated")


def test_the_trending_row_puts_a_badly_rated_product_after_the_others(db, monkeypatch):
    # given two products rising in a category, the first rated 2.0 by five buyers
    from tests.factories import make_category, make_product

    shoes = make_category(name="Shoes")
    rising, other = make_product(category=shoes), make_product(category=shoes)
    monkeypatch.setattr("personalization.serving.slots.rising_in_category", lambda category_id: [rising.pk, other.pk])
    rate(rising, average="2.00", count=5)

    # when the trending row is filled
    ranked = fill_slot("trending", k=4, context=shopper(), category=shoes)

    # then the other comes first, and the badly rated one says its rating
    assert list(ranked.products) == [other, rising]
    assert ranked.reason_for(rising) == "Shown after better rated products: its buyers rate it 2.0 out of 5"


def test_the_badly_rated_lookup_reads_only_rated_products_on_postgresql(store):
    # given a catalogue on PostgreSQL (at a million products, mostly unrated, a full scan took 0.57 s per process
    # each time the catalogue version moved)
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the partial index is PostgreSQL's plan")
    from django.test.utils import CaptureQueriesContext

    from personalization.serving.ranking import _badly_rated_read

    with CaptureQueriesContext(connection) as captured:
        _badly_rated_read("a version")
    [statement] = captured.captured_queries
    # when the planner may use any index (a small table would otherwise always be scanned whole)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {statement['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then it reads the index of rated products only
    assert "shop_product_rated" in plan, plan

"""Lists the slots cache (candidates, best sellers, bought together) are the lists computed now, order after order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from personalization.serving import ShopperContext, fill_slot
from personalization.tracking.aggregates import daily_aggregates_update
from tests.factories import make_product, place_order
from tests.personalization.conftest import record_views

pytestmark = pytest.mark.django_db(transaction=True)  # orders reach the caches when they commit


def buy(user, address, *products, key):
    return place_order(user=user, address=address, products=products, idempotency_key=key)


def someone(*recent):
    return ShopperContext(
        unit="v:someone",
        recent_product_ids=tuple(p.pk for p in recent),
        recent_event_types=tuple("view" for _ in recent),
    )


def test_an_order_shows_in_others_also_bought_on_the_next_page(user, address, category, brand):
    camera, card, bag = (make_product(category=category, brand=brand, stock=5) for _ in range(3))
    buy(user, address, camera, card, key="first")
    assert [p.pk for p in fill_slot("bought_together", k=4, context=someone(), product=camera)] == [card.pk]
    # when another order puts the camera with a bag
    buy(user, address, camera, bag, key="second")
    # then the cached list is not served: the order moved the stock version
    assert {p.pk for p in fill_slot("bought_together", k=4, context=someone(), product=camera)} == {card.pk, bag.pk}


def test_a_product_sold_out_by_an_order_leaves_the_cached_candidates(user, address, category, brand):
    others = [make_product(category=category, brand=brand, stock=5) for _ in range(3)]
    last_one = make_product(category=category, brand=brand, stock=1)  # the newest: first without a model
    viewer = someone(others[0])
    record_views({"browser": [*others, last_one]}, start=timezone.now() - timedelta(hours=2))
    daily_aggregates_update()  # the five-minute refresh: trending reads the daily aggregates
    assert last_one.pk in {p.pk for p in fill_slot("for_you", k=8, context=viewer)}
    assert last_one.pk in {p.pk for p in fill_slot("trending", k=8, context=viewer, category=category)}
    # when
    buy(user, address, last_one, key="sold-out")
    # then
    assert last_one.pk not in {p.pk for p in fill_slot("for_you", k=8, context=viewer)}
    trending = fill_slot("trending", k=3, context=viewer, category=category)
    assert last_one.pk not in {p.pk for p in trending} and len(trending.products) == 3

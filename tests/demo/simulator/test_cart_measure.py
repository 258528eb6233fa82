"""The cart suggestions measure (issue 19): same shoppers and carts, the row before and after the complement graph."""

import io

import pytest
from django.core.management import call_command

from demo.simulator.cart_measure import cart_suggestions_measure, simulated_orders_graph
from personalization.serving.complements import complement_categories
from shop.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_store(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo_store", "--no-images", "--products", "120", stdout=io.StringIO())


def test_simulated_customers_teach_the_graph_that_cameras_take_memory_cards(demo_store):
    # when
    graph = simulated_orders_graph(customers=300, seed=8)
    # then
    cameras = Category.objects.get(slug="cameras")
    linked = set(Category.objects.filter(pk__in=complement_categories([cameras.pk])).values_list("slug", flat=True))
    assert "memory-cards" in linked, linked
    assert "cameras" not in linked
    assert graph.snapshot["simulated_order_baskets"] > 0


def test_the_row_after_sells_more_than_before_and_never_the_carts_type(demo_store):
    # given
    simulated_orders_graph(customers=300, seed=8)
    # when
    before, after = cart_suggestions_measure(shoppers=60, seed=7, k=4)
    # then
    assert (before.strategy, after.strategy) == ("covisit", "complements")
    assert before.shoppers == after.shoppers > 0
    assert after.shown > before.shown and after.same_type_share == 0.0
    assert after.buy_share > before.buy_share

import re

import pytest

from demo.simulator.personas import PERSONAS_BY_USERNAME, personas_play
from demo.simulator.session import page_lists
from personalization.tracking.models import Event
from shop.models import Order, OrderLine, Product

pytestmark = pytest.mark.slow
PERSONAL_LIST_RE = re.compile(r'data-list-id="([^"]+)" data-slot="(recently_viewed|for_you)" data-ranker="([^"]*)"')


def test_a_demo_login_gets_a_history_of_its_own_with_delivered_orders_of_its_taste(demo_catalog):
    # when shopper2, the photographer, is given a history
    [history] = personas_play(usernames=["shopper2"])

    # then it was played through the site: views, searches and orders of its own categories
    taste = PERSONAS_BY_USERNAME["shopper2"].categories
    orders = Order.objects.filter(user__username="shopper2")
    assert history.played and history.visits >= 7
    assert Event.objects.filter(user_id=orders[0].user_id, type="product_view").count() >= 7
    assert Event.objects.filter(user_id=orders[0].user_id, type="search").exists()
    assert len(history.orders) == orders.count() >= 2
    assert orders.filter(status=Order.Status.DELIVERED).exists(), "orders older than two days are delivered"
    bought = OrderLine.objects.filter(order__in=orders).values_list("product__category__slug", flat=True)
    assert set(bought) <= set(taste), f"shopper2 bought {set(bought)}, outside their taste {set(taste)}"
    # and the other logins were left alone
    assert not Order.objects.filter(user__username="shopper1").exists()


def test_playing_the_demo_logins_again_leaves_their_history_as_it_was(demo_catalog):
    # given shopper3 has its history
    personas_play(usernames=["shopper3"])
    events = Event.objects.count()

    # when the demo is prepared again
    [history] = personas_play(usernames=["shopper3"])

    # then nothing is added
    assert not history.played
    assert Event.objects.count() == events


def test_an_unknown_demo_login_is_refused_and_nothing_is_played(demo_catalog):
    with pytest.raises(ValueError, match="shopper9"):
        personas_play(usernames=["shopper2", "shopper9"])
    assert not Event.objects.exists()


# Once order-dependent (27% in the whole suite's order on PostgreSQL, 2026-12-05): the simulated shoppers'
# quirks were keyed by product id, so the demo logins' played history depended on where the database's ids
# started. They follow the product's place in the store now (tests/demo/simulator/test_shoppers.py).
def test_a_demo_logins_home_page_leans_to_its_taste(demo_catalog, client):
    # given shopper1, the runner loyal to Aurora, and shopper3, the home cook, have their histories,
    # and co-visitation is learned from them
    from personalization.recommendations.training import model_version_train

    personas_play(usernames=["shopper1", "shopper3"])
    model_version_train(kind="covisit", seed=1)

    # when shopper1 signs in and opens the home page
    client.login(username="shopper1", password="shopper-demo-123")
    html = client.get("/").content.decode()

    # then its personal rows show running and shoes far more often than the catalogue holds them
    taste = set(PERSONAS_BY_USERNAME["shopper1"].categories)
    personal = {list_id: (slot, ranker) for list_id, slot, ranker in PERSONAL_LIST_RE.findall(html)}
    rows = {list_id: [card.product_id for card in cards] for list_id, cards in page_lists(html) if list_id in personal}
    shown = [pk for cards in rows.values() for pk in cards]
    categories = dict(Product.objects.values_list("pk", "category__slug"))
    on_home = sum(categories[pk] in taste for pk in shown) / len(shown)
    in_catalogue = sum(slug in taste for slug in categories.values()) / len(categories)
    assert len(personal) == 2, "both 'Pick up where you left off' and 'Picked for you' are shown"
    # what served each row, should the share fall short: the slot, its ranker and its cards' categories
    served = {
        f"{personal[list_id][0]} by {personal[list_id][1]}": [categories[pk] for pk in cards]
        for list_id, cards in rows.items()
    }
    assert on_home >= 4 * in_catalogue, (
        f"{on_home:.0%} of the personal rows' cards, {in_catalogue:.0%} of the catalogue: {served}"
    )

"""The demo history's past customers: delivered orders spread over the catalogue, and their reviews."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.history import build
from demo.history.past_customers import USERNAME_PREFIX, past_customers_play
from demo.history.selectors import review_coverage
from shop.models import Order, Product
from shop.reviews.models import Review

pytestmark = pytest.mark.slow


class NoCampaigns:
    def lines(self):
        return []

    def outcome_lines(self, **kwargs):
        return []


@pytest.fixture
def small_store(transactional_db, shipping_methods):
    """The demo store's catalogue, small and without pictures; rows committed, so order and review hooks run."""
    from demo.store.loader import demo_store_load

    demo_store_load(seed=42, product_count=60, with_images=False)


@pytest.fixture
def history_without_traffic(monkeypatch):
    """The history with its traffic, training, experiment and logins left out: the past customers alone run."""
    monkeypatch.setattr("demo.simulator.campaigns.demo_campaigns_ensure", lambda **kwargs: NoCampaigns())
    monkeypatch.setattr("demo.simulator.closed_loop.closed_loop_run", lambda **kwargs: None)
    monkeypatch.setattr("demo.simulator.closed_loop.models_train", lambda **kwargs: {})
    monkeypatch.setattr(
        "demo.simulator.closed_loop.ranker_experiment_start",
        lambda **kwargs: type("E", (), {"key": "ranker"})(),
    )
    monkeypatch.setattr("demo.simulator.personas.personas_play", lambda **kwargs: [])


def test_the_history_gives_most_products_of_a_small_catalogue_a_review(small_store, history_without_traffic):
    # given a store of 60 products without any review
    assert review_coverage().reviewed == 0

    # when the demo's history is built
    lines = []
    build.demo_history_build(bars=False, say=lines.append)

    # then more than half its products show a published review, and the history says how many
    coverage = review_coverage()
    assert coverage.reviewed > coverage.products / 2, coverage
    assert coverage.line() in lines


def test_past_reviews_are_verified_purchases_of_delivered_orders_in_both_languages(small_store):
    until = timezone.now() - timedelta(days=21)

    played = past_customers_play(seed=42, until=until)

    past = Review.objects.filter(user__username__startswith=USERNAME_PREFIX)
    assert played.reviews == past.count() > 0
    assert not past.filter(verified_purchase=False).exists()
    for review in past.select_related("user"):
        delivered = Order.objects.filter(user=review.user, status=Order.Status.DELIVERED, lines__product=review.product)
        assert delivered.exists(), f"{review.user} reviewed {review.product} without a delivered order of it"
        assert review.created_at <= until, "written before the simulated traffic began"
    assert set(past.values_list("language", flat=True)) == {"en", "zh-hans"}
    assert {1, 2, 5} <= set(past.values_list("rating", flat=True)), "duds and good matches both"


def test_past_purchases_leave_stock_on_the_shelves_and_a_second_run_adds_nothing(small_store):
    before = dict(Product.objects.values_list("pk", "stock"))
    until = timezone.now() - timedelta(days=21)
    past_customers_play(seed=42, until=until)
    reviews = Review.objects.count()

    again = past_customers_play(seed=42, until=until)

    after = dict(Product.objects.values_list("pk", "stock"))
    assert not again.played and Review.objects.count() == reviews
    assert all(after[pk] > 0 for pk, stock in before.items() if stock > 0), "no product sold out by the past"


def test_the_reviewed_products_search_documents_are_brought_up_to_date_once_at_the_end(small_store):
    from shop.search.models import SearchDocument
    from shop.search.services import search_documents_update

    def documents():
        return sorted(SearchDocument.objects.values_list("product_id", "language", "tokens_a", "tokens_d"))

    past_customers_play(seed=42, until=timezone.now() - timedelta(days=21))
    written = documents()

    search_documents_update(product_ids=list(Product.objects.values_list("pk", flat=True)))

    assert written == documents(), "a product's document is what a fresh rewrite gives"

import random
from collections import Counter
from datetime import timedelta
from statistics import mean
from types import SimpleNamespace

import pytest
from django.utils import timezone

from demo.simulator import reviews
from demo.simulator.behaviour import review_rating
from demo.simulator.clock import SimulatedClock, simulated_time
from demo.simulator.run import site_tuned_for_simulation
from demo.simulator.session import Browser, VisitResult, _check_out, _sign_up
from demo.simulator.shoppers import CatalogItem, Shopper, Taste, catalog_load, product_quality
from shop.models import Order
from shop.reviews.models import Review


def _ratings(taste: Taste, item: CatalogItem) -> list[int]:
    rng = random.Random(3)
    return [review_rating(taste, item, rng=rng, seed=seed) for seed in range(400)]


def _fan_of(item: CatalogItem) -> Taste:
    return Taste(categories={item.category: 1.0}, brands={item.brand: 1.0}, price_level=item.price_level)


def _signed_up_order(browser: Browser, *items: CatalogItem) -> VisitResult:
    """The buyer signs up, puts the items in the cart and checks out, through the site."""
    result = VisitResult()
    _sign_up(browser, result)
    for item in items:
        browser.client.post("/cart/add/", {"product_id": item.pk, "quantity": 1})
    assert _check_out(browser, result)
    return result


def _buyer(catalog, item: CatalogItem, seed: int, clock: SimulatedClock) -> Browser:
    shopper = Shopper(index=0, kind="loyal", seed=seed, taste=_fan_of(item), visits=[], signs_up=True)
    return Browser(shopper, catalog=catalog, clock=clock)


def test_stars_follow_the_hidden_taste():
    taste = Taste(categories={"cameras": 1.0}, brands={"Lumix": 1.0}, price_level=0.8)
    match = CatalogItem(1, "g9", "cameras", "Lumix", price_level=0.8)
    poor = CatalogItem(2, "mop", "cleaning", "Other", price_level=0.0)

    good, bad = _ratings(taste, match), _ratings(taste, poor)

    assert mean(good) > 4.3 and mean(bad) < 2.0
    assert set(good) | set(bad) <= {1, 2, 3, 4, 5}
    assert len(set(good)) > 1, "noise moves a rating now and then"


def test_a_dud_is_rated_badly_by_most_buyers_whatever_their_taste():
    # given a product that matches its fans' taste exactly, once as good as it looks and once a dud
    sound = CatalogItem(1, "g9", "cameras", "Lumix", price_level=0.8)
    dud = CatalogItem(1, "g9", "cameras", "Lumix", price_level=0.8, quality=0.0)

    # when its fans rate each
    fans = _ratings(_fan_of(sound), sound), _ratings(_fan_of(dud), dud)

    # then the sound one rates 4-5, the dud 1-2 for most of the very same buyers
    assert mean(fans[0]) > 4.3
    assert sum(stars <= 2 for stars in fans[1]) > 0.8 * len(fans[1]), Counter(fans[1])


def test_the_catalogue_has_a_few_duds_drawn_from_the_seed():
    slugs = [f"product-{n}" for n in range(2000)]

    qualities = [product_quality(slug, seed=42) for slug in slugs]

    duds = sum(quality < 0.5 for quality in qualities)
    assert 0.02 * len(slugs) < duds < 0.12 * len(slugs), duds
    assert qualities == [product_quality(slug, seed=42) for slug in slugs], "the same seed draws the same duds"
    assert qualities != [product_quality(slug, seed=43) for slug in slugs], "another seed, other duds"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_review_text_is_in_the_pages_language(language):
    title, body = reviews.review_text(stars=5, language=language, rng=random.Random(1))

    assert title in reviews.TITLES[language][5]
    assert any(sentence in body for sentence in reviews.SENTENCES[language][5])


@pytest.mark.slow
def test_a_signed_in_shopper_reviews_a_delivered_order_through_the_site(demo_catalog, monkeypatch):
    catalog = catalog_load()
    item = next(iter(catalog.items.values()))
    clock = SimulatedClock(timezone.now() - timedelta(days=5))
    monkeypatch.setattr(reviews, "REVIEW_SHARE", 1.0)

    with site_tuned_for_simulation(), simulated_time(clock):
        browser = _buyer(catalog, item, 11, clock)
        result = _signed_up_order(browser, item)
        clock.advance(3600)
        too_early = reviews.deliveries_and_reviews(browser)
        clock.advance(3 * 86400)
        written = reviews.deliveries_and_reviews(browser)

    [number] = result.orders
    review = Review.objects.get(user_id=browser.user_id)
    assert (too_early, written, browser.awaiting) == (0, 1, [])
    assert Order.objects.get(number=number).status == Order.Status.DELIVERED
    assert (review.product_id, review.verified_purchase, review.status) == (item.pk, True, Review.Status.PUBLISHED)
    assert review.rating >= 4 and review.language == "en"
    assert review.title in reviews.TITLES["en"][review.rating] and review.body


@pytest.mark.slow
def test_a_buyer_reviews_each_product_of_a_delivered_order_with_stars_from_their_taste(demo_catalog, monkeypatch):
    # given a shopper who likes one product's category, brand and price, and orders it with a product they do not
    catalog = catalog_load()
    liked = next(iter(catalog.items.values()))
    other = next(item for item in catalog.items.values() if item.category != liked.category)
    clock = SimulatedClock(timezone.now() - timedelta(days=5))
    monkeypatch.setattr(reviews, "REVIEW_SHARE", 1.0)

    with site_tuned_for_simulation(), simulated_time(clock):
        browser = _buyer(catalog, liked, 12, clock)
        _signed_up_order(browser, liked, other)
        # when the order has arrived by their next visit
        clock.advance(3 * 86400)
        written = reviews.deliveries_and_reviews(browser)

    # then both products are reviewed, the one that matches their taste higher
    stars = dict(Review.objects.filter(user_id=browser.user_id).values_list("product_id", "rating"))
    assert written == 2
    assert set(stars) == {liked.pk, other.pk}
    assert stars[liked.pk] > stars[other.pk]


@pytest.mark.slow
def test_a_buyer_who_never_comes_back_reviews_at_the_end_of_the_simulation(demo_catalog, monkeypatch):
    catalog = catalog_load()
    item = next(iter(catalog.items.values()))
    clock = SimulatedClock(timezone.now() - timedelta(days=5))
    monkeypatch.setattr(reviews, "REVIEW_SHARE", 1.0)
    with site_tuned_for_simulation(), simulated_time(clock):
        browser = _buyer(catalog, item, 13, clock)
        _signed_up_order(browser, item)
    end = clock.now() + timedelta(days=3)
    simulation = SimpleNamespace(clock=clock, end=end, browsers={0: browser})

    written = reviews.deliveries_at_the_end(simulation)

    review = Review.objects.get(user_id=browser.user_id)
    assert written == 1 and review.product_id == item.pk
    assert end <= review.created_at <= end + timedelta(minutes=5), "written at the simulation's last moment"


@pytest.mark.slow
def test_a_buyer_answers_the_shops_email_after_delivery_between_visits(demo_catalog, monkeypatch):
    # given a signed-up buyer who orders on their first visit and comes back only eight days later
    from demo.simulator import run
    from demo.simulator.session import visit_play

    catalog = catalog_load()
    item = next(iter(catalog.items.values()))
    start = timezone.now().replace(microsecond=0) - timedelta(days=10)
    simulation = run.Simulation(visitors=1, days=10, seed=5, start=start, catalog=catalog)
    first, second = start + timedelta(hours=1), start + timedelta(days=8)
    simulation.shoppers[0] = Shopper(
        index=0, kind="loyal", seed=14, taste=_fan_of(item), visits=[first, second], signs_up=True
    )
    simulation.queue = [run.Visit(first, 0), run.Visit(second, 0)]
    monkeypatch.setattr(reviews, "REVIEW_SHARE", 1.0)

    def orders_on_the_first_visit(browser):
        if browser.clock.now() >= second:
            return visit_play(browser)
        return _signed_up_order(browser, item)

    monkeypatch.setattr(run, "visit_play", orders_on_the_first_visit)

    # when the simulation is played up to the day before their second visit
    simulation.play(until=second - timedelta(days=1), progress=False)

    # then the order was delivered and reviewed at the moment they answered the e-mail, not at a visit
    [number] = simulation.results[0][0][1].orders
    review = Review.objects.get(user_id=simulation.browsers[0].user_id)
    ordered = Order.objects.get(number=number)
    assert ordered.status == Order.Status.DELIVERED and review.verified_purchase
    low, high = reviews.REVIEW_DELAY_DAYS
    days = (review.created_at - ordered.created_at).total_seconds() / 86400
    assert reviews.DELIVERY_DAYS + low <= days <= reviews.DELIVERY_DAYS + high + 0.01
    assert simulation.requested_reviews == 1
    assert (simulation.review_requests, simulation.browsers[0].review_requests, simulation.played) == ([], [], 1)


@pytest.mark.slow
def test_a_buyer_whose_session_ended_signs_in_again_to_review(demo_catalog, monkeypatch):
    catalog = catalog_load()
    item = next(iter(catalog.items.values()))
    clock = SimulatedClock(timezone.now() - timedelta(days=5))
    monkeypatch.setattr(reviews, "REVIEW_SHARE", 1.0)
    with site_tuned_for_simulation(), simulated_time(clock):
        browser = _buyer(catalog, item, 15, clock)
        result = _signed_up_order(browser, item)
        browser.client.logout()  # the session ended while the parcel travelled
        clock.advance(3 * 86400)

        written = reviews.review_request_answer(browser, result.orders[0])

    assert written == 1
    assert Review.objects.filter(user_id=browser.user_id, product_id=item.pk, verified_purchase=True).exists()

"""The review parts of the storefront: product page, write form, votes, order page, cards, the rating sort."""

import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from shop import product_cache
from shop.models import Order
from shop.reviews.models import Review
from shop.reviews.services import review_create
from shop.templatetags import shop_tags
from tests.factories import make_product
from tests.shop.reviews.conftest import deliver, old_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cards():
    product_cache.forget()
    shop_tags.forget_card_bodies()
    yield
    shop_tags.forget_card_bodies()


def json_ld(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_the_product_page_shows_average_distribution_badge_and_json_ld(client, buyer, product):
    review_create(user=buyer, product=product, rating=4, title="Solid </script> body", language="en")

    html = client.get(product.get_absolute_url()).content.decode()

    assert "4.0 out of 5 · 1 review" in html
    assert 'value="100"' in html and "<meter" in html
    assert "Verified purchase" in html
    data = json_ld(html)
    assert data["@type"] == "Product"
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.0,
        "reviewCount": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert data["review"][0]["name"] == "Solid </script> body"
    assert "style=" not in html.split('id="reviews"')[1].split("</section>")[0]


def test_reviews_sort_and_filter_by_stars(client, address, product, shipping_methods):
    for rating, name in [(1, "low"), (5, "high")]:
        shopper = old_user(name)
        deliver(user=shopper, address=address, product=product)
        review_create(user=shopper, product=product, rating=rating, title=f"Title {name}", language="en")

    lowest = client.get(product.get_absolute_url(), {"review_sort": "lowest"}).content.decode()
    fives = client.get(product.get_absolute_url(), {"stars": "5"}).content.decode()

    assert lowest.index("Title low") < lowest.index("Title high")
    assert "Title high" in fives and "Title low" not in fives


def test_a_shopper_writes_a_review_from_the_product_page(client, buyer, product):
    client.force_login(buyer)

    response = client.post(reverse("shop:review_write", args=[product.slug]), {"rating": "5", "body": "Love it"})

    assert response.status_code == 302 and response.url.endswith("#reviews")
    review = Review.objects.get(user=buyer)
    assert (review.rating, review.status, review.language) == (5, Review.Status.PUBLISHED, "en")


def test_the_form_edits_the_shopper_s_own_review(client, buyer, product):
    review_create(user=buyer, product=product, rating=2, language="en")
    client.force_login(buyer)

    form = client.get(reverse("shop:review_write", args=[product.slug])).context["form"]
    client.post(reverse("shop:review_write", args=[product.slug]), {"rating": "4"})

    assert form.initial["rating"] == 2
    assert Review.objects.get(user=buyer).rating == 4


def test_a_second_review_that_slips_past_the_form_gets_a_clear_message_and_changes_nothing(
    client, buyer, product, monkeypatch
):
    # given a review written in another tab after this form was opened (the form saw none)
    review_create(user=buyer, product=product, rating=2, language="en")
    monkeypatch.setattr("shop.reviews.selectors.review_of_user", lambda **kwargs: None)
    client.force_login(buyer)

    response = client.post(reverse("shop:review_write", args=[product.slug]), {"rating": "5"})

    assert response.status_code == 200
    assert "You have already reviewed this product; edit your review instead." in response.content.decode()
    assert Review.objects.get(user=buyer).rating == 2


def test_writing_needs_signing_in(client, product):
    response = client.get(reverse("shop:review_write", args=[product.slug]))

    assert response.status_code == 302 and "login" in response.url


def test_a_helpful_vote_from_the_page_counts_once(client, buyer, reader, product):
    review = review_create(user=buyer, product=product, rating=5, language="en")
    client.force_login(reader)

    for _ in range(2):
        client.post(reverse("shop:review_vote", args=[review.pk]))

    review.refresh_from_db()
    assert review.helpful_count == 1


def test_the_delivered_order_page_links_to_the_review_form(client, address, product, shipping_methods):
    shopper = old_user("received")
    order = deliver(user=shopper, address=address, product=product)
    client.force_login(shopper)

    html = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()

    assert reverse("shop:review_write", args=[product.slug]) in html
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED


def card(product) -> str:
    request = RequestFactory().get("/")
    return render_to_string("shop/includes/product_card.html", {"product": product, "position": 1}, request=request)


def served(pk):
    (product,) = product_cache.listing_products([pk])
    return product


def test_the_card_shows_the_rating_and_changes_when_it_changes(buyer, reader, address, product, shipping_methods):
    before = card(served(product.pk))
    review_create(user=buyer, product=product, rating=4, language="en")
    after_one = card(served(product.pk))
    deliver(user=reader, address=address, product=product)
    review_create(user=reader, product=product, rating=2, language="en")
    after_two = card(served(product.pk))

    assert "out of 5" not in before
    assert "4.0 out of 5 · 1 review" in after_one
    assert "3.0 out of 5 · 2 reviews" in after_two


def test_the_category_sorts_by_rating(client, buyer, address, category, brand, product, shipping_methods):
    unrated = make_product(name="Unrated lens", category=category, brand=brand, price="10.00", stock=3)
    low = make_product(name="Poor strap", category=category, brand=brand, price="10.00", stock=3)
    deliver(user=buyer, address=address, product=low)
    review_create(user=buyer, product=product, rating=5, language="en")
    review_create(user=buyer, product=low, rating=1, language="en")

    response = client.get(reverse("shop:category", args=[category.slug]), {"sort": "rating"})

    assert [p.pk for p in response.context["products"]] == [product.pk, low.pk, unrated.pk]

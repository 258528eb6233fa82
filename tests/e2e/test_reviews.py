"""Reviews in the browser: a shopper reviews what was delivered; another finds the review helpful."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def test_a_shopper_reviews_a_delivered_order_and_another_marks_the_review_helpful(new_context, shop, shopper, address):
    from shop.reviews.models import Review
    from tests.factories import make_user
    from tests.shop.reviews.conftest import deliver

    compact = shop["camera_products"][0]
    order = deliver(user=shopper, address=address, product=compact)  # the staff's steps, through the order service
    make_user(username="bob", password=PASSWORD)
    page = new_context().new_page()

    # given: the shopper signs in and opens the delivered order
    page.goto(f"/account/login/?next=/account/orders/{order.number}/")
    sign_in(page, username="alice")
    expect(page.get_by_role("heading", name="Review what you received")).to_be_visible()

    # when: they follow its review link and give four stars with a few words
    page.get_by_role("link", name="Review Lumix Compact").click()
    expect(page.get_by_role("heading", level=1, name="Write a review")).to_be_visible()
    page.get_by_label("★★★★", exact=True).check()
    page.get_by_label("Title").fill("Small and sharp")
    page.get_by_label("Your review").fill("Fits a jacket pocket; the zoom is slow.")
    page.get_by_role("button", name="Publish your review").click()

    # then: the product page says it is published and shows it with the verified badge
    expect(page).to_have_url(re.compile(rf"{compact.get_absolute_url()}#reviews$"))
    expect(page.get_by_text("Thank you! Your review is published.")).to_be_visible()
    review = page.locator(".reviews__list .review").first
    expect(review).to_contain_text("Small and sharp")
    expect(review).to_contain_text("Verified purchase")
    badge, box = review.locator(".badge").bounding_box(), review.bounding_box()
    assert box["y"] <= badge["y"] <= box["y"] + box["height"], "the badge stays in its review"
    expect(review.locator(".review__rating .stars")).to_have_text("★★★★☆")
    expect(page.locator(".reviews__average")).to_contain_text("4.0 out of 5 · 1 review")
    expect(review.get_by_role("button", name="Helpful")).to_have_count(0)  # not on one's own review

    # when: another shopper reads it and marks it helpful
    other = new_context().new_page()
    other.goto(f"/account/login/?next={compact.get_absolute_url()}")
    sign_in(other, username="bob")
    other.locator(".reviews__list .review").first.get_by_role("button", name="Helpful").click()

    # then: the review counts one helpful vote, and a second click counts nothing more
    expect(other.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(other.locator(".reviews__list .review").first).to_contain_text("1 person found this helpful")
    other.locator(".reviews__list .review").first.get_by_role("button", name="Helpful").click()
    expect(other.locator(".reviews__list .review").first).to_contain_text("1 person found this helpful")
    assert Review.objects.get(product=compact).helpful_count == 1

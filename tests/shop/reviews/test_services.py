"""The review services: verified purchase, one per shopper and product, holds, moderation, votes, reports, burst."""

import pytest
from django.db import IntegrityError

from shop.exceptions import ReviewExists, ReviewNotAllowed
from shop.reviews.models import Review
from shop.reviews.services import (
    review_create,
    review_delete,
    review_moderate,
    review_report,
    review_update,
    review_vote,
)
from tests.factories import make_user
from tests.shop.reviews.conftest import deliver, old_user

pytestmark = pytest.mark.django_db


def write(user, product, rating=5, body="Lovely camera.", **fields):
    return review_create(user=user, product=product, rating=rating, body=body, language="en", **fields)


def test_a_buyer_s_review_is_published_at_once_as_a_verified_purchase(buyer, product):
    review = write(buyer, product, rating=4)

    assert review.status == Review.Status.PUBLISHED
    assert review.verified_purchase is True
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (4, 1)


def test_an_order_not_yet_delivered_does_not_verify_the_purchase(address, product, shipping_methods):
    from tests.factories import place_order

    shopper = old_user("waiting")
    place_order(user=shopper, address=address, products=[product], idempotency_key="k-waiting")

    review = write(shopper, product)

    assert review.verified_purchase is False
    assert (review.status, review.hold_reason) == (Review.Status.PENDING, Review.HoldReason.NOT_BOUGHT)


def test_one_review_per_shopper_and_product(buyer, product):
    write(buyer, product)

    with pytest.raises(ReviewExists):
        write(buyer, product, rating=1)
    assert Review.objects.filter(user=buyer, product=product).count() == 1


def test_the_database_refuses_a_second_review_too(buyer, product):
    write(buyer, product)

    with pytest.raises(IntegrityError):
        Review.objects.create(user=buyer, product=product, rating=3, language="en")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Better price at www.example-deals.com", Review.HoldReason.LINK),
        ("Read https://spam.example/x first", Review.HoldReason.LINK),
        ("This shit broke in a week", Review.HoldReason.PROFANITY),
    ],
)
def test_links_and_profanity_hold_a_review(buyer, product, body, reason):
    review = write(buyer, product, body=body)

    assert (review.status, review.hold_reason) == (Review.Status.PENDING, reason)
    product.refresh_from_db()
    assert product.rating_count == 0


def test_chinese_profanity_holds_a_chinese_review(buyer, product):
    review = review_create(user=buyer, product=product, rating=1, body="这是什么垃圾，傻逼卖家", language="zh-hans")

    assert review.hold_reason == Review.HoldReason.PROFANITY


def test_the_approval_setting_holds_every_review(buyer, product, settings):
    settings.REVIEWS_REQUIRE_APPROVAL = True

    review = write(buyer, product)

    assert (review.status, review.hold_reason) == (Review.Status.PENDING, Review.HoldReason.APPROVAL)


def test_staff_publish_or_reject_with_a_reason(buyer, product, settings):
    settings.REVIEWS_REQUIRE_APPROVAL = True
    review = write(buyer, product, rating=2)

    review_moderate(review=review, publish=False, reason="Off topic")
    assert (review.status, review.rejection_reason) == (Review.Status.REJECTED, "Off topic")

    review_moderate(review=review, publish=True)
    review.refresh_from_db()
    product.refresh_from_db()
    assert (review.status, review.rejection_reason, review.hold_reason) == (Review.Status.PUBLISHED, "", "")
    assert (product.rating_average, product.rating_count) == (2, 1)


def test_only_the_author_edits_or_deletes(buyer, reader, product):
    review = write(buyer, product)

    with pytest.raises(ReviewNotAllowed):
        review_update(review=review, user=reader, rating=1)
    with pytest.raises(ReviewNotAllowed):
        review_delete(review=review, user=reader)

    review_update(review=review, user=buyer, rating=3, title="Changed my mind")
    review.refresh_from_db()
    assert (review.rating, review.title) == (3, "Changed my mind")
    review_delete(review=review, user=buyer)
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (None, 0)


def test_an_edit_with_a_link_goes_back_to_pending(buyer, product):
    review = write(buyer, product)

    review_update(review=review, user=buyer, rating=5, body="see www.example.com")

    assert review.status == Review.Status.PENDING
    product.refresh_from_db()
    assert product.rating_count == 0


def test_a_vote_counts_once_per_shopper(buyer, reader, product):
    review = write(buyer, product)

    assert review_vote(review=review, user=reader) is True
    assert review_vote(review=review, user=reader) is False

    review.refresh_from_db()
    assert review.helpful_count == 1 and review.votes.count() == 1


def test_nobody_votes_for_their_own_review(buyer, product):
    review = write(buyer, product)

    with pytest.raises(ReviewNotAllowed):
        review_vote(review=review, user=buyer)


def test_a_report_counts_once_per_shopper_and_enough_of_them_hold_the_review(buyer, product):
    review = write(buyer, product)
    reporters = [old_user(f"reporter{n}") for n in range(3)]

    assert review_report(review=review, user=reporters[0], reason="rude") is True
    assert review_report(review=review, user=reporters[0], reason="rude") is False
    review.refresh_from_db()
    assert (review.report_count, review.status) == (1, Review.Status.PUBLISHED)

    review_report(review=review, user=reporters[1])
    review_report(review=review, user=reporters[2])
    review.refresh_from_db()
    assert (review.status, review.hold_reason) == (Review.Status.PENDING, Review.HoldReason.REPORTED)


def test_a_burst_of_five_stars_from_new_accounts_is_held_for_staff(address, product, shipping_methods, settings):
    settings.REVIEWS_BURST = {"count": 3, "window_hours": 24, "account_age_days": 7}
    newcomers = [make_user(username=f"new{n}") for n in range(3)]
    for newcomer in newcomers:
        deliver(user=newcomer, address=address, product=product)

    first, second = write(newcomers[0], product), write(newcomers[1], product)
    assert first.status == second.status == Review.Status.PUBLISHED
    third = write(newcomers[2], product)

    held = Review.objects.filter(product=product, hold_reason=Review.HoldReason.BURST)
    assert set(held.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    assert third.status == Review.Status.PENDING
    product.refresh_from_db()
    assert product.rating_count == 0


def test_five_stars_from_old_accounts_are_no_burst(address, product, shipping_methods, settings):
    settings.REVIEWS_BURST = {"count": 3, "window_hours": 24, "account_age_days": 7}
    for n in range(3):
        shopper = old_user(f"loyal{n}")
        deliver(user=shopper, address=address, product=product)
        write(shopper, product)

    assert not Review.objects.filter(status=Review.Status.PENDING).exists()

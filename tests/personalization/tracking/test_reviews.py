"""Reviews as behaviour: review_written and review_voted become events; reviews go with the shopper's data."""

import pytest

from personalization.tracking.models import Event, PersonalizationPreference
from personalization.tracking.services import behaviour_data_delete, behaviour_data_export
from shop.reviews.models import Review, ReviewReport, ReviewVote
from shop.reviews.services import review_create, review_report, review_vote
from tests.shop.reviews.conftest import deliver, old_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(address, product, shipping_methods):
    shopper = old_user("buyer")
    deliver(user=shopper, address=address, product=product)
    return shopper


@pytest.fixture
def reader(db):
    return old_user("reader")


@pytest.fixture
def review(buyer, product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return review_create(user=buyer, product=product, rating=4, body="Good.", language="en")


def test_writing_a_review_records_review_written_with_the_rating(review, buyer, product):
    event = Event.objects.get(type=Event.Type.REVIEW_WRITTEN)

    assert (event.user_id, event.product_id) == (buyer.pk, product.pk)
    assert event.context["rating"] == 4 and event.context["verified_purchase"] is True


def test_a_helpful_vote_records_review_voted_once(review, reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review_vote(review=review, user=reader)
        review_vote(review=review, user=reader)

    assert list(Event.objects.filter(type=Event.Type.REVIEW_VOTED).values_list("user_id", flat=True)) == [reader.pk]


def test_no_review_event_for_a_shopper_who_switched_off(buyer, product, django_capture_on_commit_callbacks):
    PersonalizationPreference.objects.create(user=buyer, enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        review_create(user=buyer, product=product, rating=5, language="en")

    assert not Event.objects.filter(type=Event.Type.REVIEW_WRITTEN).exists()


def test_the_data_export_holds_the_shopper_s_reviews_votes_and_reports(review, reader, product):
    review_vote(review=review, user=reader)
    review_report(review=review, user=reader, reason="too short")

    exported = behaviour_data_export(user=reader)
    own = behaviour_data_export(user=review.user)

    assert [r["rating"] for r in own["reviews"]] == [4]
    assert own["reviews"][0]["product_id"] == product.pk
    assert [v["review_id"] for v in exported["helpful_votes"]] == [review.pk]
    assert [(r["review_id"], r["reason"]) for r in exported["reports"]] == [(review.pk, "too short")]


def test_deleting_the_shopper_s_data_deletes_their_reviews_and_votes(review, reader, buyer, product):
    review_vote(review=review, user=reader)
    review_report(review=review, user=reader)

    behaviour_data_delete(user=reader)
    review.refresh_from_db()
    assert (review.helpful_count, review.report_count) == (0, 0)
    assert not ReviewVote.objects.filter(user=reader).exists()
    assert not ReviewReport.objects.filter(user=reader).exists()

    behaviour_data_delete(user=buyer)
    assert not Review.objects.filter(user=buyer).exists()
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (None, 0)

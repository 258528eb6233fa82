"""/api/v1/products/<slug>/reviews and /api/v1/reviews/<id>: list, write, edit, delete, vote, report."""

import pytest

from shop.reviews.models import Review
from shop.reviews.services import review_create
from tests.shop.api.conftest import token_client
from tests.shop.reviews.conftest import old_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reviews_url(product) -> str:
    return f"/api/v1/products/{product.slug}/reviews"


def test_anyone_lists_published_reviews_sorted_and_filtered(client, buyer, product):
    review_create(user=buyer, product=product, rating=2, body="Meh.", language="en")
    review_create(user=old_user("stranger"), product=product, rating=5, language="en")  # not bought: held

    body = client.get(reviews_url(product), {"sort": "lowest"}).json()
    only_fives = client.get(reviews_url(product), {"stars": 5}).json()

    assert body["count"] == 1
    assert body["results"][0]["rating"] == 2 and body["results"][0]["verified_purchase"] is True
    assert only_fives["count"] == 0


def test_an_unknown_sort_is_a_validation_error(client, product):
    response = client.get(reviews_url(product), {"sort": "random"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_writing_needs_an_account(client, product):
    assert client.post(reviews_url(product), {"rating": 5}, content_type="application/json").status_code == 401


def test_a_shopper_writes_once_then_edits_and_deletes(buyer, product):
    api = token_client(buyer)

    created = api.post(reviews_url(product), {"rating": 5, "title": "Great"}, format="json")
    again = api.post(reviews_url(product), {"rating": 1}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "published"
    assert again.status_code == 409, "a second review of the same product conflicts with the first"
    assert again.json()["error"] == {
        "code": "review_exists",
        "message": "You have already reviewed this product; edit your review instead.",
    }
    assert Review.objects.get(user=buyer, product=product).rating == 5

    review_id = created.json()["id"]
    edited = api.put(f"/api/v1/reviews/{review_id}", {"rating": 3, "body": "Less great"}, format="json")
    assert edited.status_code == 200 and edited.json()["rating"] == 3

    assert api.delete(f"/api/v1/reviews/{review_id}").status_code == 204
    assert not Review.objects.filter(pk=review_id).exists()


def test_another_shopper_s_review_is_not_found_for_edits(buyer, reader, product):
    review = review_create(user=buyer, product=product, rating=5, language="en")
    api = token_client(reader)

    assert api.put(f"/api/v1/reviews/{review.pk}", {"rating": 1}, format="json").status_code == 404
    assert api.delete(f"/api/v1/reviews/{review.pk}").status_code == 404
    assert Review.objects.get(pk=review.pk).rating == 5


def test_votes_and_reports_are_idempotent(buyer, reader, product):
    review = review_create(user=buyer, product=product, rating=5, language="en")
    api = token_client(reader)

    first = api.post(f"/api/v1/reviews/{review.pk}/helpful")
    second = api.post(f"/api/v1/reviews/{review.pk}/helpful")
    reported = [api.post(f"/api/v1/reviews/{review.pk}/report", {"reason": "spam"}, format="json") for _ in "ab"]

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {"created": False, "helpful_count": 1}
    assert [r.status_code for r in reported] == [201, 200]


def test_voting_for_one_s_own_review_is_refused(buyer, product):
    review = review_create(user=buyer, product=product, rating=5, language="en")

    response = token_client(buyer).post(f"/api/v1/reviews/{review.pk}/helpful")

    assert response.status_code == 400 and response.json()["error"]["code"] == "review_not_allowed"


def test_a_held_review_cannot_be_voted_on(reader, product):
    held = review_create(user=old_user("stranger"), product=product, rating=5, language="en")

    assert token_client(reader).post(f"/api/v1/reviews/{held.pk}/helpful").status_code == 404


def test_writing_is_rate_limited_per_account(buyer, product, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "review_account": "2/h"}
    api = token_client(buyer)
    review_id = api.post(reviews_url(product), {"rating": 5}, format="json").json()["id"]

    second = api.put(f"/api/v1/reviews/{review_id}", {"rating": 4}, format="json")
    third = api.put(f"/api/v1/reviews/{review_id}", {"rating": 3}, format="json")

    assert second.status_code == 200
    assert third.status_code == 429 and "Retry-After" in third.headers
    assert Review.objects.get(pk=review_id).rating == 4


def test_product_list_and_detail_carry_the_published_rating(client, buyer, product):
    review_create(user=buyer, product=product, rating=4, language="en")
    review_create(user=old_user("stranger"), product=product, rating=1, language="en")  # not bought: held

    detail = client.get(f"/api/v1/products/{product.slug}").json()
    [listed] = [p for p in client.get("/api/v1/products").json()["results"] if p["id"] == product.pk]

    assert (detail["rating_average"], detail["rating_count"]) == ("4.00", 1)
    assert (listed["rating_average"], listed["rating_count"]) == ("4.00", 1)


def test_a_product_without_reviews_has_no_average(client, product):
    detail = client.get(f"/api/v1/products/{product.slug}").json()

    assert (detail["rating_average"], detail["rating_count"]) == (None, 0)

"""Published reviews' words find their product (at the lowest weight); held or removed ones do not."""

import pytest

from shop.reviews.models import Review
from shop.reviews.services import review_create, review_delete, review_moderate
from shop.search.models import SearchDocument
from shop.selectors import product_search
from tests.shop.reviews.conftest import old_user

pytestmark = pytest.mark.django_db


def found(query: str) -> list[int]:
    return list(product_search(query=query).values_list("pk", flat=True))


def test_a_published_reviews_words_find_the_product_until_it_is_deleted(buyer, product):
    assert found("featherlight") == []

    review = review_create(user=buyer, product=product, rating=5, body="Featherlight on a long hike.", language="en")

    assert review.status == Review.Status.PUBLISHED
    assert found("featherlight") == [product.pk]
    english = SearchDocument.objects.get(product=product, language="en")
    assert "featherlight" in english.tokens_d and "featherlight" not in english.tokens_a
    assert "featherlight" not in SearchDocument.objects.get(product=product, language="zh-hans").tokens_d

    review_delete(review=review, user=buyer)

    assert found("featherlight") == []


def test_a_held_review_joins_the_document_once_staff_publish_it(product):
    review = review_create(user=old_user("stranger"), product=product, rating=4, title="Featherlight", language="en")
    assert review.status == Review.Status.PENDING  # never bought it
    assert found("featherlight") == []

    review_moderate(review=review, publish=True)

    assert found("featherlight") == [product.pk]

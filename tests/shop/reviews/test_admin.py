"""The moderation queue: filters by status and hold reason, bulk publish and reject with a reason."""

import pytest
from django.urls import reverse

from shop.reviews.models import Review
from shop.reviews.services import review_create
from tests.factories import make_user
from tests.shop.reviews.conftest import old_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(username="moderator", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def held(product):
    return [review_create(user=old_user(f"s{n}"), product=product, rating=5, language="en") for n in range(2)]


def test_the_queue_filters_by_hold_reason(staff_client, held):
    response = staff_client.get(reverse("admin:reviews_review_changelist"), {"hold_reason__exact": "not_bought"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_bulk_publish(staff_client, held, product):
    staff_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "publish", "_selected_action": [r.pk for r in held], "reason": ""},
    )

    assert set(Review.objects.values_list("status", flat=True)) == {Review.Status.PUBLISHED}
    product.refresh_from_db()
    assert product.rating_count == 2


def test_bulk_reject_needs_and_keeps_a_reason(staff_client, held):
    url = reverse("admin:reviews_review_changelist")
    staff_client.post(url, {"action": "reject", "_selected_action": [r.pk for r in held], "reason": ""})
    assert set(Review.objects.values_list("status", flat=True)) == {Review.Status.PENDING}

    staff_client.post(url, {"action": "reject", "_selected_action": [r.pk for r in held], "reason": "Spam"})
    assert set(Review.objects.values_list("status", "rejection_reason")) == {(Review.Status.REJECTED, "Spam")}

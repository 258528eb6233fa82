"""Both ways rows reach the table: bulk_create for small batches and other databases, COPY on PostgreSQL."""

import pytest
from django.db import connection

from personalization.tracking import storage
from personalization.tracking.models import Event
from tests.factories import make_product, make_user
from tests.personalization.tracking.conftest import tracked

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["bulk_create", "copy"])
def batch_size(request):
    if request.param == "copy" and connection.vendor != "postgresql":
        pytest.skip("the COPY path needs PostgreSQL (set DATABASE_URL)")
    return storage.COPY_THRESHOLD + 10 if request.param == "copy" else 5


def test_each_uuid_once_and_deleted_rows_forgotten(batch_size):
    # given a batch that names a product and an account deleted since the events happened
    kept_product, kept_user = make_product(), make_user()
    gone_product_id, gone_user_id = kept_product.pk + 1000, kept_user.pk + 1000
    events = [tracked(product_id=kept_product.pk, user_id=kept_user.pk, context={"q": 'a "quoted"\\ value'})]
    events += [tracked(product_id=gone_product_id), tracked(user_id=gone_user_id)]
    events += [tracked() for _ in range(batch_size - len(events))]
    # when it is stored twice (a redelivery)
    storage.store_events(events)
    storage.store_events(events)
    # then every event but the deleted account's is there once, without the deleted product
    assert Event.objects.count() == batch_size - 1
    assert not Event.objects.filter(user_id=gone_user_id).exists()
    assert Event.objects.get(uuid=events[1].uuid).product_id is None
    first = Event.objects.get(uuid=events[0].uuid)
    assert (first.product_id, first.user_id, first.context) == (kept_product.pk, kept_user.pk, events[0].context)
    assert first.timestamp == events[0].timestamp

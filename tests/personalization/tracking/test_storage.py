"""Both ways rows reach the table: one prepared INSERT for small batches and other databases, COPY on PostgreSQL."""

import pytest
from django.db import connection

from personalization.tracking import storage
from personalization.tracking.models import Event
from tests.factories import make_product, make_user
from tests.personalization.tracking.conftest import tracked

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["insert", "copy"])
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


def test_every_column_stored_as_the_orm_would(batch_size):
    # given events with every field set, among them a purchase with a value and a nested context
    from decimal import Decimal

    product, user = make_product(), make_user()
    full = tracked(
        type="purchase",
        product_id=product.pk,
        user_id=user.pk,
        session_key="s" * 32,
        path="/checkout/done/X1/",
        referrer="https://example.com/?a=1",
        context={"order_number": "X1", "lines": [1, 2], "ok": True},
        value=Decimal("1234.50"),
    )
    events = [full] + [tracked() for _ in range(batch_size - 1)]
    # when
    storage.store_events(events)
    # then the row reads back as the event that was sent
    row = Event.objects.get(uuid=full.uuid)
    expected = full.to_row()
    for name in ("type", "timestamp", "recorded_at", "visitor_id", "user_id", "session_key", "product_id"):
        assert getattr(row, name) == getattr(expected, name), name
    assert (row.path, row.referrer, row.context, row.value) == (
        expected.path,
        expected.referrer,
        full.context,
        full.value,
    )
    assert str(row.uuid) == str(full.uuid)

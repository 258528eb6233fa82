import pytest
from django.core.management import CommandError, call_command

from demo.synthetic import synthetic_store_grow
from personalization.tracking.models import Event
from shop.models import Product
from shop.search.models import SearchDocument
from tests.factories import make_brand, make_category, make_product


@pytest.fixture
def small_store(db):
    tents, stoves = make_category(name="Tents"), make_category(name="Stoves")
    brand = make_brand(name="Alpine")
    return [make_product(name=f"Tent {i}", category=tents, brand=brand) for i in range(3)] + [
        make_product(name=f"Stove {i}", category=stoves, brand=brand) for i in range(2)
    ]


def test_the_store_grows_to_the_size_asked_with_older_copies_of_its_products(small_store):
    # when
    report = synthetic_store_grow(products=500, events=0, seed=3)
    # then
    assert report.products_created == 495 and Product.objects.count() == 500
    copies = Product.objects.exclude(pk__in=[p.pk for p in small_store])
    oldest_original = min(p.created_at for p in small_store)
    assert all(copy.created_at < oldest_original for copy in copies), "a copy is newer than the store's products"
    assert list(copies.order_by("pk").values_list("pk", flat=True)) == list(
        copies.order_by("created_at").values_list("pk", flat=True)
    ), "copies are not oldest first by id"
    tent_copy = copies.filter(category=small_store[0].category).first()
    assert tent_copy.name.startswith("Tent ") and "#" in tent_copy.name
    assert len({p.sku for p in copies}) == 495


def test_copies_carry_their_originals_search_documents(small_store):
    from shop.search.services import search_index_rebuild

    search_index_rebuild()
    per_product = SearchDocument.objects.filter(product=small_store[0]).count()
    synthetic_store_grow(products=50, events=0)
    assert SearchDocument.objects.count() == 50 * per_product


def test_events_are_views_carts_and_purchases_of_the_store_products_within_the_window(small_store):
    # when
    report = synthetic_store_grow(products=5, events=2_000, seed=1, days=30)
    # then
    assert report.events_created == 2_000 == Event.objects.count()
    types = set(Event.objects.values_list("type", flat=True))
    assert types <= {Event.Type.PRODUCT_VIEW, Event.Type.ADD_TO_CART, Event.Type.PURCHASE}
    assert Event.Type.PRODUCT_VIEW in types
    assert set(Event.objects.values_list("product_id", flat=True)) <= {p.pk for p in small_store}
    assert Event.objects.values("visitor_id").distinct().count() > 20
    assert len(set(Event.objects.values_list("uuid", flat=True))) == 2_000


def test_bad_sizes_are_refused_and_change_nothing(small_store):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("synthetic_store", products=0)
    with pytest.raises(ValueError, match="zero or more"):
        synthetic_store_grow(products=10, events=-1)
    assert Product.objects.count() == 5 and Event.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_store_gets_the_demo_catalogue_first():
    call_command("synthetic_store", products=700, events=100)
    assert Product.objects.count() == 700 and Event.objects.count() == 100


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_grown_tables_are_left_as_autovacuum_would_leave_them():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    # given a store outside any transaction, as the synthetic_store command runs
    tents = make_category(name="Tents")
    make_product(name="Tent", category=tents)
    # when it grows
    synthetic_store_grow(products=2_000, events=1_000, seed=2)
    # then its new rows are marked visible to all (index-only scans read no heap) and counted for the planner
    with connection.cursor() as cursor:
        # The events' table is partitioned by month: its rows are in its partitions.
        cursor.execute(
            """SELECT coalesce(p.relname, c.relname), sum(c.relallvisible), sum(c.reltuples) FROM pg_class c
               LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
               WHERE coalesce(p.relname, c.relname) IN ('shop_product', 'tracking_event') AND c.relkind = 'r'
               GROUP BY 1"""
        )
        settled = {name: (visible, tuples) for name, visible, tuples in cursor.fetchall()}
        assert set(settled) == {"shop_product", "tracking_event"}, settled
    assert all(visible > 0 and tuples > 0 for visible, tuples in settled.values()), settled

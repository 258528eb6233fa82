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

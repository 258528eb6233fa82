"""The read replica: catalogue reads go to it; carts, checkout, accounts and read-after-write stay on the primary."""

import pytest
from django.db import connections, transaction
from django.test import RequestFactory, override_settings

from config.db_router import PRIMARY, REPLICA, WROTE_COOKIE, PrimaryReadsMiddleware, ReplicaRouter, primary_reads
from shop.models import Cart, Order, Product
from shop.selectors import product_list
from tests.factories import make_product

ROUTED = override_settings(DATABASE_ROUTERS=["config.db_router.ReplicaRouter"], DATABASE_REPLICA_LAG_SECONDS=10)


@pytest.fixture
def replica(django_db_setup, django_db_blocker):
    """A `replica` alias: a second connection to the same test database, as a streaming replica would be.

    Outside a test transaction (a replica sees only what the primary committed): rows are removed after.
    """
    connections.settings[REPLICA] = {**connections[PRIMARY].settings_dict}
    with django_db_blocker.unblock():
        try:
            yield REPLICA
        finally:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
            for product in Product.objects.filter(name__startswith="Replicated").select_related("category", "brand"):
                product.delete()
                product.category.delete()
                product.brand.delete()


def test_catalogue_selectors_read_from_the_replica():
    with ROUTED:
        assert product_list().db == REPLICA


def test_carts_orders_and_users_read_from_the_primary():
    from django.contrib.auth import get_user_model

    with ROUTED:
        assert {Cart.objects.all().db, Order.objects.all().db, get_user_model().objects.all().db} == {PRIMARY}


@pytest.mark.django_db
def test_a_read_inside_a_transaction_is_on_the_primary():
    # A service that reads what it is about to change (stock under a lock) must not read a lagging copy.
    with ROUTED, transaction.atomic():
        assert Product.objects.all().db == PRIMARY


def test_writes_and_migrations_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Product) == PRIMARY
    assert router.allow_migrate(PRIMARY, "shop") and not router.allow_migrate(REPLICA, "shop")


def test_a_pinned_block_reads_from_the_primary():
    with ROUTED, primary_reads():
        assert Product.objects.all().db == PRIMARY
    with ROUTED:
        assert Product.objects.all().db == REPLICA, "the pin outlived its block"


def test_a_post_pins_its_reads_and_the_next_pages_of_that_visitor():
    # given
    seen = []

    def view(request):
        from django.http import HttpResponse

        seen.append(Product.objects.all().db)
        return HttpResponse()

    middleware = PrimaryReadsMiddleware(view)
    factory = RequestFactory()
    with ROUTED:
        # when a visitor posts
        response = middleware(factory.post("/cart/add/"))
        # then that request read from the primary, and a cookie pins their next pages for the lag
        assert seen == [PRIMARY]
        assert response.cookies[WROTE_COOKIE]["max-age"] == 10
        follow = factory.get("/")
        follow.COOKIES[WROTE_COOKIE] = "1"
        middleware(follow)
        middleware(factory.get("/"))  # someone else
    assert seen == [PRIMARY, PRIMARY, REPLICA]


def serving(view_func) -> PrimaryReadsMiddleware:
    """The middleware around a handler that calls process_view for `view_func`, as Django's does, then reads."""

    def handler(request):
        middleware.process_view(request, view_func, (), {})
        return Product.objects.all().db

    middleware = PrimaryReadsMiddleware(handler)
    return middleware


def test_cart_and_checkout_pages_read_from_the_primary_and_catalogue_pages_from_the_replica():
    from shop.api.views import cart as cart_api
    from shop.views import cart, catalog, checkout

    get = RequestFactory().get
    with ROUTED:
        assert serving(cart.cart)(get("/cart/")) == PRIMARY
        assert serving(checkout.checkout)(get("/checkout/")) == PRIMARY
        assert serving(cart_api.CartView.as_view())(get("/api/v1/cart/")) == PRIMARY
        assert serving(catalog.category)(get("/c/cameras/")) == REPLICA
        assert Product.objects.all().db == REPLICA, "the pin outlived its request"


def test_the_replica_serves_what_the_primary_committed(replica):
    # given a product written through the primary
    product = make_product(name="Replicated tent")
    # when the catalogue reads it through the router
    with ROUTED:
        found = product_list().get(pk=product.pk)
    # then it came over the replica's own connection
    assert found.name == "Replicated tent"
    assert found._state.db == REPLICA

import pytest


@pytest.fixture
def demo_catalog(transactional_db, shipping_methods):
    """The demo store's catalog, small and without pictures (what `load_demo_store --products 60` makes).

    Simulated visits need committed rows: cart events are recorded on commit, which never
    comes inside a test's rolled-back transaction.
    """
    from demo.store.loader import demo_store_load

    demo_store_load(seed=42, product_count=60, with_images=False)

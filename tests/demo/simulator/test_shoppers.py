from demo.simulator.behaviour import utility
from demo.simulator.shoppers import Taste, catalog_load
from demo.store.loader import demo_store_load
from shop.models import Product


def test_a_seed_plays_the_same_whatever_ids_the_database_gave_the_products(demo_catalog):
    # given what one simulated shopper makes of each product of the demo store
    taste = Taste(categories={"running": 1.0, "shoes": 0.6}, brands={"Aurora": 1.0}, price_level=0.4)

    def utilities() -> dict[str, float]:
        return {item.slug: utility(taste, item, seed=11) for item in catalog_load().items.values()}

    before = utilities()
    first_ids = set(Product.objects.values_list("pk", flat=True))

    # when the same store is written again under other ids (a database whose sequences other tests moved)
    Product.objects.all().delete()
    demo_store_load(seed=42, product_count=60, with_images=False)
    assert not first_ids & set(Product.objects.values_list("pk", flat=True))

    # then the shopper weighs every product exactly as before: its quirks follow the product, not its id
    assert utilities() == before

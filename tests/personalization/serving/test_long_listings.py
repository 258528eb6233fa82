"""A listing longer than its ranked head: the shopper's taste from the whole listing, every product once."""

import math

import pytest
from django.urls import reverse

from personalization.recommendations.training_data import interaction_rows, item_features
from personalization.recsys.data import build_dataset
from personalization.recsys.models.sasrec import SASRec, SASRecConfig
from personalization.recsys.trainer import Trainer, TrainerConfig
from personalization.serving import ShopperContext, ranking
from personalization.serving.candidates import retrieval_index
from personalization.serving.champions import forget_loaded_models, model_version
from personalization.serving.listing import HeadThenRest, PersonalizedListingRanker
from shop.models import Product
from shop.selectors import product_list
from tests.factories import make_brand, make_category, make_product
from tests.personalization.conftest import record_views
from tests.personalization.serving.test_candidates import register_champion

LISTING_SIZE = 130
HEAD = 50  # LISTING_CANDIDATES for these tests: the listing is more than twice its head
PAGE = 24


@pytest.fixture(scope="module")
def long_listing(django_db_setup, django_db_blocker):
    """A category of 130 tents; forty campers browse eight of the oldest in order; a sequence model over them."""
    from django.core.cache import cache

    from personalization.recommendations.models import ModelVersion
    from personalization.tracking.models import Event
    from shop.models import Brand, Category
    from shop.search.models import SearchDocument, SearchWord

    with django_db_blocker.unblock():
        category, brand = make_category(name="Tents"), make_brand(name="Alpine")
        for i in range(LISTING_SIZE):
            make_product(name=f"Tent {i}", category=category, brand=brand, price=100 + i, stock=5)
        oldest = list(Product.objects.order_by("created_at", "pk")[:8])
        record_views({f"camper-{n}": oldest[n % 4 :] + oldest[: n % 4] for n in range(40)})
        dataset = build_dataset(interaction_rows(), item_features=item_features())
        config = SASRecConfig(hidden=32, affinity_rerank=False, layers=1, max_len=20)
        model = SASRec(config).fit(dataset, trainer=Trainer(TrainerConfig(epochs=8, min_epochs=8, device="cpu")))
        version = register_champion(model)
        retrieval_index(model_version(version.pk))  # loaded while the files are where this fixture wrote them
        yield category, oldest
        forget_loaded_models()
        for version in ModelVersion.objects.all():
            version.artifact.delete(save=False)
        ModelVersion.objects.all().delete()
        Event.objects.all().delete()
        SearchDocument.objects.all().delete()
        Product.objects.all().delete()
        Brand.objects.all().delete()
        Category.objects.all().delete()
        SearchWord.objects.all().delete()
        cache.clear()


@pytest.fixture
def short_head(monkeypatch):
    monkeypatch.setattr(ranking, "LISTING_CANDIDATES", HEAD)


def shopper(*recent):
    return ShopperContext(
        unit="v:old-taste",
        recent_product_ids=tuple(p.pk for p in recent),
        recent_event_types=tuple("view" for _ in recent),
    )


@pytest.mark.django_db
def test_a_shopper_of_the_oldest_products_gets_them_first_in_a_long_listing(long_listing, short_head):
    # given: the listing's first HEAD products, all that was ranked before, hold none of the oldest
    category, oldest = long_listing
    products = product_list(category=category)
    assert not {p.pk for p in oldest} & set(products.values_list("pk", flat=True)[:HEAD])
    # when
    ranked = ranking.rank_listing_queryset(products, context=shopper(*oldest[:3]), surface="category")
    # then: the products browsed after the history come from the whole listing to the first page
    first_page = set(ranked.products[:PAGE])
    assert ranked.ranker == "sasrec", ranked.ranker
    assert first_page & {p.pk for p in oldest[3:]}, f"none of the products browsed with the history on {first_page}"


@pytest.mark.django_db
def test_every_page_of_a_long_ranked_listing_shows_new_products_and_together_all(long_listing, short_head, rf):
    # given: a shopper whose candidates join the head from the far end of the listing
    category, oldest = long_listing
    products = product_list(category=category)
    ranked = ranking.rank_listing_queryset(products, context=shopper(*oldest[:3]), surface="category")
    rest = ranking.listing_rest(products, ranked)
    listing = HeadThenRest(ranked.products, rest, listing=products)
    assert len(ranked.products) > HEAD, "retrieval added products from past the head"
    # when the shopper pages through it all
    pages = [[p.pk for p in listing[start : start + PAGE]] for start in range(0, len(listing), PAGE)]
    # then
    shown = [pk for page in pages for pk in page]
    assert len(listing) == LISTING_SIZE
    assert len(shown) == len(set(shown)), "a product was shown twice"
    assert set(shown) == set(products.values_list("pk", flat=True)), "a product was never shown"
    assert listing[len(listing) - 1].pk == shown[-1] and listing[-1].pk == shown[-1]


@pytest.mark.django_db
def test_the_category_pages_past_the_head_show_each_product_once(long_listing, short_head, client):
    # given
    category, _ = long_listing
    url = reverse("shop:category", args=[category.slug])
    # when every page of the category is asked for
    shown = []
    for page in range(1, math.ceil(LISTING_SIZE / PAGE) + 1):
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        assert response.context["result_count"] == LISTING_SIZE
        shown += [p.pk for p in response.context["products"]]
    # then
    assert len(shown) == len(set(shown)) == LISTING_SIZE


@pytest.mark.django_db
def test_a_listings_head_is_read_once_for_every_shopper_until_an_order_moves_the_stock(long_listing, short_head):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shop.cache_versions import stock_changed

    category, oldest = long_listing
    products = product_list(category=category)

    def head_reads(context) -> tuple[int, ranking.RankedList]:
        with CaptureQueriesContext(connection) as queries:
            ranked = ranking.rank_listing_queryset(products, context=context, surface="category")
        return sum(f"LIMIT {HEAD + 1}" in q["sql"] for q in queries.captured_queries), ranked

    # given one shopper's listing
    assert head_reads(shopper(*oldest[:3]))[0] == 1
    # when another shopper, and one without a history, ask for it
    reads, ranked = head_reads(shopper(*oldest[4:6]))
    # then the head is not read again, and still ranked for each
    assert reads == 0 and head_reads(ShopperContext(unit="v:new"))[0] == 0
    assert set(ranked.products[:HEAD]) <= set(products.values_list("pk", flat=True))
    # and when an order takes the last of the head's first product
    first = products.values_list("pk", flat=True)[0]
    Product.objects.filter(pk=first).update(stock=0)
    stock_changed()
    reads, ranked = head_reads(shopper(*oldest[:3]))
    # then the head is read again: the sold-out product goes after the ones in stock
    assert reads == 1 and ranked.products[-1] == first
    Product.objects.filter(pk=first).update(stock=5)
    stock_changed()


@pytest.mark.django_db
def test_a_page_within_the_head_never_builds_the_rests_filter_on_every_head_id(long_listing, short_head, rf):
    # given a long listing ranked for a shopper
    category, _ = long_listing
    listing = PersonalizedListingRanker().rank(
        request=rf.get("/"), products=product_list(category=category), surface="x"
    )
    # when its first page is read, then the rest is still to be made; a page past the head makes it
    assert len(listing.products[0:PAGE]) == PAGE and callable(listing.products._rest)
    assert len(listing.products[HEAD : HEAD + PAGE]) == PAGE and not callable(listing.products._rest)


@pytest.mark.django_db
def test_a_listing_that_fits_its_head_has_no_rest(long_listing, rf):
    category, _ = long_listing
    request = rf.get("/")
    listing = PersonalizedListingRanker().rank(request=request, products=product_list(category=category), surface="x")
    assert len(listing.products) == LISTING_SIZE
    assert not isinstance(listing.products, HeadThenRest)


def test_every_listing_of_the_demo_store_fits_the_ranked_head():
    """The demo store's personalized pages rank each whole listing, as they did with a head of 2,000 products."""
    # given: the demo store's products (load_demo_store's default size and seed), counted in every category
    # they list under: their own and the ones above it
    from collections import Counter

    from demo.store.catalog import CATEGORIES
    from demo.store.loader import DEFAULT_PRODUCT_COUNT, DEFAULT_SEED
    from demo.store.products import build_products

    parent = {node.slug: node.parent for node in CATEGORIES}
    sizes = Counter()
    for draft in build_products(seed=DEFAULT_SEED, count=DEFAULT_PRODUCT_COUNT):
        slug = draft.category
        while slug:
            sizes[slug] += 1
            slug = parent[slug]
    # when
    longest, size = sizes.most_common(1)[0]
    # then
    assert size <= ranking.LISTING_CANDIDATES, f"{longest} lists {size} products, past the ranked head"

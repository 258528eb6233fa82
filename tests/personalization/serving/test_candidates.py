"""Candidates for "Picked for you" reach the whole catalogue, not only its newest products."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction

from demo.synthetic import synthetic_store_grow
from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import artifact_checksum, model_version_promote
from personalization.recommendations.retrieval import model_version_index
from personalization.recommendations.training_data import interaction_rows, item_features
from personalization.recsys.data import build_dataset
from personalization.recsys.models.sasrec import SASRec, SASRecConfig
from personalization.recsys.trainer import Trainer, TrainerConfig
from personalization.serving import ShopperContext, fill_slot
from personalization.serving.candidates import CANDIDATE_LIMIT, retrieval_index
from personalization.serving.champions import champion_model, forget_loaded_models, model_version
from shop.models import Product
from tests.factories import make_brand, make_category, make_product
from tests.personalization.conftest import record_views

STORE_SIZE = 100_000


def shopper(*recent):
    return ShopperContext(
        unit="v:old-taste",
        recent_product_ids=tuple(p.pk for p in recent),
        recent_event_types=tuple("view" for _ in recent),
    )


def register_champion(model) -> ModelVersion:
    """What training does once a model is fitted: the artifact, the retrieval index, the promotion."""
    version = ModelVersion.objects.create(kind=ModelVersion.Kind.SASREC, status=ModelVersion.Status.CANDIDATE)
    blob = model.to_bytes()
    version.checksum = artifact_checksum(blob)
    version.artifact.save(f"sasrec-v{version.pk}.pt", ContentFile(blob), save=False)
    model_version_index(version=version, model=model)
    version.save()
    return model_version_promote(version=version)


@pytest.fixture(scope="module")
def large_store(django_db_setup, django_db_blocker):
    """100,000 products; forty shoppers browse eight of the oldest, in order; a sequence model over them all.

    The model is fitted for a few epochs without the second stage (model_version_train's evaluation
    and affinity stage over 100,000 items would take minutes); its vectors cover every product, and
    its retrieval index is the inverted lists a store of this size gets.
    """
    from django.core.cache import cache

    from personalization.tracking.models import Event
    from shop.models import Brand, Category
    from shop.search.models import SearchDocument, SearchWord

    with django_db_blocker.unblock():
        category, brand = make_category(name="Tents"), make_brand(name="Alpine")
        for i in range(4):
            make_product(name=f"Tent {i}", category=category, brand=brand, price=100 + i, stock=5)
        synthetic_store_grow(products=STORE_SIZE, events=0, seed=1)
        oldest = list(Product.objects.order_by("created_at", "pk")[:8])
        record_views({f"camper-{n}": oldest[n % 4 :] + oldest[: n % 4] for n in range(40)})
        dataset = build_dataset(interaction_rows(), item_features=item_features())
        config = SASRecConfig(hidden=32, affinity_rerank=False, layers=1, max_len=20)
        model = SASRec(config).fit(dataset, trainer=Trainer(TrainerConfig(epochs=5, min_epochs=5, device="cpu")))
        version = register_champion(model)
        retrieval_index(model_version(version.pk))  # loaded while the files are where this fixture wrote them
        yield oldest
        forget_loaded_models()
        for version in ModelVersion.objects.all():
            version.artifact.delete(save=False)
        # Raw deletes: the ORM's cascade collector and delete signals took 90 s over 100,000 products.
        # Search words go too: their categories are gone.
        models = [ModelVersion, Event, SearchDocument, SearchWord, Product, Brand, Category]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in models:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        cache.clear()


@pytest.mark.django_db
def test_a_shopper_of_the_oldest_products_gets_them_in_picked_for_you(large_store):
    # given: the store's newest CANDIDATE_LIMIT products, all that was ranked before, hold none of them
    oldest = large_store
    newest = set(Product.objects.order_by("-created_at").values_list("pk", flat=True)[:CANDIDATE_LIMIT])
    assert Product.objects.count() == STORE_SIZE and not newest & {p.pk for p in oldest}
    # when
    picked = fill_slot("for_you", k=8, context=shopper(*oldest[:3]))
    # then
    shown = {p.pk for p in picked}
    assert picked.ranker == "sasrec", picked.ranker
    assert shown & {p.pk for p in oldest[3:]}, f"none of the products browsed with the history among {shown}"


@pytest.mark.django_db
def test_retrieval_drops_sold_out_products_and_still_fills_the_list(large_store):
    # given: the products that follow the history sell out
    oldest = large_store
    Product.objects.filter(pk__in=[p.pk for p in oldest[3:6]]).update(stock=0)
    # when
    picked = fill_slot("for_you", k=8, context=shopper(*oldest[:3]))
    # then
    shown = {p.pk for p in picked}
    assert len(shown) == 8
    assert not shown & {p.pk for p in oldest[3:6]}, "a sold-out product was picked"
    assert shown & {p.pk for p in oldest[6:]}, f"the in-stock ones browsed with the history are missing from {shown}"


@pytest.mark.django_db
def test_the_champion_of_a_large_store_serves_with_a_retrieval_index(large_store):
    model = champion_model("sasrec")
    index = retrieval_index(model)
    assert index is not None and index.n_items == STORE_SIZE
    assert not index.exact, "a store of this size is served by the inverted lists"


@pytest.mark.django_db
@pytest.mark.parametrize("sold_out", [1, 3])
def test_picked_for_you_reads_the_stock_of_its_candidates_once_unless_most_of_the_nearest_sold_out(
    sold_out, monkeypatch
):
    from personalization.serving import candidates
    from tests.factories import make_product

    # given a catalogue past the whole-catalogue limit; of the four nearest products the first `sold_out` sold out
    products = [make_product(name=f"Kettle {n}", stock=0 if n < sold_out else 5) for n in range(4)]
    others = {make_product(name=f"Teapot {n}").pk for n in range(3)}
    ids = [p.pk for p in products]
    monkeypatch.setattr(candidates, "CANDIDATE_LIMIT", 3)
    asked = []

    def retrieved_for(*, context, exclude, k=candidates.RETRIEVED, in_stock=True):
        asked.append(in_stock)
        return ids[sold_out:] if in_stock else ids

    monkeypatch.setattr(candidates, "retrieved_for", retrieved_for)
    monkeypatch.setattr(candidates, "covisited", lambda *a, **k: [])
    monkeypatch.setattr(candidates, "popular", lambda *a, **k: [])
    # when
    found = candidates.for_shopper(context=shopper(products[0]), exclude=set())
    # then the nearest in stock first, the newest after; retrieval asked again (for in-stock ones) only when
    # most of the nearest were sold out
    assert found[: 4 - sold_out] == ids[sold_out:] and others <= set(found[4 - sold_out :])
    assert not set(ids[:sold_out]) & set(found)
    assert asked == ([False] if sold_out < 2 else [False, True])


@pytest.mark.django_db
def test_everyones_candidates_are_read_once_per_order_and_only_the_shoppers_own_stock_each_time(monkeypatch):
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from personalization.serving import candidates
    from shop.cache_versions import stock_changed

    # given a catalogue past the whole-catalogue limit: three kettles the model retrieves, three newest teapots
    kettles = [make_product(name=f"Kettle {n}", stock=5).pk for n in range(3)]
    teapots = [make_product(name=f"Teapot {n}", stock=5).pk for n in range(3)]
    monkeypatch.setattr(candidates, "CANDIDATE_LIMIT", 3)
    monkeypatch.setattr(candidates, "retrieved_for", lambda *, context, exclude, k=0, in_stock=True: kettles)
    monkeypatch.setattr(candidates, "covisited", lambda *a, **k: [])
    monkeypatch.setattr(candidates, "popular", lambda *a, **k: [])
    context = shopper(Product.objects.get(pk=kettles[0]))
    assert candidates.for_shopper(context=context, exclude=set()) == kettles + teapots[::-1]
    # when another shopper's list is made
    with CaptureQueriesContext(connection) as queries:
        found = candidates.for_shopper(context=context, exclude={teapots[0]})
    # then one query reads the stock of the shopper's own candidates; the newest, in stock, are kept
    assert found == kettles + teapots[:0:-1]
    stock_reads = [q["sql"] for q in queries.captured_queries if "shop_product" in q["sql"]]
    assert len(stock_reads) == 1 and not re.search(rf"\b{teapots[1]}\b", stock_reads[0]), stock_reads
    # and when an order sells the newest teapot out, the next list no longer holds it
    Product.objects.filter(pk=teapots[2]).update(stock=F("stock") - 5)
    stock_changed()
    assert candidates.for_shopper(context=context, exclude=set()) == kettles + [teapots[1], teapots[0]]

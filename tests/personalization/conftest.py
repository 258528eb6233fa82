import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from personalization.recommendations.training import model_version_train
from personalization.serving.champions import forget_loaded_models
from personalization.tracking.models import Event
from tests.factories import make_brand, make_category, make_product


def record_views(sequences: dict[str, list], *, start=None, event_type=Event.Type.PRODUCT_VIEW) -> None:
    """Store product views: {visitor id: [product, ...]} in that order, one minute apart."""
    start = start or timezone.now() - timedelta(days=3)
    events = []
    for n, (visitor_id, products) in enumerate(sequences.items()):
        for position, product in enumerate(products):
            moment = start + timedelta(hours=n, minutes=position)
            events.append(
                Event(
                    uuid=uuid.uuid4(),
                    type=event_type,
                    timestamp=moment,
                    recorded_at=moment,
                    visitor_id=visitor_id,
                    product=product,
                    path=f"/p/{product.slug}/",
                )
            )
    Event.objects.bulk_create(events)


def build_catalog() -> dict:
    """Two categories of six products each, two brands."""
    cameras, shoes = make_category(name="Cameras"), make_category(name="Shoes")
    lumix, aurora = make_brand(), make_brand()
    return {
        "cameras": [make_product(name=f"Camera {i}", category=cameras, brand=lumix, price=300 + i) for i in range(6)],
        "shoes": [make_product(name=f"Shoe {i}", category=shoes, brand=aurora, price=60 + i) for i in range(6)],
    }


@pytest.fixture
def catalog(db):
    return build_catalog()


def build_behaviour(catalog) -> dict:
    """Forty visitors: half browse cameras in order, half shoes; the next item is predictable."""
    sequences = {}
    for n in range(40):
        products = catalog["cameras"] if n % 2 == 0 else catalog["shoes"]
        offset = n % 3
        sequences[f"visitor-{n}"] = products[offset:] + products[:offset]
    record_views(sequences)
    return sequences


@pytest.fixture
def behaviour(catalog):
    return build_behaviour(catalog)


@pytest.fixture(scope="module")
def store(django_db_setup, django_db_blocker):
    """A catalog, forty shoppers' behaviour and three champion models, built once for the module.

    Training the sequential model per test would dominate the suite; the rows stay committed
    for the module's tests (each still runs in its own rolled-back transaction) and are removed after,
    the search words its products taught included (a later test's "camera" would otherwise keep this
    module's deleted category as its catalogue intent: known words are not recounted until a rebuild).
    """
    from django.core.cache import cache

    from personalization.recommendations.models import ModelVersion
    from personalization.serving.champions import model_version
    from personalization.tracking.models import Event
    from shop.models import Brand, Category, Product
    from shop.search.models import SearchWord

    with django_db_blocker.unblock():
        catalog = build_catalog()
        build_behaviour(catalog)
        versions = {
            kind: model_version_train(kind=kind, epochs=15 if kind == "sasrec" else None, always_promote=True)
            for kind in ("popularity", "covisit", "sasrec")
        }
        for version in versions.values():
            model_version(version.pk)  # loaded while the artifact files are where training wrote them
        yield catalog
        forget_loaded_models()
        for version in versions.values():
            version.artifact.delete(save=False)
        ModelVersion.objects.all().delete()
        Event.objects.all().delete()
        Product.objects.all().delete()
        Brand.objects.all().delete()
        Category.objects.all().delete()
        SearchWord.objects.all().delete()  # the migrations write none: every word came from this catalogue
        cache.clear()

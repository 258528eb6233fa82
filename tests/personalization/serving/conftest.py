import pytest

from personalization.serving.champions import forget_loaded_models
from personalization.training import model_version_train
from tests.personalization.conftest import build_behaviour, build_catalog


@pytest.fixture(scope="module")
def store(django_db_setup, django_db_blocker):
    """A catalog, forty shoppers' behaviour and three champion models, built once for the module.

    Training the sequential model per test would dominate the suite; the rows stay committed
    for the module's tests (each still runs in its own rolled-back transaction) and are removed after.
    """
    from django.core.cache import cache

    from personalization.models import ModelVersion
    from personalization.tracking.models import Event
    from shop.models import Brand, Category, Product

    with django_db_blocker.unblock():
        catalog = build_catalog()
        build_behaviour(catalog)
        versions = {
            kind: model_version_train(kind=kind, epochs=15 if kind == "sasrec" else None, always_promote=True)
            for kind in ("popularity", "covisit", "sasrec")
        }
        from personalization.serving.champions import model_version

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
        cache.clear()

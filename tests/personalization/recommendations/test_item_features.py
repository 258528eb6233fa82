"""The content a model is trained on does not depend on the language a worker happens to have active."""

import pytest
from django.utils import translation

from personalization.recommendations.training_data import item_features
from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.django_db


def test_titles_are_the_catalogue_names_whatever_the_active_language():
    # given a product with a Chinese name beside its English one
    product = make_product(name="Trail tent", category=make_category(name="Tents"), brand=make_brand())
    product.name_zh_hans = "徒步帐篷"
    product.save(update_fields=["name_zh_hans"])
    # when the training worker reads the catalogue with Chinese active
    with translation.override("zh-hans"):
        features = item_features()
    # then the title is the catalogue's own (English) name, as in every other run
    assert features[product.pk]["title"] == "Trail tent"
    assert features[product.pk]["category"] == product.category_id
    assert features[product.pk]["price"] == float(product.price)


def test_inactive_products_have_no_features():
    product = make_product(name="Retired tent", is_active=False)
    assert product.pk not in item_features()

import pytest

from tests.factories import make_brand, make_category, make_product, make_user


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def category(db):
    return make_category(name="Cameras")


@pytest.fixture
def brand(db):
    return make_brand(name="Lumix")


@pytest.fixture
def product(category, brand):
    return make_product(name="Lumix G9 camera", category=category, brand=brand, price="499.00", stock=5)


@pytest.fixture
def user(db):
    return make_user(username="alice")


@pytest.fixture
def other_user(db):
    return make_user(username="bob")

import pytest

from personalization.assistant.engine import Asker
from personalization.assistant.services import conversation_for
from tests.factories import make_product


def _category(name_en, name_zh, slug, description_en="", description_zh=""):
    from shop.models import Category

    return Category.objects.create(
        name_en=name_en,
        name_zh_hans=name_zh,
        slug=slug,
        description_en=description_en,
        description_zh_hans=description_zh,
    )


def _brand(name_en, name_zh, slug):
    from shop.models import Brand

    return Brand.objects.create(name_en=name_en, name_zh_hans=f"{name_zh}（{name_en}）", slug=slug)


@pytest.fixture
def catalogue(db):
    """A small bilingual store: shoes and cameras from two brands, in black and white."""
    shoes = _category("Shoes", "鞋类", "shoes", "Sneakers, boots and running shoes.", "休闲鞋、靴子和跑鞋。")
    cameras = _category("Cameras", "相机", "cameras", "Compact and action cameras.", "卡片相机和运动相机。")
    aurora = _brand("Aurora", "极光", "aurora")
    stride = _brand("Stridewell", "步履", "stridewell")
    products = {}
    for key, name, category, brand, price, colour, zh_colour in (
        ("aurora_black", "Aurora Tempo Running Shoes", shoes, aurora, "89.99", "Black", "黑色"),
        ("aurora_white", "Aurora Trail Running Shoes", shoes, aurora, "129.99", "White", "白色"),
        ("stride_black", "Stridewell V70 Running Shoes", shoes, stride, "74.99", "Black", "黑色"),
        ("stride_pricey", "Stridewell Pro Running Shoes", shoes, stride, "219.99", "White", "白色"),
        ("camera", "Aurora Action Camera", cameras, aurora, "279.99", "Black", "黑色"),
    ):
        products[key] = make_product(
            name=name,
            name_zh_hans=f"{brand.name_en} {zh_colour}跑鞋" if category == shoes else "极光运动相机",
            category=category,
            brand=brand,
            price=price,
            stock=5,
            attributes={"colour": colour},
            attributes_zh_hans={"颜色": zh_colour},
        )
    products["camera"].attributes = {"colour": "Black", "waterproof": True}
    products["camera"].attributes_zh_hans = {"颜色": "黑色", "防水": "是"}
    products["camera"].save()
    return products


@pytest.fixture
def shopper_request(rf):
    """A page request of an anonymous visitor, with a session (the cart lives there)."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.post("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request.visitor_id = "visitor-1"
    return request


@pytest.fixture
def asker(shopper_request):
    return Asker(visitor_id="visitor-1", language="en", request=shopper_request)


@pytest.fixture
def conversation(asker):
    return conversation_for(asker=asker)

"""A product named as the model of what is wanted: "something like the Stridewell Pro but cheaper"."""

import pytest

from personalization.assistant.engine import Asker, respond
from personalization.assistant.lexicon import lexicon
from personalization.assistant.slots import extract

pytestmark = pytest.mark.django_db


def test_like_a_named_product_but_cheaper_is_its_category_below_its_price_in_any_brand(catalogue, asker):
    reply = respond(message="something like the Stridewell Pro but cheaper", state={}, asker=asker)

    assert reply.constraints == {"category": "shoes", "price_max": "219.98"}, reply.constraints
    assert {p["name"] for p in reply.products} == {
        "Aurora Tempo Running Shoes",
        "Aurora Trail Running Shoes",
        "Stridewell V70 Running Shoes",
    }


def test_a_follow_up_after_a_search_is_a_new_search_modelled_on_the_product(catalogue, asker):
    first = respond(message="cameras", state={}, asker=asker)

    reply = respond(message="similar to the Aurora Trail but cheaper", state=first.state, asker=asker)

    assert reply.constraints == {"category": "shoes", "price_max": "129.98"}


def test_chinese_names_the_product_by_its_model(catalogue, shopper_request):
    asker = Asker(visitor_id="visitor-1", language="zh-hans", request=shopper_request)

    reply = respond(message="有没有类似Stridewell V70但更便宜的", state={}, asker=asker)

    assert reply.constraints == {"category": "shoes", "price_max": "74.98"}
    assert reply.outcome == "no_products"  # the V70 is the cheapest shoe: nothing is invented


def test_a_chinese_product_name_is_found_too(catalogue):
    slots = extract("像极光运动相机一样但便宜一点的", lexicon())

    assert (slots.reference, slots.cheaper) == (catalogue["camera"].pk, True)
    assert slots.constraints.category == "cameras" and not slots.constraints.brands


@pytest.mark.parametrize(
    "message",
    [
        "I'd like a running shoe",  # wanting, not comparing
        "something like Aurora",  # a brand, not a product
        "running shoes like a trail shoe",  # catalogue words only
        "跑鞋和相机",
    ],
)
def test_words_that_name_no_single_product_are_no_reference(catalogue, message):
    assert extract(message, lexicon()).reference is None

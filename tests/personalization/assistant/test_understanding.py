"""Slots and intents on a small bilingual catalogue: what the shopper asked, read exactly."""

from decimal import Decimal

import pytest

from personalization.assistant.engine import intent_model
from personalization.assistant.intents import masked
from personalization.assistant.lexicon import lexicon
from personalization.assistant.slots import chinese_numerals_to_digits, extract, order_number_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("running shoes under 100", {"category": "shoes", "price_max": "100.00"}),
        ("送给跑鞋爱好者 200元以内", {"category": "shoes", "price_max": "200.00"}),
        ("Aurora shoes between 50 and 150", {"category": "shoes", "brands": ["aurora"], "price_min": "50.00",
                                             "price_max": "150.00"}),
        ("黑色的极光跑鞋", {"category": "shoes", "brands": ["aurora"], "attributes": {"colour": "Black"}}),
        ("a waterproof camera under $300", {"category": "cameras", "price_max": "300.00",
                                            "attributes": {"waterproof": True}}),
        ("防水相机 三百元以内", {"category": "cameras", "price_max": "300.00", "attributes": {"waterproof": True}}),
        ("runing shoes not aurora", {"category": "shoes", "exclude_brands": ["aurora"]}),
        ("shoes 100 or more", {"category": "shoes", "price_min": "100.00"}),
        ("鞋 两百以上", {"category": "shoes", "price_min": "200.00"}),
    ],
)  # fmt: skip
def test_constraints_are_read_from_the_catalogues_words(catalogue, message, expected):
    assert extract(message, lexicon()).constraints.as_dict() == expected, message


def test_follow_up_modifiers_are_flags_not_constraints(catalogue):
    words = lexicon()
    assert extract("cheaper please", words).cheaper
    assert extract("换个牌子", words).other_brand
    assert extract("something more expensive", words).pricier


def test_chinese_numerals_read_as_numbers():
    assert chinese_numerals_to_digits("两百 三百五 一千 一万二") == "200 350 1000 12000"


@pytest.mark.parametrize(
    ("message", "number"),
    [("cancel order 1042", "1042"), ("where is #3f9a0c1b", "3F9A0C1B"), ("订单3F9A0C1B到哪了", "3F9A0C1B"),
     ("where is my order", ""), ("running shoes under 300", "")],
)  # fmt: skip
def test_order_numbers(message, number):
    assert order_number_in(message) == number


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("do you have black Stridewell shoes", "search"),
        ("where's my parcel", "order_status"),
        ("我的订单到哪了", "order_status"),
        ("please cancel order 1042", "order_cancel"),
        ("what is your returns policy", "faq"),
        ("运费怎么算", "faq"),
        ("I'd like to speak to a human", "human"),
        ("转人工", "human"),
        ("put the first one in my cart", "add_to_cart"),
        ("cheaper", "refine"),
        ("yes please", "confirm"),
    ],
)
def test_intents_of_phrases_not_in_the_seeds(catalogue, message, intent):
    words = lexicon()
    assert intent_model(words).predict(masked(message, words)).intent == intent, message


def test_catalogue_words_are_masked_so_a_new_brand_needs_no_retraining(catalogue):
    assert masked("Aurora running shoes under 80", lexicon()) == "qbrand qcat under 0"


def test_prices_are_decimals(catalogue):
    assert extract("under 99.5", lexicon()).constraints.price_max == Decimal("99.50")

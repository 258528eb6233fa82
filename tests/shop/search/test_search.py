"""Search: documents follow the catalogue, typos are corrected, Chinese and pinyin find products, intent ranks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shop.search.models import SearchDocument, SearchSynonym
from shop.search.selectors import ATTRIBUTE_FILTER_MIN, product_search_results, search_suggestions
from shop.search.services import IntentWeight, search_index_rebuild, search_intents_replace
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import ProductFilters, product_list, product_search
from shop.signals import search_performed
from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    vocabulary_forget()
    yield
    vocabulary_forget()


@pytest.fixture
def shelves():
    cameras = make_category(name="Cameras", slug="cameras")
    bags = make_category(name="Bags", slug="bags")
    audio = make_category(name="Audio", slug="audio")
    optivue = make_brand(name="Optivue")
    make_product(name="Optivue Compact Camera 24MP", category=cameras, brand=optivue, description="A small camera.")
    make_product(name="Optivue Mirrorless Camera 33MP", category=cameras, brand=optivue)
    make_product(name="Trail Camera Bag 20L", category=bags, description="Room for camera gear.")
    make_product(name="Canvas Tote Bag", category=bags, description="For camera gear and groceries.")
    make_product(name="Over-Ear Headphones", category=audio, attributes={"colour": "Black"})
    make_product(name="无线耳机 Pro", category=audio)
    return {"cameras": cameras, "bags": bags, "audio": audio}


def names(query: str) -> list[str]:
    results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
    return list(results.products.values_list("name", flat=True))


def test_a_saved_product_has_a_document_per_language(shelves):
    # then
    assert SearchDocument.objects.filter(product__name="Canvas Tote Bag").count() == 2, "one for en, one for zh-hans"


def test_a_query_naming_a_product_type_ranks_that_type_first(shelves):
    # when
    found = names("camera")
    # then
    assert found[:2] == ["Optivue Compact Camera 24MP", "Optivue Mirrorless Camera 33MP"] or set(found[:2]) == {
        "Optivue Compact Camera 24MP",
        "Optivue Mirrorless Camera 33MP",
    }, found


def test_a_typo_is_corrected_against_the_catalogue(shelves):
    # when
    results = product_search_results(query="camra", products=product_list(), sort_by_relevance=True)
    # then
    assert results.corrected_query == "camera"
    assert "Optivue Compact Camera 24MP" in results.products.values_list("name", flat=True)


def test_a_plural_typo_of_a_brand_is_corrected(shelves):
    # then
    assert set(names("optivews")) >= {"Optivue Compact Camera 24MP"}


def test_chinese_one_and_two_character_words_find_products(shelves):
    # then
    assert names("耳机") == ["无线耳机 Pro"] or "无线耳机 Pro" in names("耳机")
    assert "无线耳机 Pro" in names("耳")


def test_pinyin_finds_chinese_words(shelves):
    # then
    assert "无线耳机 Pro" in names("erji")


def test_a_synonym_finds_the_english_product_from_a_chinese_query(shelves):
    # given
    SearchSynonym.objects.create(terms="headphones, 头戴耳机")
    vocabulary_forget()
    # then
    assert "Over-Ear Headphones" in names("头戴耳机")


def test_attribute_words_put_their_products_first(shelves):
    # then: the black headphones first; the other headphones follow (one black pair is less than a screen)
    assert names("black headphones") == ["Over-Ear Headphones", "无线耳机 Pro"]


def test_learned_intents_move_a_category_up(shelves):
    # given: shoppers who searched "gear" clicked bags
    search_intents_replace(intents=[IntentWeight(query="gear", category_id=shelves["bags"].pk, weight=1.0)])
    vocabulary_forget()
    # then
    assert set(names("gear")[:2]) == {"Trail Camera Bag 20L", "Canvas Tote Bag"}


def test_intents_for_a_category_deleted_meanwhile_are_left_out(shelves):
    # given: a category deleted after the learner read its id (the words still named it)
    gone = make_category(name="Discontinued")
    gone_id = gone.pk
    gone.delete()
    # when
    stored = search_intents_replace(
        intents=[
            IntentWeight(query="gear", category_id=gone_id, weight=0.5),
            IntentWeight(query="gear", category_id=shelves["bags"].pk, weight=0.5),
        ]
    )
    # then: the rest is stored, nothing points at the missing category
    from shop.search.models import SearchIntent

    assert stored == 1
    assert list(SearchIntent.objects.values_list("query", "category_id")) == [("gear", shelves["bags"].pk)]


def test_the_index_can_be_rebuilt_from_scratch(shelves):
    # given
    SearchDocument.objects.all().delete()
    # when
    count = search_index_rebuild()
    # then
    assert count == 6
    assert "Canvas Tote Bag" in names("tote")


def test_a_renamed_category_is_searchable_at_once(shelves):
    # given
    shelves["bags"].name = "Luggage"
    shelves["bags"].save()
    vocabulary_forget()
    # then
    assert "Canvas Tote Bag" in names("luggage")


def test_inactive_products_are_not_found(shelves):
    # given
    make_product(name="Hidden Tote", is_active=False)
    # then
    assert "Hidden Tote" not in names("tote")


def test_product_search_keeps_the_filters(shelves):
    # when
    found = product_search(query="bag", filters=ProductFilters(price_max=None, in_stock=True))
    # then
    assert {p.name for p in found} == {"Trail Camera Bag 20L", "Canvas Tote Bag"}


def test_suggestions_offer_categories_brands_and_products(shelves):
    # when
    suggestions = search_suggestions(query="opti")
    # then
    kinds = {(s.kind, s.label) for s in suggestions}
    assert ("brand", "Optivue") in kinds
    assert any(kind == "product" for kind, _ in kinds)


def test_suggestions_link_to_the_pages_of_the_shoppers_language(shelves):
    from django.utils import translation

    # given: the names were read for an English page first
    english = {s.label: s.url for s in search_suggestions(query="cam")}
    # when: a Chinese page asks
    with translation.override("zh-hans"):
        chinese = {s.label: s.url for s in search_suggestions(query="cam")}
    # then: each answer links within its own language
    assert english["Cameras"] == "/c/cameras/"
    assert chinese["Cameras"] == "/zh-hans/c/cameras/"


def test_suggested_search_links_keep_their_words_whole():
    # given: a brand whose name holds characters that mean something in a URL
    make_brand(name="Smith & Sons")
    # then: its link searches for the whole name
    url = {s.label: s.url for s in search_suggestions(query="smi")}["Smith & Sons"]
    assert url == "/search/?q=Smith+%26+Sons"


def test_the_suggest_api_answers_with_suggestions(client, shelves):
    # when
    response = client.get(reverse("api-search-suggest"), {"q": "cam"})
    # then
    assert response.status_code == 200
    labels = [s["label"] for s in response.json()["suggestions"]]
    assert "Cameras" in labels


def test_the_suggest_api_is_in_the_schema(client):
    # when
    response = client.get(reverse("api-schema"))
    # then
    assert "/api/v1/search/suggest" in response.content.decode()


def test_the_search_page_says_what_it_searched_for_a_typo(client, shelves):
    # when
    response = client.get(reverse("shop:search"), {"q": "camra"})
    # then
    assert "Showing results for “camera”" in response.text
    assert "Optivue Compact Camera 24MP" in response.text


def test_a_search_that_finds_nothing_offers_popular_categories(client, shelves):
    # when
    response = client.get(reverse("shop:search"), {"q": "submarine"})
    # then
    assert "Popular categories" in response.text
    assert shelves["cameras"].get_absolute_url() in response.text


def test_the_search_signal_carries_the_corrected_query_and_the_list_id(client, shelves):
    # given
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    search_performed.connect(listener, dispatch_uid="test_search_listener")
    try:
        # when
        client.get(reverse("shop:search"), {"q": "camra"})
    finally:
        search_performed.disconnect(dispatch_uid="test_search_listener")
    # then
    assert heard[0]["query"] == "camra"
    assert heard[0]["corrected_query"] == "camera"
    assert heard[0]["list_id"]


@pytest.fixture
def bags_and_laptops():
    bags = make_category(name="Bags", slug="bags")
    audio = make_category(name="Audio", slug="audio")
    laptops = make_category(name="Laptops", slug="laptops")
    make_product(name="Duffel Bag", category=bags, attributes={"colour": "Coral", "material": "Leather"})
    make_product(name="Tote Bag", category=bags, attributes={"colour": "Black", "material": "Canvas"})
    make_product(name="Studio Headphones", category=audio, attributes={"colour": "Black"}, description="With a bag.")
    for n in range(ATTRIBUTE_FILTER_MIN):
        make_product(name=f"Notebook Laptop {n}", category=laptops, attributes={"storage": "512 GB"})
    make_product(name="Notebook Laptop Small", category=laptops, attributes={"storage": "256 GB"})


def test_a_rare_attribute_word_ranks_its_products_first_without_hiding_the_others(bags_and_laptops):
    # when: one bag is black
    found = names("black bag")
    # then: it leads, the other bag follows, the black headphones that mention a bag come after both
    assert found[:2] == ["Tote Bag", "Duffel Bag"], found
    assert found.index("Studio Headphones") > 1, found


def test_an_attribute_many_products_have_filters_the_results(bags_and_laptops):
    # when: enough laptops have 512 GB to fill a screen
    found = names("512 GB laptop")
    # then: only they are found
    assert len(found) == ATTRIBUTE_FILTER_MIN and "Notebook Laptop Small" not in found, found

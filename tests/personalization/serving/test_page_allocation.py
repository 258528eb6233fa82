import pytest

from personalization.serving import RankedList, ShopperContext
from personalization.serving.page import PageAllocation
from tests.factories import make_brand, make_category, make_product


@pytest.fixture
def shelf(db):
    category, brand = make_category(name="Cameras"), make_brand()
    return [make_product(name=f"Camera {i}", category=category, brand=brand) for i in range(12)]


def listed(products, **fields) -> RankedList:
    return RankedList(products=tuple(products), reasons={p.pk: f"because {p.name}" for p in products}, **fields)


def test_a_row_leaves_out_what_the_page_already_shows(shelf):
    # given
    page = PageAllocation()
    first = page.claim(listed(shelf[:4]), k=4)
    # when
    second = page.claim(listed(shelf[2:10]), k=4)
    # then
    assert list(first) == shelf[:4]
    assert list(second) == shelf[4:8]


def test_a_row_is_cut_to_whole_rows_and_hidden_below_one(shelf):
    page = PageAllocation()
    assert len(page.claim(listed(shelf[:7]), k=8)) == 4
    assert not page.claim(listed(shelf[4:7]), k=4), "three new products do not make a row"
    assert not page.shown & {p.pk for p in shelf[4:7]}, "what a hidden row held is not marked shown"


def test_a_featured_card_stands_before_whole_rows(shelf):
    ranked = PageAllocation().claim(listed(shelf), k=9, lead=1)
    assert list(ranked) == shelf[:9]


def test_out_of_stock_products_never_fill_a_row(shelf):
    shelf[0].stock = 0
    ranked = PageAllocation().claim(listed(shelf[:5]), k=4)
    assert list(ranked) == shelf[1:5]


def test_the_kept_products_keep_their_reasons_and_the_list_its_id(shelf):
    original = listed(shelf[:6], list_id="abc", ranker="covisit", surface="similar")
    ranked = PageAllocation().claim(original, k=4)
    assert (ranked.list_id, ranked.ranker, ranked.surface) == ("abc", "covisit", "similar")
    assert set(ranked.reasons) == {p.pk for p in shelf[:4]}


def test_the_pages_own_product_never_shows_in_its_rows(shelf):
    # given: the page of camera 0, whose trending row would hold it
    page = PageAllocation()
    page.fill("similar", k=4, context=ShopperContext(), product=shelf[0])
    # when
    trending = page.claim(listed(shelf), k=8)
    # then
    assert shelf[0] not in trending.products


def test_recently_viewed_shows_a_short_row_rather_than_nothing(shelf):
    # given a shopper who has looked at two products, then opens a third's page
    context = ShopperContext(unit="v:two", recent_product_ids=(shelf[1].pk, shelf[2].pk))
    page = PageAllocation()
    # when
    row = page.fill("recently_viewed", k=4, context=context, product=shelf[3])
    # then: their own trail, short as it is (other recommendation rows keep to whole rows)
    assert list(row) == [shelf[2], shelf[1]], "the two products they viewed, newest first"
    assert page.shown >= {shelf[1].pk, shelf[2].pk}


def test_recently_viewed_still_never_repeats_what_the_page_shows(shelf):
    context = ShopperContext(unit="v:two", recent_product_ids=(shelf[1].pk, shelf[2].pk))
    page = PageAllocation()
    page.claim(listed([shelf[1], *shelf[5:8]]), k=4)
    assert list(page.fill("recently_viewed", k=4, context=context)) == [shelf[2]]

"""Recommendations in a real browser: the home page follows what the shopper just looked at."""

import pytest
from playwright.sync_api import expect

from personalization.serving.page import ROW_SIZE
from tests.e2e.steps import card_ids

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOR_YOU = '[data-slot="for_you"]'
# A recommendation row shows whole rows of four or nothing (personalization.serving.page): the shopper looks
# at a whole row's worth of shoes, so "Pick up where you left off" has one to show.
VIEWED = ROW_SIZE
TOP = 4


@pytest.fixture
def trained_store(transactional_db, shipping_methods):
    """Six cameras and eight shoes, forty visitors' behaviour, and popularity, co-visitation and SASRec champions.

    The live server flushes the database after each test, so the store is built per test; it is kept
    small enough to train in a few seconds on one CPU core. Eight shoes: the four the shopper views fill the
    recently viewed row, and each product shows once per page, so the picks below it still have shoes to pick.
    """
    import torch

    from personalization.recommendations.training import model_version_train
    from personalization.serving.champions import forget_loaded_models
    from tests.factories import make_product
    from tests.personalization.conftest import build_behaviour, build_catalog

    # Torch's default of one thread per core thrashes when the server, the browser and the tests share
    # two cores; one thread trains this tiny model several times faster.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    catalog = build_catalog()
    shoe = catalog["shoes"][0]
    catalog["shoes"] += [
        make_product(name=f"Shoe {i}", category=shoe.category, brand=shoe.brand, price=60 + i) for i in range(6, 8)
    ]
    build_behaviour(catalog)
    for kind in ("popularity", "covisit", "sasrec"):
        model_version_train(kind=kind, epochs=40 if kind == "sasrec" else None, always_promote=True)
    forget_loaded_models()
    yield catalog
    forget_loaded_models()
    torch.set_num_threads(threads)


def test_home_recommendations_follow_the_category_the_shopper_browses(page, trained_store):
    shoes = {product.pk: product for product in trained_store["shoes"]}

    # given: a new visitor's home page, ranked by popularity
    page.goto("/")
    expect(page.locator(FOR_YOU)).to_have_attribute("data-ranker", "popularity")
    before = card_ids(page, FOR_YOU)
    assert before, "the home page shows no recommendations"

    # when: the shopper opens the shoes and looks at three of them
    page.locator(".category-tiles").get_by_role("link", name="Shoes").click()
    viewed = []
    while len(viewed) < VIEWED:
        # The listing reorders itself as the shopper browses: take the first card not seen yet.
        cards = page.locator(".listing__results article.product-card")
        # After going back, wait for the listing itself: reading the cards of a page still on its way is empty.
        expect(cards.first).to_be_visible()
        ids = [int(pk) for pk in cards.evaluate_all("(cards) => cards.map((c) => c.dataset.productId)")]
        pk = next(pk for pk in ids if pk not in viewed)
        viewed.append(pk)
        page.locator(f'.listing__results article.product-card[data-product-id="{pk}"]').click()
        expect(page.get_by_role("heading", level=1)).to_have_text(shoes[viewed[-1]].name)
        page.go_back()
    page.locator(".brand-mark").click()

    # then: the sequence model now picks for them, and mostly picks shoes
    expect(page.locator(FOR_YOU)).to_have_attribute("data-ranker", "sasrec")
    after = card_ids(page, FOR_YOU)
    assert after != before
    top = after[:TOP]
    assert sum(pk in shoes for pk in top) >= TOP / 2, (
        f"after viewing shoes {viewed}, the top picks {top} are mostly not shoes ({sorted(shoes)})"
    )
    expect(page.locator(FOR_YOU).locator(".rec-reason").first).to_contain_text("Because you viewed")
    assert set(viewed) <= set(card_ids(page, '[data-slot="recently_viewed"]'))

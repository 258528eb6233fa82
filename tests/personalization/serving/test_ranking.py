import pytest

from personalization.recommendations.models import MerchandisingRule
from personalization.recsys.models.popularity import Popularity
from personalization.serving import ShopperContext, fill_slot, rank_products
from personalization.serving.champions import version_tag
from personalization.serving.rules import diversify_first_row
from shop.models import Product
from tests.factories import make_brand, make_product

pytestmark = pytest.mark.django_db


def listing(category_products):
    return list(
        Product.objects.filter(pk__in=[p.pk for p in category_products])
        .select_related("category", "brand")
        .order_by("pk")
    )


def shopper(*recent, unit="v:someone", ranker=None):
    return ShopperContext(
        unit=unit,
        recent_product_ids=tuple(p.pk for p in recent),
        recent_event_types=tuple("view" for _ in recent),
        ranker=ranker,
    )


def test_two_shoppers_with_different_histories_see_different_orders(store):
    # given two shoppers whose last views differ
    cameras = store["cameras"]
    first = rank_products(listing(cameras), context=shopper(cameras[0], cameras[1]), surface="category")
    second = rank_products(listing(cameras), context=shopper(cameras[3], cameras[4]), surface="category")
    # then the sequence model puts each one's likely next product first
    assert first.ranker == second.ranker == "sasrec"
    assert [p.pk for p in first] != [p.pk for p in second]
    unseen = lambda ranked, seen: [p for p in ranked if p not in seen]  # noqa: E731
    assert unseen(first, cameras[:2])[0] == cameras[2]
    assert unseen(second, cameras[3:5])[0] == cameras[5]


def test_a_new_visitor_gets_popularity(store):
    ranked = rank_products(listing(store["shoes"]), context=shopper(), surface="category")
    assert ranked.ranker == "popularity"
    assert all(reason.startswith("Popular in") for reason in ranked.reasons.values())


def test_a_click_changes_the_for_you_slot_without_retraining(store):
    cameras, shoes = store["cameras"], store["shoes"]
    before = fill_slot("for_you", k=4, context=shopper(*cameras[:3]))
    after = fill_slot("for_you", k=4, context=shopper(*cameras[:3], *shoes[:3]))
    assert before.ranker == after.ranker == "sasrec"
    assert before.products[0] in cameras[3:]
    assert after.products[0] in shoes[3:]


def test_reasons_name_what_the_shopper_viewed(store):
    viewed = store["shoes"][0]
    ranked = fill_slot("for_you", k=3, context=shopper(viewed))
    assert ranked.reasons[ranked.products[0].pk] == f"Because you viewed {viewed.name}"


def test_reasons_speak_the_shoppers_language(store):
    from django.utils import translation

    viewed = store["shoes"][0]
    with translation.override("zh-hans"):
        picked = fill_slot("for_you", k=3, context=shopper(viewed))
        popular = rank_products(listing(store["shoes"]), context=shopper(), surface="category")
    assert picked.reasons[picked.products[0].pk] == f"因为你看过{viewed.name}"
    assert all(reason.endswith("热销") for reason in popular.reasons.values())


def test_out_of_stock_and_inactive_products_are_never_shown(store):
    cameras = store["cameras"]
    Product.objects.filter(pk=cameras[2].pk).update(stock=0)
    Product.objects.filter(pk=cameras[3].pk).update(is_active=False)
    context = shopper(cameras[0], cameras[1])
    ranked = rank_products(listing(cameras), context=context, surface="category")
    slot = fill_slot("for_you", k=12, context=context)
    for products in (ranked.products, slot.products):
        assert cameras[2] not in products and cameras[3] not in products


def test_pin_boost_bury_exclude_hold(store):
    shoes = store["shoes"]
    MerchandisingRule.objects.create(name="pin", action="pin", product=shoes[5], position=1)
    MerchandisingRule.objects.create(name="bury", action="bury", product=shoes[1], strength=4)
    MerchandisingRule.objects.create(name="hide", action="exclude", product=shoes[4])
    ranked = rank_products(listing(shoes), context=shopper(shoes[0]), surface="category")
    assert ranked.products[0] == shoes[5]
    assert ranked.products[-1] == shoes[1]
    assert shoes[4] not in ranked.products


def test_a_boosted_brand_moves_up():
    cheap, star = make_brand(name="Cheap"), make_brand(name="Star")
    products = [make_product(brand=cheap) for _ in range(6)] + [make_product(brand=star)]
    rule = MerchandisingRule(name="boost star", action="boost", brand=star, strength=4)
    from personalization.serving.rules import apply_rules

    assert apply_rules(products, surface="home", rules=[rule])[0].brand == star


def test_diversity_limits_one_brand_in_the_first_row():
    a, b = make_brand(), make_brand()
    products = [make_product(brand=a) for _ in range(4)] + [make_product(brand=b) for _ in range(2)]
    row = diversify_first_row(products, max_per_brand=2, row_size=4)[:4]
    assert sum(p.brand == a for p in row) == 2


def test_rules_for_another_surface_do_not_apply(store):
    rule = MerchandisingRule(name="x", action="exclude", product=store["shoes"][0], surfaces="home")
    from personalization.serving.rules import apply_rules

    assert store["shoes"][0] in apply_rules(store["shoes"], surface="search", rules=[rule])


def test_a_failing_model_falls_back_to_the_default_order(store, monkeypatch):
    from personalization.serving import ranking

    def broken(*args, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(ranking, "candidate_scores", broken)
    products = listing(store["cameras"])
    ranked = rank_products(products, context=shopper(store["cameras"][0]), surface="category")
    assert ranked.ranker == "default"
    assert list(ranked.products) == products


def test_a_spent_time_budget_gives_the_default_order(store, settings):
    settings.PERSONALIZATION_TIME_BUDGET_MS = -1
    products = listing(store["cameras"])
    ranked = rank_products(products, context=shopper(store["cameras"][0]), surface="category")
    assert (ranked.ranker, list(ranked.products)) == ("default", products)


def test_missing_models_give_the_default_order(store):
    from django.core.cache import cache

    from personalization.recommendations.models import ModelVersion

    ModelVersion.objects.update(status="retired")
    cache.clear()
    products = listing(store["cameras"])
    ranked = rank_products(products, context=shopper(store["cameras"][0]), surface="category")
    assert (ranked.ranker, list(ranked.products)) == ("default", products)


def test_products_no_model_has_seen_keep_the_default_order(store, catalog):
    products = listing(catalog["cameras"])
    ranked = rank_products(products, context=shopper(catalog["cameras"][0]), surface="category")
    assert (ranked.ranker, list(ranked.products)) == ("default", products)


def test_personalization_switched_off_gives_the_default_order(store, settings):
    settings.PERSONALIZATION_ENABLED = False
    products = listing(store["cameras"])
    ranked = rank_products(products, context=shopper(store["cameras"][0]), surface="category")
    assert (ranked.ranker, list(ranked.products)) == ("default", products)


def test_an_experiment_can_force_popularity(store):
    ranked = rank_products(
        listing(store["cameras"]), context=shopper(store["cameras"][0], ranker="popularity"), surface="category"
    )
    assert ranked.ranker == "popularity"


def test_unknown_slot_renders_empty():
    assert not fill_slot("nope", k=3, context=shopper())


def test_similar_and_recently_viewed(store):
    camera = store["cameras"][0]
    similar = fill_slot("similar", k=4, context=shopper(), product=camera)
    assert similar.products and camera not in similar.products
    assert all(p.category_id == camera.category_id for p in similar.products)
    recent = fill_slot("recently_viewed", k=4, context=shopper(store["shoes"][0], camera), product=camera)
    assert list(recent.products) == [store["shoes"][0]]


def test_similar_items_come_in_the_shoppers_own_order_once_they_have_a_history(store):
    cameras = store["cameras"]
    everyone = fill_slot("similar", k=4, context=shopper(), product=cameras[1])
    personal = fill_slot("similar", k=4, context=shopper(cameras[0], cameras[1]), product=cameras[1])
    # the sequence model knows what follows cameras 0 then 1
    assert personal.ranker == "sasrec" and everyone.ranker == "covisit"
    assert [p for p in personal.products if p != cameras[0]][0] == cameras[2]
    # the popularity arm of a ranker experiment keeps the order everyone gets
    control_arm = shopper(cameras[0], cameras[1], ranker="popularity")
    control = fill_slot("similar", k=4, context=control_arm, product=cameras[1])
    assert (control.ranker, list(control.products)) == ("covisit", list(everyone.products))


def test_picked_for_you_next_to_a_product_needs_a_history_and_leaves_the_product_out(store):
    cameras = store["cameras"]
    assert not fill_slot("for_you", k=4, context=shopper(), product=cameras[2])
    picked = fill_slot("for_you", k=4, context=shopper(cameras[0], cameras[1]), product=cameras[2])
    assert picked.ranker == "sasrec" and picked.products and cameras[2] not in picked.products


def test_similar_says_which_products_were_viewed_together_and_which_only_fill_up(store):
    camera = store["cameras"][0]
    newcomer = make_product(name="Brand-new camera", category=camera.category, brand=camera.brand)
    similar = fill_slot("similar", k=12, context=shopper(), product=camera)
    reasons = {p.pk: similar.reasons[p.pk] for p in similar.products}
    assert reasons[similar.products[0].pk] == f"Viewed with {camera.name}"
    assert reasons[newcomer.pk] == "Popular in Cameras"


def test_a_model_outside_the_registry_keeps_one_tag_of_its_own():
    first, second = Popularity(), Popularity()
    assert version_tag(first) == version_tag(first)
    assert version_tag(first) != version_tag(second)
    assert version_tag(None) == "none"


class LargeCatalogueModel:
    """A model of a large catalogue (size aside, the real models' serving interface) that scores candidates alone."""

    def __init__(self, n_items: int) -> None:
        from personalization.recsys.data import ItemIndex

        self.n_items = n_items
        self.item_index = ItemIndex(range(1, n_items + 1))
        self.asked = []

    def history_from_ids(self, ids, events=None, times=None):
        from personalization.recsys.models.base import History

        return History(self.item_index.indices_of(ids))

    def score(self, histories):
        raise AssertionError("the whole catalogue was scored")

    def score_items(self, histories, idx):
        self.asked.append(idx.tolist())
        return (100.0 - idx.astype("float32"))[None, :]


def test_a_large_catalogue_scores_the_candidates_alone_and_keeps_no_scores_in_the_cache(settings, monkeypatch):
    from personalization.serving import ranking

    # given a model of more items than the serving setting scores whole
    settings.PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS = 100
    model = LargeCatalogueModel(500)
    kept = []
    monkeypatch.setattr(ranking.cache, "set", lambda key, *args, **kwargs: kept.append(key))
    # when a shopper's list of three known products and one the model never saw is scored
    scores = ranking.score_with_model(model, "sasrec", [7, 3, 9999, 450], context=shopper(unit="v:large"))
    # then only those were asked for, the unknown one is -inf, and no catalogue-wide vector was kept
    assert model.asked == [[7, 3, 0, 450]]
    assert scores[[0, 1, 3]].tolist() == [93.0, 97.0, -350.0] and scores[2] == float("-inf")
    assert kept == []

import numpy as np
import pytest

from personalization.recsys.data import (
    DEFAULT_EVENT_WEIGHTS,
    RATED_EVENT_WEIGHTS,
    DataError,
    build_dataset,
    rated_purchase,
)
from personalization.recsys.models import History
from personalization.recsys.models.affinity import FEATURES, AffinityReranker
from personalization.recsys.models.sasrec import target_weights

FEATURES_OF = {
    "a1": {"category": "audio", "brand": "kairon", "price": 10.0},
    "a2": {"category": "audio", "brand": "kairon", "price": 12.0},
    "b1": {"category": "bags", "brand": "halvor", "price": 10.0},
    "b2": {"category": "bags", "brand": "halvor", "price": 12.0},
}


@pytest.mark.parametrize(
    ("stars", "kind"),
    [(5, "purchase_rated_high"), (4, "purchase_rated_high"), (3, "purchase"), (2, "purchase_rated_low"),
     (1, "purchase_rated_low"), (None, "purchase")],
)  # fmt: skip
def test_rated_purchase_names_the_event_by_stars(stars, kind):
    assert rated_purchase(stars) == kind


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_a_rating_outside_one_to_five_stars_is_refused(stars):
    with pytest.raises(DataError, match="1 to 5 stars"):
        rated_purchase(stars)


def _dataset(rows, weights=RATED_EVENT_WEIGHTS):
    return build_dataset(rows, item_features=FEATURES_OF, event_weights=weights)


def test_the_sequence_models_loss_weighs_a_loved_purchase_above_a_regretted_one():
    dataset = _dataset([("u", "a1", 1, "purchase_rated_high"), ("u", "b1", 2, "purchase_rated_low"),
                        ("u", "a2", 3, "purchase"), ("u", "b2", 4, "view")])  # fmt: skip
    weights = target_weights(dataset)
    loved, plain, regretted, view = (
        float(weights[dataset.event_code(kind)])
        for kind in ("purchase_rated_high", "purchase", "purchase_rated_low", "view")
    )
    assert loved > plain > regretted
    assert regretted == view


def test_the_default_weights_keep_their_event_codes_without_ratings():
    plain = _dataset([("u", "a1", 1, "purchase")], weights=DEFAULT_EVENT_WEIGHTS)
    assert plain.event_types == ("view", "add_to_cart", "purchase")


def _affinity_features(dataset, kinds):
    """Features of every item for one history: a1 then b1, bought with the given event kinds."""
    reranker = AffinityReranker.for_catalog(dataset.content, dataset.item_counts(), dataset.event_weights, decay=1.0)
    items = dataset.item_index.indices_of(["a1", "b1"])
    events = np.asarray([dataset.event_code(kind) for kind in kinds])
    base = np.zeros((1, dataset.n_items + 1), dtype=np.float32)
    return reranker.features([History(items, events)], base)[0], dataset.item_index


def test_the_affinity_stage_leans_towards_the_category_of_the_loved_purchase():
    dataset = _dataset([("u", "a1", 1, "purchase_rated_high"), ("u", "b1", 2, "purchase_rated_low")])
    features, index = _affinity_features(dataset, ("purchase_rated_high", "purchase_rated_low"))
    category = FEATURES.index("category")
    loved_side, regretted_side = features[index.index_of("a2"), category], features[index.index_of("b2"), category]
    assert loved_side == pytest.approx(8 / 9)
    assert regretted_side == pytest.approx(1 / 9)


def test_a_regretted_purchase_counts_as_looked_at_not_as_bought():
    dataset = _dataset([("u", "a1", 1, "purchase_rated_high"), ("u", "b1", 2, "purchase_rated_low")])
    features, index = _affinity_features(dataset, ("purchase_rated_high", "purchase_rated_low"))
    viewed, bought = FEATURES.index("viewed"), FEATURES.index("bought")
    assert (features[index.index_of("a1"), viewed], features[index.index_of("a1"), bought]) == (0.0, 1.0)
    assert (features[index.index_of("b1"), viewed], features[index.index_of("b1"), bought]) == (1.0, 0.0)


def test_without_ratings_both_purchases_weigh_the_same():
    dataset = _dataset([("u", "a1", 1, "purchase"), ("u", "b1", 2, "purchase")], weights=DEFAULT_EVENT_WEIGHTS)
    features, index = _affinity_features(dataset, ("purchase", "purchase"))
    category = FEATURES.index("category")
    assert features[index.index_of("a2"), category] == features[index.index_of("b2"), category] == 0.5

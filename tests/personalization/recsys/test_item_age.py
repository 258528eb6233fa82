"""Cold start for new items: release times in the content, and SASRec's item-age term."""

from datetime import UTC, datetime

import numpy as np
import pytest
import torch

from personalization.recsys.content import encode_item_features
from personalization.recsys.data import build_dataset
from personalization.recsys.models import History, Recommender, SASRec
from personalization.recsys.models.sasrec import SASRecConfig
from personalization.recsys.models.sasrec.network import age_buckets
from personalization.recsys.trainer import Trainer, TrainerConfig

DAY = 86400.0
T0 = 1_767_225_600.0
CUT_DAY = 30  # training sees days 0..29; the gadgets released from day 30 on are new to the model
SMALL = SASRecConfig(hidden=32, layers=1, max_len=8, dropout=0.1, affinity_rerank=False, transition_bias=False)


def test_release_times_are_read_from_numbers_and_datetimes_and_unknown_stays_nan():
    features = {
        "a": {"category": "x", "released": T0},
        "b": {"category": "x", "released": datetime(2026, 1, 2, tzinfo=UTC)},
        "c": {"category": "x", "released": datetime(2026, 1, 3)},  # naive: UTC
        "d": {"category": "x", "released": "not a date"},
        "e": {"category": "x"},
    }
    content = encode_item_features(features, ["a", "b", "c", "d", "e"])
    assert content.released[1:3].tolist() == [T0, T0 + DAY]
    assert content.released[3] == T0 + 2 * DAY
    assert np.isnan(content.released[[0, 4, 5]]).all()
    assert content.has_release_times
    assert encode_item_features({"a": {"category": "x"}}, ["a"]).released is None


def test_age_buckets_grow_with_the_log_of_hours_and_keep_unknown_and_future_apart():
    hours = torch.tensor([float("nan"), -5.0, 0.0, 0.5, 1.0, 3.0, 24.0, 1e9], dtype=torch.float64)
    buckets = age_buckets(hours * 3600.0, 20).tolist()
    assert buckets[:3] == [0, 1, 2]
    assert buckets[3] == 2 and buckets[4] == 3 and buckets[5] == 4
    assert buckets[6] == 6  # log2(25) = 4.6
    assert buckets[7] == 19  # the last bucket is open


def gadget_shop(n_users: int = 360, seed: int = 0):
    """Each visitor looks at a basic item, then at the gadget released that day.

    Gadgets all share one category and brand: content alone cannot tell today's from last week's.
    """
    rng = np.random.default_rng(seed)
    features = {f"basic{j}": {"category": "basic", "brand": "b", "released": T0 - 100 * DAY} for j in range(12)}
    features |= {f"gadget{d}": {"category": "gadget", "brand": "g", "released": T0 + d * DAY} for d in range(40)}
    train, test = [], []
    for user in range(n_users):
        day = float(rng.uniform(1, 40))
        t = T0 + day * DAY
        visit = [(f"u{user}", f"basic{rng.integers(12)}", t), (f"u{user}", f"gadget{int(day)}", t + 60)]
        if day < CUT_DAY:
            train += visit
        else:
            test.append(visit)
    return train, test, features


@pytest.fixture(scope="module")
def gadgets():
    train, test, features = gadget_shop()
    dataset = build_dataset(train, item_features=features)
    trainer = Trainer(TrainerConfig(epochs=30, batch_size=32, learning_rate=5e-3, device="cpu", seed=0))
    with_age = SASRec(SMALL).fit(dataset, trainer=trainer)
    without = SASRec(SASRecConfig(**{**SMALL.__dict__, "item_age": False})).fit(dataset, trainer=trainer)
    return dataset, test, with_age, without


def hits_at(model, dataset, test, k: int) -> float:
    index = dataset.item_index.index_of
    histories = [History(np.array([index(visit[0][1])]), timestamps=np.array([visit[0][2]])) for visit in test]
    targets = np.array([index(visit[1][1]) for visit in test])
    scores = model.score(histories)
    scores[np.arange(len(targets)), [h.items[0] for h in histories]] = -np.inf  # the history is not offered
    rank = (scores > scores[np.arange(len(targets)), targets][:, None]).sum(1)
    return float(np.mean(rank < k))


def test_the_item_age_makes_a_product_released_after_training_reachable(gadgets):
    dataset, test, with_age, without = gadgets
    counts = dataset.item_counts()
    targets = {dataset.item_index.index_of(visit[1][1]) for visit in test}
    assert len(test) > 50 and all(counts[t] == 0 for t in targets)  # every test target is new to the model
    assert with_age.config.item_age and not without.config.item_age
    assert hits_at(with_age, dataset, test, 3) >= 0.8
    assert hits_at(without, dataset, test, 3) <= 0.5


def test_without_a_clock_the_age_term_is_silent_and_scores_stay_defined(gadgets):
    dataset, _, with_age, _ = gadgets
    bare = with_age.score([History(np.array([1, 2]))])  # no timestamps: bucket 0, zero term
    assert np.isfinite(bare[0, 1:]).all()
    timed = History(np.array([1, 2]), timestamps=np.array([T0, T0 + 60]))
    candidates = np.array([3, 7, 20])
    assert np.allclose(with_age.score_items([timed], candidates), with_age.score([timed])[:, candidates], atol=1e-5)


def test_the_age_term_survives_save_and_load(gadgets, tmp_path):
    dataset, test, with_age, _ = gadgets
    path = tmp_path / "model.pt"
    with_age.save(path)
    loaded = Recommender.load(path)
    assert loaded.config.item_age
    assert hits_at(loaded, dataset, test, 3) == hits_at(with_age, dataset, test, 3)


def test_data_without_release_times_trains_without_the_age_term(pair_dataset):
    model = SASRec(SMALL).fit(pair_dataset, trainer=Trainer(TrainerConfig(epochs=2, device="cpu")))
    assert model.config.item_age is False
    assert model.network.age is None


def test_the_second_stage_tells_new_and_fresh_items_apart_from_unpopular_ones():
    from personalization.recsys.models.affinity import FEATURES, AffinityConfig, AffinityReranker

    # given: items 1-20 old and bought, 21-30 never bought; item 20 + d released on day d
    n = 30
    features = {
        i: {"category": "x", "released": T0 + (i - 20) * DAY if i > 20 else T0 - 400 * DAY} for i in range(1, n + 1)
    }
    content = encode_item_features(features, list(range(1, n + 1)))
    counts = np.r_[0, np.arange(20, 0, -1), np.zeros(10)].astype(np.int64)
    stage = AffinityReranker.for_catalog(content, counts, np.array([0.0, 1.0]), decay=0.9)
    rng = np.random.default_rng(0)
    days = rng.integers(1, 11, size=120)
    # the visitor read on day d picks the product released that day: new to the counts, a few hours old
    histories = [History(np.array([int(rng.integers(1, 21))]), now=T0 + d * DAY + 3600.0) for d in days]
    targets = 20 + days
    x = stage.features(histories[:1], np.zeros((1, n + 1), dtype=np.float32))[0]
    assert x[21:, FEATURES.index("cold")].all() and not x[1:21, FEATURES.index("cold")].any()
    fresh = x[:, FEATURES.index("fresh")]
    assert fresh[20 + days[0]] > 0.9 and fresh[1] < 1e-6 and fresh[20 + days[0] + 1] == 0.0  # tomorrow's: not on sale
    # when
    report = stage.fit(histories, targets, np.zeros((len(targets), n + 1), dtype=np.float32), AffinityConfig())
    # then
    assert report.used and report.weights["fresh"] > 0
    ranked = stage.rerank(histories, np.zeros((len(targets), n + 1), dtype=np.float32))
    assert np.mean(np.argmax(ranked, axis=1) == targets) >= 0.9
    restored = AffinityReranker.from_state(stage.state())
    assert np.array_equal(restored.rerank(histories, np.zeros((len(targets), n + 1), np.float32)), ranked)


def launch_shop(*, launches_chosen: bool):
    """Items 1-20 sold all along; item 20 + d launched on day d and bought by five shoppers the day after.

    Each held-out visitor, read an hour into day d, buys the day's launch (``launches_chosen``) or an old item.
    Item 41 has never been sold: a product new to the training data.
    """
    from personalization.recsys.data import UserSequence

    n = 41
    content = encode_item_features({i: {"category": "x"} for i in range(1, n + 1)}, list(range(1, n + 1)))
    rng = np.random.default_rng(0)
    sequences = []
    for shopper in range(60):
        days = np.sort(rng.uniform(0, 22, size=8))
        sequences.append(UserSequence(shopper, rng.integers(1, 21, size=8), T0 + days * DAY, np.ones(8, np.int64)))
    for d in range(1, 21):
        for buyer in range(5):
            moment = T0 + (d + 1) * DAY + buyer * 3600.0
            sequences.append(UserSequence(f"{d}-{buyer}", np.array([20 + d]), np.array([moment]), np.ones(1, np.int64)))
    days = rng.integers(1, 21, size=120)
    histories = [History(np.array([int(rng.integers(1, 21))]), now=T0 + d * DAY + 3600.0) for d in days]
    targets = 20 + days if launches_chosen else rng.integers(1, 21, size=120)
    return content, sequences, histories, targets


@pytest.mark.parametrize("launches_chosen", [True, False])
def test_the_second_stage_fits_on_the_counts_as_they_stood_when_each_held_out_item_was_chosen(launches_chosen):
    from personalization.recsys.models.affinity import AffinityConfig, AffinityReranker, CountsOverTime

    # given: counted over the whole training data, every launch a held-out visitor chose looks sold
    content, sequences, histories, targets = launch_shop(launches_chosen=launches_chosen)
    counts = np.zeros(42, dtype=np.int64)
    for seq in sequences:
        np.add.at(counts, seq.items, 1)
    assert counts[21:41].min() == 5 and counts[41] == 0
    stage = AffinityReranker.for_catalog(
        content, counts, np.array([0.0, 1.0]), decay=0.9, interactions=CountsOverTime.of(sequences)
    )
    zeros = np.zeros((len(targets), 42), dtype=np.float32)
    # when
    report = stage.fit(histories, targets, zeros, AffinityConfig())
    # then: served after all of it, the never-sold item 41 is first when launches sell, and stays down when they do not
    served = stage.rerank([History(np.array([1]), now=T0 + 23 * DAY)], zeros[:1])[0]
    rank_of_new = int((served >= served[41]).sum()) - 1  # ties count against it
    if launches_chosen:
        assert report.used and report.weights["cold"] > 0, report
        assert rank_of_new == 0, f"the new item ranks {rank_of_new}"
    else:
        assert rank_of_new >= 20, f"the new item ranks {rank_of_new} though no held-out visitor chose a launch"
    assert stage.interactions is None  # the artifact serves on the whole data's counts
    restored = AffinityReranker.from_state(stage.state())
    assert np.array_equal(restored.rerank(histories[:5], zeros[:5]), stage.rerank(histories[:5], zeros[:5]))


def test_counts_over_time_count_each_item_strictly_before_the_moment():
    from personalization.recsys.data import UserSequence
    from personalization.recsys.models.affinity import CountsOverTime

    sequences = [
        UserSequence("a", np.array([1, 2]), np.array([10.0, 30.0]), np.ones(2, np.int64)),
        UserSequence("b", np.array([2, 3]), np.array([20.0, 40.0]), np.ones(2, np.int64)),
    ]
    timeline = CountsOverTime.of(sequences)
    assert timeline.counts_before(30.0, 5).tolist() == [0, 1, 1, 0, 0]
    assert timeline.counts_before(99.0, 5).tolist() == [0, 1, 2, 1, 0]
    assert CountsOverTime.of([]).counts_before(1.0, 3).tolist() == [0, 0, 0]


def launch_catalogue():
    """30 items scored 30..1 and a stage with one launch slot: items 25-27 launched yesterday and never sold,
    28-30 never sold but a year old."""
    from personalization.recsys.models.affinity import AffinityReranker

    n = 30
    released = {i: T0 - 400 * DAY for i in range(1, n + 1)} | {25: T0 - DAY, 26: T0 - DAY, 27: T0 - DAY}
    content = encode_item_features({i: {"category": "x", "released": released[i]} for i in released}, range(1, n + 1))
    counts = np.r_[0, np.ones(24), np.zeros(6)].astype(np.int64)
    base = np.r_[-np.inf, np.arange(n, 0, -1)].astype(np.float32)[None, :]
    return base, AffinityReranker.for_catalog(content, counts, np.array([0.0, 1.0]), decay=0.9, launch_slots=1)


def test_a_launch_slot_puts_the_best_scored_launch_tenth_and_moves_the_rest_down_one_place():
    from personalization.recsys.models.affinity import AffinityReranker

    # given: the launch catalogue
    base, stage = launch_catalogue()
    history = History(np.array([2]), now=T0)

    def top_ten(reranker):
        scores = reranker.rerank([history], base)[0]
        scores[history.items] = -np.inf
        return np.argsort(-scores, kind="stable")[:10].tolist()

    # when / then: item 2 is the history; 25 is the best launch, 28 is too old to be one
    assert top_ten(stage) == [1, 3, 4, 5, 6, 7, 8, 9, 10, 25]
    assert top_ten(AffinityReranker.from_state(stage.state())) == [1, 3, 4, 5, 6, 7, 8, 9, 10, 25]
    stage.launch_slots = 0
    assert top_ten(stage) == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    # a launch already in the top ten keeps its place and takes no other
    stage.launch_slots = 1
    base[0, 27] = 100.0
    assert top_ten(stage) == [27, 1, 3, 4, 5, 6, 7, 8, 9, 10]


def test_scoring_candidates_alone_a_launch_takes_the_tenth_place_among_them():
    # given: the launch catalogue, and a list of its items 11-30
    base, stage = launch_catalogue()
    history = History(np.array([12]), now=T0)
    columns = np.arange(11, 31)
    # when the list's items alone are scored
    scores = stage.rerank_items([history], base[:, columns], columns, base[:, 1:])[0]
    scores[columns == 12] = -np.inf
    # then the best launch is tenth of the list, and the history stays out
    assert columns[np.argsort(-scores, kind="stable")[:10]].tolist() == [11, 13, 14, 15, 16, 17, 18, 19, 20, 25]

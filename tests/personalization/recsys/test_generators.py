import numpy as np
import pytest

from personalization.recsys.data import build_dataset
from personalization.recsys.generators import DAY, SHAPES, START, ShopShape, generate, shape_named

SMALL = {"users": 150, "days": 30, "items_at_start": 200, "categories": 8, "brands": 10}


def complement_share(shop) -> float:
    """Share of consecutive same-session steps that go from an item to the item most often seen after it."""
    by_user: dict[str, list[str]] = {}
    for user, item, _, _ in shop.rows:
        by_user.setdefault(user, []).append(item)
    followers: dict[str, dict[str, int]] = {}
    for items in by_user.values():
        for a, b in zip(items, items[1:], strict=False):
            followers.setdefault(a, {}).setdefault(b, 0)
            followers[a][b] += 1
    top = sum(max(f.values()) for f in followers.values())
    return top / sum(sum(f.values()) for f in followers.values())


def test_the_same_shape_and_seed_give_the_same_shop():
    shape = shape_named("shop", **SMALL)
    assert generate(shape, seed=3).rows == generate(shape, seed=3).rows
    assert generate(shape, seed=3).rows != generate(shape, seed=4).rows


def test_rows_and_features_are_what_the_data_layer_reads():
    shop = generate(shape_named("shop", **SMALL), seed=0)
    dataset = build_dataset(shop.rows, item_features=shop.item_features)
    assert dataset.stats.users == len({r[0] for r in shop.rows}) and not set(dataset.stats.dropped) - {
        "consecutive_repeat"
    }
    assert set(dataset.stats.events) == {"view", "add_to_cart", "purchase"}
    assert dataset.content is not None and dataset.content.n_brands >= 2 and dataset.content.n_categories == 8
    assert [r[2] for r in shop.rows] == sorted(r[2] for r in shop.rows)


def test_chains_make_the_next_item_predictable_from_the_current_one():
    chains = generate(shape_named("chains", **SMALL), seed=0)
    plain = generate(shape_named("chains", **SMALL, chain_share=0.0), seed=0)
    assert complement_share(chains) > complement_share(plain) + 0.2, (complement_share(chains), complement_share(plain))


def test_consumables_are_bought_again():
    def repeat_share(shop) -> float:
        purchases = [(u, i) for u, i, _, e in shop.rows if e == "purchase"]
        return 1.0 - len(set(purchases)) / len(purchases)

    # given: a month of data, so a period of a few days leaves room for several re-buys
    consumables = generate(shape_named("consumables", **SMALL, consumable_period_days=4.0), seed=0)
    durables = generate(shape_named("consumables", **SMALL, consumable_period_days=4.0, consumable_share=0.0), seed=0)
    assert repeat_share(consumables) > repeat_share(durables) + 0.05, (
        repeat_share(consumables),
        repeat_share(durables),
    )


def test_new_items_arrive_daily_and_are_seen_only_after_their_release():
    shop = generate(shape_named("new-items", **SMALL), seed=0)
    released_later = [item for item, t in shop.release_times.items() if t > START]
    assert len(released_later) > 10 * SMALL["days"]
    assert all(t >= shop.release_times[item] for _, item, t, _ in shop.rows)


def test_seasonal_demand_moves_between_categories():
    shop = generate(shape_named("seasonal", **{**SMALL, "users": 400}), seed=0)
    category = {item: f["category"] for item, f in shop.item_features.items()}
    halves = [{}, {}]
    for _, item, t, _ in shop.rows:
        half = halves[int((t - START) / DAY >= 15)]
        half[category[item]] = half.get(category[item], 0) + 1
    share = [np.array([h.get(f"c{c}", 0) for c in range(8)]) / sum(h.values()) for h in halves]
    assert np.abs(share[0] - share[1]).max() > 0.05


def test_heavy_tail_concentrates_traffic_on_few_items():
    def top_share(shop) -> float:
        counts = np.sort(np.unique([r[1] for r in shop.rows], return_counts=True)[1])[::-1]
        return counts[: len(counts) // 20].sum() / counts.sum()

    heavy = generate(shape_named("heavy-tail", **SMALL), seed=0)
    flat = generate(shape_named("heavy-tail", **SMALL, popularity_exponent=0.2), seed=0)
    assert top_share(heavy) > top_share(flat) + 0.1


def test_every_preset_is_valid_and_bad_shapes_are_refused():
    assert {"shop", "chains", "consumables", "seasonal", "new-items", "sessions", "heavy-tail"} <= set(SHAPES)
    with pytest.raises(ValueError, match="unknown shop shape 'nope'"):
        shape_named("nope")
    with pytest.raises(ValueError, match="unknown shop shape field"):
        shape_named("shop", colour="red")
    with pytest.raises(ValueError, match="must not exceed 1"):
        ShopShape(chain_share=0.8, same_category_share=0.5)
    with pytest.raises(ValueError, match="at least 1 user"):
        ShopShape(users=0)


def test_an_item_without_a_complement_is_followed_by_a_fresh_draw_not_the_end_of_the_session():
    # given: two items in one category, so the linked category is empty and neither has a complement
    shape = ShopShape(
        users=30,
        days=10,
        categories=2,
        brands=1,
        items_at_start=2,
        new_items_per_day=0.0,
        chain_share=1.0,
        same_category_share=0.0,
        short_session_items=6.0,
        long_session_share=0.0,
    )
    seed = next(
        s for s in range(100) if len({f["category"] for f in generate(shape, seed=s).item_features.values()}) == 1
    )
    # when
    shop = generate(shape, seed=seed)
    # then: sessions go on past their first item (steps of one session are minutes apart, sessions days)
    by_user: dict[str, list[float]] = {}
    for user, _, moment, _ in shop.rows:
        by_user.setdefault(user, []).append(moment)
    assert any(np.diff(times).min(initial=DAY) < 3600 for times in by_user.values())

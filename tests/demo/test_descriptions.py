"""Demo catalogue copy says what each product is, for what its kind is for (issue 19)."""

import random

from demo.store.descriptions import USES_BY_KIND, describe, use_for
from demo.store.products import build_products
from demo.store.shelves import SHELVES


def test_every_kind_is_described_for_one_of_its_own_uses():
    drafts = build_products(seed=42, count=600)
    kinds = sorted({kind for shelf in SHELVES for kind in shelf.kinds}, key=len, reverse=True)
    for draft in drafts:
        kind = next((k for k in kinds if k in draft.name), None)
        if kind in USES_BY_KIND:
            assert any(f"for {use}" in draft.description for use in USES_BY_KIND[kind]), (
                f"{draft.name}: {draft.description}"
            )


def test_hiking_boots_are_never_for_long_runs_and_only_camera_bags_carry_camera_gear():
    for seed in range(40):
        rng = random.Random(seed)
        assert use_for(rng, kind="Hiking Boots", shelf_uses=("long runs", "city walks", "rough trails")) != "long runs"
        tote = use_for(rng, kind="Tote Bag", shelf_uses=("the commute", "weekend trips", "camera gear"))
        assert "camera" not in tote


def test_a_plural_kind_takes_a_plural_verb():
    text = describe(
        rng=random.Random(1),
        name="Aurora Trail Hiking Boots",
        brand="Aurora",
        category="Shoes",
        use="rough trails",
        attributes={},
        kind="Hiking Boots",
    )
    assert " Boots is " not in text and ("are" in text or "they" in text), text


def test_book_titles_start_with_a_capital():
    drafts = build_products(seed=42, count=600)
    titles = [d.name for d in drafts if d.category in {"fiction", "cookbooks", "travel-guides"}]
    assert titles and all(title[0].isupper() for title in titles), [t for t in titles if not t[0].isupper()]

"""What goes with a set of products: bought-together pairs first, then the best of their complementary categories.

The cart and bought-together slots ask `complements_for`. The learned graph
(personalization.recommendations.complements) is read once per process per graph version.
A product of a seed's own category comes only when nothing of another category is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop import cache_versions

# One graph per process, the newest, under its version ("<id>:<created at>", see graph_version).
_loaded: dict[str, tuple[dict[int, list[tuple[int, float]]], dict[int, list[tuple[int, float]]]]] = {}


@dataclass(frozen=True)
class Complement:
    product_id: int
    reason: str  # "bought_with" (a learned pair) or "goes_with" (a complementary category's best seller)
    seed_id: int  # the seed product it complements


def _newest_version() -> str:
    from personalization.recommendations.complements import graph_version
    from personalization.recommendations.models import ComplementGraph

    latest = ComplementGraph.objects.only("pk", "created_at").order_by("-pk").first()
    return graph_version(latest) if latest else ""


def current_graph() -> tuple[dict[int, list[tuple[int, float]]], dict[int, list[tuple[int, float]]]]:
    """(categories, items) of the newest graph; empty dicts before the first one is built."""
    from personalization.recommendations.complements import GRAPH_VERSION_PART
    from personalization.recommendations.models import ComplementGraph

    version = cache_versions.version(cache_versions.MODEL, part=GRAPH_VERSION_PART, source=_newest_version)
    if not version:
        return {}, {}
    if version not in _loaded:
        graph = ComplementGraph.objects.filter(pk=int(str(version).split(":")[0])).first()
        if graph is None:
            return {}, {}
        _loaded.clear()
        _loaded[version] = (
            {int(k): [(int(c), float(s)) for c, s in v] for k, v in graph.categories.items()},
            {int(k): [(int(p), float(s)) for p, s in v] for k, v in graph.items.items()},
        )
    return _loaded[version]


def complement_categories(category_ids: list[int]) -> list[int]:
    """Categories that go with these ones, strongest first (summed over the seeds), never one of them."""
    categories, _ = current_graph()
    totals: dict[int, float] = {}
    for category in category_ids:
        for other, score in categories.get(category, ()):
            if other not in category_ids:
                totals[other] = totals.get(other, 0.0) + score
    return sorted(totals, key=lambda c: (-totals[c], c))


def bought_with(product_ids: list[int]) -> list[tuple[int, int]]:
    """(product, seed) pairs learned from baskets, strongest first, seeds excluded."""
    _, items = current_graph()
    totals: dict[int, float] = {}
    seeds: dict[int, int] = {}
    for seed in product_ids:
        for other, score in items.get(seed, ()):
            if other not in product_ids:
                totals[other] = totals.get(other, 0.0) + score
                seeds.setdefault(other, seed)
    return [(pk, seeds[pk]) for pk in sorted(totals, key=lambda p: (-totals[p], p))]

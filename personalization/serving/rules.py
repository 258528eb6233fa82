"""Merchandising rules applied on top of the learned order, in a fixed sequence:
exclude, boost/bury, the first-row brand diversity, then pins (a pin is the owner's last word)."""

from __future__ import annotations

from django.core.cache import cache

from personalization.recommendations.models import MerchandisingRule

RULES_CACHE_KEY = "serving:rules:v1"
RULES_TTL = 60


def active_rules() -> list[MerchandisingRule]:
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules = list(MerchandisingRule.objects.filter(is_active=True))
        cache.set(RULES_CACHE_KEY, rules, RULES_TTL)
    return rules


def _matches(rule: MerchandisingRule, product) -> bool:
    return (
        (rule.product_id is not None and rule.product_id == product.pk)
        or (rule.brand_id is not None and rule.brand_id == product.brand_id)
        or (rule.category_id is not None and rule.category_id == product.category_id)
    )


def apply_rules(products: list, *, surface: str, rules: list[MerchandisingRule] | None = None) -> list:
    rules = [r for r in (active_rules() if rules is None else rules) if r.applies_to(surface)]
    if not rules or not products:
        return products
    A = MerchandisingRule.Action
    excluded = [r for r in rules if r.action == A.EXCLUDE]
    products = [p for p in products if not any(_matches(r, p) for r in excluded)]

    nudges = [r for r in rules if r.action in {A.BOOST, A.BURY}]
    if nudges:
        # A nudge moves a product by a share of the list, so it means the same on short and long lists.
        span = max(len(products), 4) * 0.25

        def key(item):
            rank, product = item
            shift = sum((-1 if r.action == A.BOOST else 1) * r.strength * span for r in nudges if _matches(r, product))
            return (rank + shift, rank)

        products = [p for _, p in sorted(enumerate(products), key=key)]

    for rule in (r for r in rules if r.action == A.DIVERSITY):
        products = diversify_first_row(products, max_per_brand=rule.max_per_brand, row_size=rule.row_size)

    for rule in sorted((r for r in rules if r.action == A.PIN), key=lambda r: r.position or 0):
        index = next((i for i, p in enumerate(products) if p.pk == rule.product_id), None)
        if index is not None:
            pinned = products.pop(index)
            products.insert(min(rule.position - 1, len(products)), pinned)
    return products


def diversify_first_row(products: list, *, max_per_brand: int, row_size: int) -> list:
    """At most `max_per_brand` of one brand in the first `row_size` places; the rest keep their order."""
    row, rest, counts = [], [], {}
    for product in products:
        if len(row) < row_size and counts.get(product.brand_id, 0) < max_per_brand:
            row.append(product)
            counts[product.brand_id] = counts.get(product.brand_id, 0) + 1
        else:
            rest.append(product)
    return row + rest

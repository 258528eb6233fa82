"""What a shopper asks of a product, as a frozen value the search applies exactly and the test set compares."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal


@dataclass(frozen=True)
class Constraints:
    category: str = ""  # a category slug: that category and everything below it
    brands: tuple[str, ...] = ()  # brand slugs, any of them
    exclude_brands: tuple[str, ...] = ()
    price_min: Decimal | None = None  # inclusive, in the shop's currency
    price_max: Decimal | None = None
    attributes: tuple[tuple[str, object], ...] = ()  # (key, value) pairs as products store them, sorted
    keywords: tuple[str, ...] = ()  # words matched by the shop's search (name, description)
    in_stock: bool = False

    def is_empty(self) -> bool:
        return self == Constraints()

    def as_dict(self) -> dict:
        """Only what is set, JSON-ready: the form stored on the conversation and written in the test set."""
        data: dict = {}
        if self.category:
            data["category"] = self.category
        if self.brands:
            data["brands"] = list(self.brands)
        if self.exclude_brands:
            data["exclude_brands"] = list(self.exclude_brands)
        if self.price_min is not None:
            data["price_min"] = str(self.price_min)
        if self.price_max is not None:
            data["price_max"] = str(self.price_max)
        if self.attributes:
            data["attributes"] = {key: value for key, value in self.attributes}
        if self.keywords:
            data["keywords"] = list(self.keywords)
        if self.in_stock:
            data["in_stock"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> Constraints:
        data = data or {}

        def money(name: str) -> Decimal | None:
            value = data.get(name)
            return None if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))

        return cls(
            category=data.get("category", ""),
            brands=tuple(sorted(data.get("brands", ()))),
            exclude_brands=tuple(sorted(data.get("exclude_brands", ()))),
            price_min=money("price_min"),
            price_max=money("price_max"),
            attributes=tuple(sorted((data.get("attributes") or {}).items())),
            keywords=tuple(data.get("keywords", ())),
            in_stock=bool(data.get("in_stock", False)),
        )

    def refined_by(self, change: Constraints) -> Constraints:
        """This search narrowed or moved by a follow-up: what the follow-up names replaces what was there."""
        brands = change.brands or tuple(b for b in self.brands if b not in change.exclude_brands)
        excluded = tuple(sorted((set(self.exclude_brands) | set(change.exclude_brands)) - set(change.brands)))
        attributes = dict(self.attributes)
        attributes.update(dict(change.attributes))
        return replace(
            self,
            category=change.category or self.category,
            brands=brands,
            exclude_brands=excluded,
            price_min=change.price_min if change.price_min is not None else self.price_min,
            price_max=change.price_max if change.price_max is not None else self.price_max,
            attributes=tuple(sorted(attributes.items())),
            keywords=tuple(dict.fromkeys(self.keywords + change.keywords)),
            in_stock=self.in_stock or change.in_stock,
        )

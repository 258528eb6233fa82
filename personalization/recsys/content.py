"""Product content features encoded as integer ids, so models can embed them.

Each product may carry ``category``, ``brand``, ``price``, ``title`` and ``released`` (when it went
on sale: epoch seconds or a datetime); any of them may be missing. Categories and brands become
vocabulary ids, prices a log-scale quantile band, titles a bag of hashed lower-case tokens (hashing
keeps the vocabulary bounded and needs no stored token list). Id 0 always means "unknown".
``price_rank`` places each price within its own category (0 = cheapest, 1 = dearest): a cheap camera
and a cheap memory card share a rank though not a band. ``released`` lets a model tell a product's
age at the moment it recommends, which is what a new product has before anyone has bought it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class ItemContent:
    """Content ids per item index; row 0 is the padding item."""

    category: np.ndarray  # [n_items + 1] int64
    brand: np.ndarray  # [n_items + 1] int64
    price_band: np.ndarray  # [n_items + 1] int64
    title_offsets: np.ndarray  # [n_items + 1] int64, start of each item's tokens in title_tokens
    title_tokens: np.ndarray  # [total_tokens] int64 hashed token ids in 1..n_title_buckets
    n_categories: int
    n_brands: int
    n_price_bands: int
    n_title_buckets: int
    price_rank: np.ndarray | None = None  # [n_items + 1] float32 in [0, 1]; 0.5 without a price or category
    # [n_items + 1] float64 epoch seconds each item went on sale, NaN unknown; None: no item has one
    released: np.ndarray | None = None

    @property
    def has_release_times(self) -> bool:
        return self.released is not None and bool(np.isfinite(self.released).any())


def encode_item_features(
    features: Mapping[Hashable, Mapping[str, Any]],
    raw_item_ids: Sequence[Hashable],
    *,
    n_price_bands: int = 8,
    n_title_buckets: int = 2**14,
) -> ItemContent:
    """Encode ``{raw_item_id: {"category", "brand", "price", "title", "released"}}`` for items ``1..n``."""
    rows = [features.get(raw, {}) for raw in raw_item_ids]
    category = _vocabulary_ids([r.get("category") for r in rows])
    brand = _vocabulary_ids([r.get("brand") for r in rows])
    prices = _floats([r.get("price") for r in rows])
    price_band = _price_bands(prices, n_price_bands)
    offsets = [0]
    tokens: list[int] = []
    for r in rows:
        offsets.append(len(tokens))
        tokens.extend(title_token_ids(str(r.get("title") or ""), n_title_buckets))
    return ItemContent(
        category=category,
        brand=brand,
        price_band=price_band,
        title_offsets=np.asarray(offsets, dtype=np.int64),
        title_tokens=np.asarray(tokens, dtype=np.int64),
        n_categories=int(category.max(initial=0)),
        n_brands=int(brand.max(initial=0)),
        n_price_bands=n_price_bands,
        n_title_buckets=n_title_buckets,
        price_rank=_price_ranks(prices, category),
        released=_release_times([r.get("released") for r in rows]),
    )


def title_token_ids(title: str, n_buckets: int) -> list[int]:
    """Hashed token ids in ``1..n_buckets``; crc32 is stable across processes, unlike hash()."""
    return [zlib.crc32(tok.encode()) % n_buckets + 1 for tok in _TOKEN.findall(title.lower())]


def _vocabulary_ids(values: list[Any]) -> np.ndarray:
    known = sorted({str(v) for v in values if v is not None and str(v) != ""})
    vocab = {v: i + 1 for i, v in enumerate(known)}
    ids = [0] + [vocab.get(str(v), 0) if v is not None else 0 for v in values]
    return np.asarray(ids, dtype=np.int64)


def _floats(values: list[Any]) -> np.ndarray:
    """Each value as a float; NaN where it is missing, not a number or infinite."""
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            continue
    out[~np.isfinite(out)] = np.nan
    return out


def _release_times(values: list[Any]) -> np.ndarray | None:
    """``[n + 1]`` epoch seconds (a naive datetime is UTC), NaN where unknown; None when none is known."""
    out = np.full(len(values) + 1, np.nan)
    for i, value in enumerate(values):
        if isinstance(value, datetime):
            out[i + 1] = (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
        elif not isinstance(value, bool):
            out[i + 1] = _floats([value])[0]
    return out if np.isfinite(out).any() else None


def _price_bands(prices: np.ndarray, n_bands: int) -> np.ndarray:
    logs = np.full(len(prices), np.nan)
    positive = prices > 0  # NaN compares False
    logs[positive] = np.log(prices[positive])
    bands = np.zeros(len(prices) + 1, dtype=np.int64)
    known = ~np.isnan(logs)
    if known.any():
        edges = np.quantile(logs[known], np.linspace(0, 1, n_bands + 1)[1:-1])
        bands[1:][known] = np.searchsorted(edges, logs[known], side="right") + 1
    return bands


def _price_ranks(values: np.ndarray, category: np.ndarray) -> np.ndarray:
    """``[n + 1]`` each price's rank within its category scaled to 0..1 (equal prices share a rank)."""
    ranks = np.full(len(values) + 1, 0.5, dtype=np.float32)
    known = np.isfinite(values) & (category[1:] > 0)
    for cat in np.unique(category[1:][known]):
        members = np.flatnonzero(known & (category[1:] == cat))
        distinct = np.unique(values[members])
        if len(distinct) > 1:
            ranks[members + 1] = np.searchsorted(distinct, values[members]) / (len(distinct) - 1)
    return ranks

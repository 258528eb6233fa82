"""A second stage over a sequence model: the visitor's own affinities, and what followed their items.

A sequence model trained on a few thousand shop sessions learns the catalogue's next-item
patterns, but little of a taste that the visitor's history states plainly: which brand they
keep choosing in a category, and at what price. And a transformer's item vectors blur the
sharp pairwise evidence that a count keeps: which items other people touched right next to
the ones in this history. This stage rescores every item with a linear function of a few
features of (history, item):

========================  ==================================================================
``base``                  the sequence model's score, standardised over the catalogue
``popularity``            log interactions of the item, standardised over the catalogue
``category``              share of the history in the item's category
``same_category_as_last`` the item is in the category of the newest history item
``brand``                 share of the history with the item's brand
``brand_in_category``     of the history in the item's category, the share with its brand
``price_distance``        distance between the item's price rank in its category and the
                          history's mean rank there (over the whole history when it has
                          nothing in that category)
``viewed``                the item is in the history, only ever looked at
``bought``                the history has a stronger event for it than a view (added to the
                          cart, purchased): someone who just bought a kettle may want no other
``covisit``               the item's co-visitation with the newest history items
                          (``CoVisitation.score`` over the training sequences: neighbours
                          within a few steps, recent items weighing more), as log(1 + 100 s)
                          standardised over the catalogue
``cold``                  the item has no interaction in the training data (a new product):
                          the ``popularity`` feature alone would push every one of them down
``fresh``                 exp(-age / 7 days) of the item's age when the history is read
                          (``History.now``, else its newest timestamp); 0 without a release time
``regression``            the item's weight from the history's items in an item-to-item ridge
                          regression over the shoppers' whole item sets (``ItemRegression``,
                          EASE; catalogues of up to 5,000 items), standardised over the catalogue
========================  ==================================================================

Shares weigh each history item by its event (a purchase more than a view) and by recency
(``decay`` per newer item). Without content features (a data set of bare item ids) the
content columns are zero and only ``base``, ``popularity``, ``viewed``, ``bought`` and
``covisit`` speak.

Where the weights come from, best first:

- logged clicks (``choices.py``): for each list a visitor saw and clicked in, which of the cards
  they examined (those down to the clicked one) they chose, given what they had done before. A
  softmax over those cards, with the position's examination discount as an extra feature so that
  position bias is not read as taste. Popularity and co-visitation are left out here: the logged
  lists were ordered by them (the popular-first arm and the "similar" shelves), so the cards
  passed over on the way to a click were the popular or co-visited ones;
- without enough clicks, the held-out next items (the validation targets, never the training
  sequences the base model has memorised), each against the whole catalogue (a uniform sample of
  it above ``MAX_FULL_CATALOG`` items, for at most ``MAX_SAMPLED_EXAMPLES`` of the visitors), history
  masked.

Features are ``[rows, items, features]``: they are computed a few rows at a time, never more than
``FEATURE_VALUES_PER_CHUNK`` values at once, whatever the catalogue's size.

One half of the examples fits the weights, the other half decides whether the stage is used at
all: it is kept only when it raises NDCG@10 there; it is then refitted on all of them.

While fitting, an item nobody had touched yet when an example was chosen (``History.now``; no
training interaction before that moment, when the stage is given them with
``for_catalog(..., interactions=...)``) is ``cold`` and has the popularity of an unsold item, as
a new product has when served. Counted over the whole training data, an item bought for the
first time by a held-out visitor already looks sold (its later buyers are in the training data),
so the stage would see almost no new item as a target and learn to push every new item down;
read this way, the launches the held-out visitors chose are new again, in the proportion they
were. The other items keep the whole data's popularity: counts as of each moment were tried
and lowered NDCG@10 on the heavy-tailed and seasonal shops (docs/recsys-quality.md). Serving
reads the whole training data: its clock is after all of it, so there the two are the same.

``launch_slots`` places of the top ten are held for launches (items without a training
interaction, on sale for less than ``FRESH_DAYS``): when none of the visitor's top ten is one,
the best-scored launch takes the tenth place and the items from there down move one place. A
launch's appeal is unknown until people buy it, so a linear score, however calibrated, rarely
lifts one above items with a record; the slot lets the shop learn which launches sell at the
price of one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch.nn import functional as F

from personalization.recsys.content import ItemContent
from personalization.recsys.models.base import History
from personalization.recsys.models.covisitation import CoVisitation, CoVisitationConfig
from personalization.recsys.models.regression import ItemRegression, ItemRegressionConfig

if TYPE_CHECKING:
    from personalization.recsys.choices import ChoiceSet

FEATURES = (
    "base",
    "popularity",
    "category",
    "same_category_as_last",
    "brand",
    "brand_in_category",
    "price_distance",
    "viewed",
    "bought",
    "covisit",
    "cold",
    "fresh",
    "regression",
)
FRESH_DAYS = 7.0
_DAY = 86400.0
# Left out of the click model: the logged lists were ordered by them (see ``_fit_clicks``).
CONFOUNDED = ("popularity", "covisit")
COVISIT_SCALE = 100.0  # co-visitation sums are cosine-normalised, mostly well below 1
_COVISIT = FEATURES.index("covisit")
_COLD = FEATURES.index("cold")
_FRESH = FEATURES.index("fresh")
_REGRESSION = FEATURES.index("regression")
MIN_EXAMPLES = 40  # held-out visitors needed to fit and check the weights at all
MAX_FULL_CATALOG = 4096  # larger catalogues fit on a uniform sample of candidates per example
SAMPLED_CANDIDATES = 1024
MAX_SAMPLED_EXAMPLES = 2000  # and on a fixed random sample of at most this many held-out visitors
ROWS_PER_CHUNK = 64  # feature arrays are [rows, items, features]: keep them small
FEATURE_VALUES_PER_CHUNK = 2**24  # at most this many (64 MB of float32) at once: fewer rows on a large catalogue

# The base model's [n, N + 1] scores, or a function that gives them for a few histories at a time.
BaseScores = np.ndarray | Callable[[Sequence[History]], np.ndarray]


def rows_per_chunk(width: int) -> int:
    """Histories whose ``[rows, width, features]`` features are computed at once."""
    return max(1, min(ROWS_PER_CHUNK, FEATURE_VALUES_PER_CHUNK // (width * len(FEATURES))))


@dataclass
class AffinityConfig:
    decay: float = 0.9  # weight of a history item relative to the one after it
    l2: float = 1e-3  # pull towards the base ranking (base weight 1, others 0)
    max_iterations: int = 100
    min_gain: float = 0.0  # NDCG@10 the stage must add on the checking half to be used
    seed: int = 0


@dataclass(frozen=True)
class AffinityReport:
    """What fitting found; stored with the model version's metrics."""

    used: bool
    reason: str
    examples: int
    ndcg_base: float = 0.0  # NDCG@10 on the checking half, base model alone
    ndcg_reranked: float = 0.0  # the same with this stage fitted on the other half
    weights: dict[str, float] = field(default_factory=dict)

    def as_metrics(self) -> dict[str, float]:
        return {
            "affinity_used": float(self.used),
            "affinity_check_ndcg_base": self.ndcg_base,
            "affinity_check_ndcg_reranked": self.ndcg_reranked,
        }


class AffinityReranker:
    """Linear rescoring of a base model's ``[B, N + 1]`` scores from content affinities."""

    def __init__(
        self,
        *,
        category: np.ndarray,
        brand: np.ndarray,
        price_rank: np.ndarray,
        popularity: np.ndarray,
        event_weights: np.ndarray,
        decay: float,
        weights: np.ndarray | None = None,
        transitions: CoVisitation | None = None,
        cold: np.ndarray | None = None,
        released: np.ndarray | None = None,
        interactions: CountsOverTime | None = None,
        launch_slots: int = 0,
        regression: ItemRegression | None = None,
    ) -> None:
        self.category = np.asarray(category, dtype=np.int64)
        self.brand = np.asarray(brand, dtype=np.int64)
        self.price_rank = np.asarray(price_rank, dtype=np.float32)
        self.popularity = np.asarray(popularity, dtype=np.float32)
        self.event_weights = np.asarray(event_weights, dtype=np.float64)
        self.decay = float(decay)
        self.cold = np.zeros(len(self.popularity), bool) if cold is None else np.asarray(cold, dtype=bool)
        self.released = None if released is None else np.asarray(released, dtype=np.float64)
        # (category, brand) pairs as compact ids; 0 when either is unknown (always so for padding row 0).
        known = (self.category > 0) & (self.brand > 0)
        known[0] = False
        pairs = np.where(known, self.category * (int(self.brand.max(initial=0)) + 1) + self.brand, 0)
        self.pair = np.unique(pairs, return_inverse=True)[1].astype(np.int64)
        # A history's masses are counted per category, brand and pair: arrays of their number, not the catalogue's.
        self._kinds = {
            name: int(ids.max(initial=0)) + 1
            for name, ids in (("category", self.category), ("brand", self.brand), ("pair", self.pair))
        }
        neutral = self.neutral_weights()
        weights = np.asarray(weights if weights is not None else neutral, dtype=np.float32)
        # A stage saved before a feature was added has no weight for it: zero, as if never fitted.
        self.weights = np.concatenate([weights, np.zeros(len(neutral) - len(weights), dtype=np.float32)])
        self.transitions = transitions
        self.interactions = interactions  # fitting only (see the module docstring); not in the artifact
        self.regression = regression
        self._fallback_sums: dict[str, tuple[float, float]] = {}  # see _standardised_columns
        self.launch_slots = int(launch_slots)

    @staticmethod
    def neutral_weights() -> np.ndarray:
        """The base model's ranking unchanged."""
        weights = np.zeros(len(FEATURES), dtype=np.float32)
        weights[FEATURES.index("base")] = 1.0
        return weights

    @classmethod
    def for_catalog(
        cls,
        content: ItemContent | None,
        item_counts: np.ndarray,
        event_weights: np.ndarray,
        *,
        decay: float,
        transitions: CoVisitation | None = None,
        interactions: CountsOverTime | None = None,
        launch_slots: int = 0,
        regression: ItemRegression | None = None,
    ) -> AffinityReranker:
        """The stage for a catalogue of ``len(item_counts) - 1`` items; ``content`` None: bare item ids.

        ``interactions``: the training interactions with their times, to fit on the counts as of
        each example's moment (see the module docstring).
        """
        popularity = _popularity(np.asarray(item_counts))
        unknown = np.zeros(len(popularity), dtype=np.int64)
        if content is not None and content.price_rank is not None:
            price_rank = content.price_rank
        else:
            price_rank = np.full(len(popularity), 0.5)
        return cls(
            category=content.category if content is not None else unknown,
            brand=content.brand if content is not None else unknown,
            price_rank=price_rank,
            popularity=popularity,
            event_weights=event_weights,
            decay=decay,
            transitions=transitions,
            cold=np.asarray(item_counts) == 0,
            released=content.released if content is not None else None,
            interactions=interactions,
            launch_slots=launch_slots,
            regression=regression,
        )

    # Features and scores.

    def features(
        self,
        histories: Sequence[History],
        base: np.ndarray,
        columns: np.ndarray | None = None,
        reference: np.ndarray | None = None,
    ) -> np.ndarray:
        """``[B, C, F]`` features of items for each history.

        Every item by default: ``base`` is ``[B, N + 1]``, ``C = N + 1`` and column 0 (padding) is zero.
        Given item indices ``columns`` ``[C]`` (0: unknown, all zero), ``base`` holds their ``[B, C]``
        scores and ``reference`` ``[B, S]`` the base scores of a sample of the catalogue, whose mean and
        spread stand for the whole catalogue's (see :meth:`rerank_items`).
        """
        whole = columns is None
        width = len(self.popularity)
        cols = np.arange(base.shape[1]) if whole else np.asarray(columns, dtype=np.int64)
        out = np.zeros((len(base), len(cols), len(FEATURES)), dtype=np.float32)
        finite = np.where(np.isfinite(base), base, 0.0)
        if whole:
            out[:, 1:, 0] = _standardised(finite)
        else:
            known = np.where(np.isfinite(reference), reference, 0.0)
            out[:, :, 0] = (finite - known.mean(1, keepdims=True)) / (known.std(1, keepdims=True) + 1e-6)
        out[:, :, 1] = self.popularity[cols]
        if self.transitions is not None:
            if whole:
                out[:, :, _COVISIT] = self._covisit(histories)
            else:
                out[:, :, _COVISIT] = self._standardised_columns("covisit", histories, cols)
        if self.regression is not None:
            if whole:
                out[:, 1:, _REGRESSION] = _standardised(self.regression.score(histories))
            else:
                out[:, :, _REGRESSION] = self._standardised_columns("regression", histories, cols)
        out[:, :, _COLD] = self.cold[cols]
        if self.interactions is not None:
            unsold = float(self.popularity[1:][self.cold[1:]].min(initial=self.popularity[1:].min(initial=0.0)))
            for row, history in enumerate(histories):
                moment = _read_at(history)
                if np.isfinite(moment):
                    new = self.interactions.counts_before(moment, width)[cols] == 0
                    out[row, :, 1] = np.where(new, unsold, self.popularity[cols])
                    out[row, :, _COLD] = new
        if self.released is not None:
            now = np.asarray([_read_at(h) for h in histories], dtype=np.float64)
            age = (now[:, None] - self.released[None, cols]) / _DAY
            with np.errstate(invalid="ignore"):
                out[:, :, _FRESH] = np.where(age >= 0, np.exp(-np.where(age >= 0, age, 0.0) / FRESH_DAYS), 0.0)
        category, brand, pair = self.category[cols], self.brand[cols], self.pair[cols]
        price_rank = self.price_rank[cols]
        for row, history in enumerate(histories):
            keep = (history.items > 0) & (history.items < width)
            items = history.items[keep]
            if not len(items):
                continue
            events = history.events[keep] if history.events is not None else np.ones(len(items), dtype=np.int64)
            events = np.clip(events, 0, len(self.event_weights) - 1)
            weight = self.event_weights[events] * self.decay ** np.arange(len(items) - 1, -1, -1)
            total = max(float(weight.sum()), 1e-9)
            kinds = self._kinds
            category_mass = np.bincount(self.category[items], weight, minlength=kinds["category"])
            category_mass[0] = 0.0
            brand_mass = np.bincount(self.brand[items], weight, minlength=kinds["brand"])
            brand_mass[0] = 0.0
            pair_mass = np.bincount(self.pair[items], weight, minlength=kinds["pair"])
            pair_mass[0] = 0.0
            price_mass = np.bincount(self.category[items], weight * self.price_rank[items], minlength=kinds["category"])
            in_category = category_mass[category]
            has = in_category > 0
            out[row, :, 2] = in_category / total
            last = self.category[items[-1]]
            out[row, :, 3] = (category == last) & (last > 0)
            out[row, :, 4] = brand_mass[brand] / total
            out[row, :, 5] = np.where(has, pair_mass[pair] / np.where(has, in_category, 1.0), 0.0)
            overall = float((weight * self.price_rank[items]).sum()) / total
            reference_rank = np.where(has, price_mass[category] / np.where(has, in_category, 1.0), overall)
            out[row, :, 6] = np.abs(price_rank - reference_rank)
            strong = self.event_weights[events] > self.event_weights[1:].min()
            bought = np.isin(cols, items[strong])
            out[row, :, 7] = np.isin(cols, items) & ~bought
            out[row, :, 8] = bought
        out[:, cols == 0, :] = 0.0
        return out

    def _covisit(self, histories: Sequence[History]) -> np.ndarray:
        """``[B, N + 1]`` the ``covisit`` feature of every item, standardised over the catalogue."""
        covisit = np.maximum(self.transitions.score(histories), 0.0)
        out = np.zeros(covisit.shape, dtype=np.float32)
        out[:, 1:] = _standardised(np.log1p(COVISIT_SCALE * covisit))
        return out

    def _standardised_columns(self, feature: str, histories: Sequence[History], cols: np.ndarray) -> np.ndarray:
        """``[B, C]`` the ``covisit`` or ``regression`` feature of the items ``cols``, standardised over the whole
        catalogue exactly without computing it for every item: a history changes only its items' neighbours
        from the table's fallback (popularity far below any neighbour), whose sums are kept once per model."""
        table = self.transitions if feature == "covisit" else self.regression
        value = _covisit_value if feature == "covisit" else _regression_value
        if feature not in self._fallback_sums:
            plain = value(table.fallback[1:])
            self._fallback_sums[feature] = (float(plain.sum()), float((plain**2).sum()))
        plain_sum, plain_squares = self._fallback_sums[feature]
        n = len(table.fallback) - 1
        out = np.zeros((len(histories), len(cols)), dtype=np.float32)
        for row, history in enumerate(histories):
            touched, moved = table.moved(history)
            keep = touched > 0
            before = value(table.fallback[touched[keep]])
            after = value(table.fallback[touched[keep]] + moved[keep])
            mean = (plain_sum - before.sum() + after.sum()) / n
            variance = max((plain_squares - (before**2).sum() + (after**2).sum()) / n - mean**2, 0.0)
            out[row] = (value(table.score_at(history, cols)) - mean) / (np.sqrt(variance) + 1e-6)
        return out

    def rerank(self, histories: Sequence[History], base: np.ndarray) -> np.ndarray:
        """``[B, N + 1]`` scores; column 0 stays -inf."""
        scores = np.empty(base.shape, dtype=np.float32)
        rows = rows_per_chunk(base.shape[1])
        for start in range(0, len(histories), rows):
            part = slice(start, start + rows)
            scores[part] = self.features(histories[part], base[part]) @ self.weights
        scores[:, 0] = -np.inf
        if self.launch_slots and self.released is not None:
            self._hold_launch_slots(histories, scores)
        return scores

    def rerank_items(
        self, histories: Sequence[History], base: np.ndarray, columns: np.ndarray, reference: np.ndarray
    ) -> np.ndarray:
        """``[B, C]`` scores of the item indices ``columns`` ``[C]`` (0: unknown, -inf) alone.

        What a large catalogue's serving calls instead of :meth:`rerank`: the features of every item
        would be ``N x F`` values per visitor. ``base`` holds the base model's ``[B, C]`` scores of
        ``columns`` and ``reference`` ``[B, S]`` its scores of a fixed sample of the catalogue, which
        stand for the catalogue's in the ``base`` feature's standardisation (``covisit``'s is exact).
        Launches take their places in the columns' own top ten.
        """
        columns = np.asarray(columns, dtype=np.int64)
        scores = self.features(histories, base, columns, reference) @ self.weights
        scores[:, columns == 0] = -np.inf
        if self.launch_slots and self.released is not None:
            self._hold_launch_slots(histories, scores, columns)
        return scores

    def _hold_launch_slots(
        self, histories: Sequence[History], scores: np.ndarray, columns: np.ndarray | None = None, k: int = 10
    ) -> None:
        """In place: the best-scored launches outside each row's top ``k`` (history excluded) take its last places.

        ``scores`` are every item's (``[B, N + 1]``) or those of the item indices ``columns``.
        """
        cols = np.arange(scores.shape[1]) if columns is None else columns
        if int((cols > 0).sum()) <= k:
            return
        for row, history in enumerate(histories):
            now = _read_at(history)
            if not np.isfinite(now):
                continue
            with np.errstate(invalid="ignore"):
                age = now - self.released[cols]
                launch = self.cold[cols] & (age >= 0) & (age < FRESH_DAYS * _DAY) & (cols > 0)
            ranked = scores[row].copy()
            seen = np.isin(cols, history.items[history.items > 0])
            ranked[seen] = -np.inf
            launch[seen] = False
            top = np.argpartition(-ranked, k)[:k]
            top = top[np.argsort(-ranked[top], kind="stable")]
            wanted = self.launch_slots - int(launch[top].sum())
            launch[top] = False
            waiting = np.flatnonzero(launch & np.isfinite(ranked))
            if wanted <= 0 or not len(waiting):
                continue
            chosen = waiting[np.argsort(-ranked[waiting], kind="stable")[:wanted]]
            m = len(chosen)
            # Between the items now at places k - m - 1 and k - m: the chosen take the last m places.
            low, high = ranked[top[k - m]], ranked[top[k - m - 1]]
            if not np.isfinite(low):
                continue  # fewer than k items to show: the launches are in already
            scores[row, chosen] = low + (high - low) * (m - np.arange(m)) / (m + 1)

    # Fitting.

    def fit(
        self,
        histories: Sequence[History],
        targets: np.ndarray,
        base: BaseScores | None,
        config: AffinityConfig,
        *,
        choices: ChoiceSet | None = None,
        choice_base: BaseScores | None = None,
    ) -> AffinityReport:
        """Learn the weights (see the module docstring); returns what it found.

        With at least ``MIN_EXAMPLES`` logged ``choices`` (``choice_base`` holds the
        base model's ``[n, N + 1]`` scores for their histories) the weights come from those
        clicks, see :meth:`_fit_clicks`; else from the held-out ``targets`` ranked against the
        catalogue, whose base scores ``base`` holds (not needed when the clicks decide). Either may
        be a function of a few histories that gives their scores, so that a large catalogue's
        ``[n, N + 1]`` scores are never held at once.
        """
        try:
            if choice_base is not None and self.clicks_decide(choices):
                return self._fit_clicks(choices, choice_base, config)
            n = len(targets)
            if n < MIN_EXAMPLES:
                return AffinityReport(
                    False, f"{n} held-out visitors and too few logged clicks, {MIN_EXAMPLES} needed", n
                )
            rng = np.random.default_rng(config.seed)
            targets = np.asarray(targets, dtype=np.int64)
            source = f"{n} held-out next items"
            if len(self.popularity) > MAX_FULL_CATALOG and n > MAX_SAMPLED_EXAMPLES:
                rows = np.sort(rng.choice(n, size=MAX_SAMPLED_EXAMPLES, replace=False))
                histories, targets = [histories[r] for r in rows], targets[rows]
                base = base if callable(base) else base[rows]
                source = f"{MAX_SAMPLED_EXAMPLES} of {n} held-out next items (a random sample)"
            x, allowed, positive = self._catalog_examples(histories, targets, base, rng)
            return self._fit(x, allowed, positive, config, source=source)
        finally:
            # Served after the training data, the counts as of the request are the whole data's.
            self.interactions = None

    @staticmethod
    def clicks_decide(choices: ChoiceSet | None) -> bool:
        """Whether there are enough logged choices for :meth:`fit` to learn from them."""
        return choices is not None and len(choices) >= MIN_EXAMPLES

    def _fit_clicks(self, choices: ChoiceSet, base: BaseScores, config: AffinityConfig) -> AffinityReport:
        """Which card of a list the visitor clicked, among the cards they examined.

        A softmax over the examined cards (down to the clicked one, see ``ChoiceSet``) with one
        more feature used only here: the log of the position's examination discount, which
        absorbs position bias. Features that decided the logged order are left out
        (``CONFOUNDED``): the cards a visitor passed over on the way to a click were the ones the
        old ranking put first, so within a list they would look like reasons NOT to click.
        """
        # Co-visitation is confounded here: its column would only be zeroed, so it is neither computed
        # for the clicks nor kept for serving.
        self.transitions = None
        x, allowed, _ = self._gather(choices.histories, choices.candidates, base)
        allowed &= choices.candidates > 0
        discount = np.log(1.0 / np.log2(1.0 + np.maximum(choices.positions, 1.0)))
        x = np.concatenate([x, discount[..., None].astype(np.float32)], axis=2)
        x[..., [FEATURES.index(name) for name in CONFOUNDED]] = 0.0
        source = f"{len(choices)} logged clicks among the cards examined"
        return self._fit(x, allowed, choices.clicked, config, source=source)

    def _fit(
        self, x: np.ndarray, allowed: np.ndarray, positive: np.ndarray, config: AffinityConfig, *, source: str
    ) -> AffinityReport:
        """Fit on one half, check on the other, refit on all when it helps; extra columns past FEATURES are dropped."""
        n, n_features = len(x), len(FEATURES)
        neutral = np.concatenate([self.neutral_weights(), np.zeros(x.shape[2] - n_features, dtype=np.float32)])
        fit_half, check_half = np.arange(0, n, 2), np.arange(1, n, 2)
        weights = _optimise(x[fit_half], allowed[fit_half], positive[fit_half], neutral, config)
        check = x[check_half, :, :n_features], allowed[check_half], positive[check_half]
        ndcg_base = _ndcg_at_10(check[0][..., FEATURES.index("base")], check[1], check[2])
        ndcg_reranked = _ndcg_at_10(check[0] @ weights[:n_features], check[1], check[2])
        used = ndcg_reranked > ndcg_base + config.min_gain
        if used:
            self.weights = _optimise(x, allowed, positive, neutral, config, start=weights)[:n_features]
        return self._report(used, source, n, ndcg_base, ndcg_reranked)

    def _report(self, used: bool, source: str, n: int, ndcg_base: float, ndcg_reranked: float) -> AffinityReport:
        named = {name: round(float(w), 4) for name, w in zip(FEATURES, self.weights, strict=True)}
        verdict = "raises" if used else "does not raise"
        reason = f"fitted on {source}; {verdict} NDCG@10 on the checking half"
        return AffinityReport(used, reason, n, ndcg_base, ndcg_reranked, named if used else {})

    def _gather(
        self, histories: Sequence[History], candidates: np.ndarray, base: BaseScores
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features ``[n, C, F]`` of given candidates ``[n, C]``; all allowed; positives unset."""
        n, width = len(candidates), len(self.popularity)
        x = np.zeros((n, candidates.shape[1], len(FEATURES)), dtype=np.float32)
        if width > MAX_FULL_CATALOG:
            # The candidates' features alone, each row standardised on its whole row of base scores: never
            # [rows, N, F] (at 1M items about 70 ms a visitor, and most of the stage's fit).
            rows = max(1, min(ROWS_PER_CHUNK, FEATURE_VALUES_PER_CHUNK // width))
            for start in range(0, n, rows):
                part = slice(start, start + rows)
                chunk_base = base(histories[part]) if callable(base) else base[part]
                for offset, row in enumerate(range(start, min(start + rows, n))):
                    whole, columns = chunk_base[offset : offset + 1], candidates[row]
                    x[row] = self.features([histories[row]], whole[:, columns], columns, whole[:, 1:])[0]
            return x, np.ones(candidates.shape, dtype=bool), np.zeros(n, dtype=np.int64)
        rows = rows_per_chunk(width)
        for start in range(0, n, rows):
            part = slice(start, start + rows)
            chunk_base = base(histories[part]) if callable(base) else base[part]
            chunk = self.features(histories[part], chunk_base)
            x[part] = np.take_along_axis(chunk, candidates[part][..., None], axis=1)
        return x, np.ones(candidates.shape, dtype=bool), np.zeros(n, dtype=np.int64)

    def _catalog_examples(
        self, histories: Sequence[History], targets: np.ndarray, base: BaseScores, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each held-out target against the catalogue (a uniform sample of it when large), history masked."""
        n, width = len(targets), len(self.popularity)
        if width > MAX_FULL_CATALOG:
            negatives = rng.integers(1, width, (n, SAMPLED_CANDIDATES - 1))
            candidates = np.concatenate([targets[:, None], negatives], axis=1)
        else:
            candidates = np.broadcast_to(np.arange(width), (n, width))
        x, allowed, _ = self._gather(histories, candidates, base)
        positive = np.argmax(candidates == targets[:, None], axis=1)
        allowed &= candidates > 0
        for row, history in enumerate(histories):
            allowed[row] &= ~np.isin(candidates[row], history.items)
        allowed &= (candidates != targets[:, None]) | (np.arange(candidates.shape[1]) == positive[:, None])
        allowed[np.arange(n), positive] = True
        return x, allowed, positive

    # Artifacts.

    def state(self) -> dict[str, Any]:
        return {
            "category": torch.from_numpy(self.category),
            "brand": torch.from_numpy(self.brand),
            "price_rank": torch.from_numpy(self.price_rank),
            "popularity": torch.from_numpy(self.popularity),
            "event_weights": torch.from_numpy(self.event_weights),
            "decay": self.decay,
            "weights": torch.from_numpy(self.weights),
            "cold": torch.from_numpy(self.cold),
            "released": torch.from_numpy(self.released) if self.released is not None else None,
            "launch_slots": self.launch_slots,
            "transitions": (
                {"config": dataclasses.asdict(self.transitions.config), "state": self.transitions._state()}
                if self.transitions is not None
                else None
            ),
            "regression": (
                {"config": dataclasses.asdict(self.regression.config), "state": self.regression._state()}
                if self.regression is not None
                else None
            ),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> AffinityReranker:
        state = dict(state)
        transitions = state.pop("transitions", None)
        if transitions is not None:
            model = CoVisitation(CoVisitationConfig(**transitions["config"]))
            model._load_state(transitions["state"], device="cpu")
            transitions = model
        regression = state.pop("regression", None)
        if regression is not None:
            table = ItemRegression(ItemRegressionConfig(**regression["config"]))
            table._load_state(regression["state"], device="cpu")
            regression = table
        arrays = {key: value.numpy() if torch.is_tensor(value) else value for key, value in state.items()}
        return cls(**arrays, transitions=transitions, regression=regression)


@dataclass(frozen=True)
class CountsOverTime:
    """Training interactions in time order, to count each item's interactions before a moment."""

    times: np.ndarray  # [n] float64 epoch seconds, ascending
    items: np.ndarray  # [n] int64 item indices, in the same order

    @classmethod
    def of(cls, sequences: Sequence[Any]) -> CountsOverTime:
        """From ``UserSequence``-like objects (``items``, ``timestamps``)."""
        if not sequences:
            return cls(np.zeros(0), np.zeros(0, dtype=np.int64))
        times = np.concatenate([np.asarray(s.timestamps, dtype=np.float64) for s in sequences])
        items = np.concatenate([np.asarray(s.items, dtype=np.int64) for s in sequences])
        order = np.argsort(times, kind="stable")
        return cls(times[order], items[order])

    def counts_before(self, moment: float, width: int) -> np.ndarray:
        """``[width]`` interactions of each item index strictly before ``moment``."""
        upto = int(np.searchsorted(self.times, moment, side="left"))
        return np.bincount(self.items[:upto], minlength=width)[:width]


def _popularity(counts: np.ndarray) -> np.ndarray:
    """log(1 + count) standardised over the catalogue; entry 0 (padding) is 0."""
    logs = np.log1p(np.asarray(counts, dtype=np.float64))
    popularity = np.zeros_like(logs)
    popularity[1:] = (logs[1:] - logs[1:].mean()) / (logs[1:].std() + 1e-6)
    return popularity


def _covisit_value(scores: np.ndarray) -> np.ndarray:
    """The ``covisit`` feature before standardisation: log(1 + 100 s) of the non-negative co-visitation sum."""
    return np.log1p(COVISIT_SCALE * np.maximum(scores, 0.0).astype(np.float64))


def _regression_value(scores: np.ndarray) -> np.ndarray:
    return np.asarray(scores, dtype=np.float64)


def _read_at(history: History) -> float:
    """Epoch seconds the history is read at (its ``now``, else its newest timestamp); NaN when unknown."""
    if history.now is not None:
        return float(history.now)
    if history.timestamps is not None and len(history.timestamps):
        return float(history.timestamps[-1])
    return float("nan")


def _optimise(
    x: np.ndarray,
    allowed: np.ndarray,
    positive: np.ndarray,
    neutral: np.ndarray,
    config: AffinityConfig,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Weights minimising the cross-entropy of the positives plus an L2 pull towards ``neutral`` (convex)."""
    features = torch.from_numpy(np.ascontiguousarray(x))
    mask = torch.from_numpy(~allowed)
    labels = torch.from_numpy(positive)
    anchor = torch.from_numpy(neutral)
    weights = torch.tensor(start if start is not None else neutral, dtype=torch.float32, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights], max_iter=config.max_iterations, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        logits = (features @ weights).masked_fill(mask, float("-inf"))
        loss = F.cross_entropy(logits, labels) + config.l2 * ((weights - anchor) ** 2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return weights.detach().numpy().astype(np.float32)


def _standardised(scores: np.ndarray) -> np.ndarray:
    """Each row minus its mean, over its standard deviation; ``[B, N + 1]`` in, ``[B, N]`` out (column 0 dropped)."""
    body = scores[:, 1:]
    return (body - body.mean(1, keepdims=True)) / (body.std(1, keepdims=True) + 1e-6)


def _ndcg_at_10(scores: np.ndarray, allowed: np.ndarray, positive: np.ndarray) -> float:
    """Mean NDCG@10 of each row's positive column among its allowed columns (ties count against it)."""
    if not len(scores):
        return 0.0
    rows = np.arange(len(scores))
    target = scores[rows, positive][:, None]
    above = (scores >= target) & allowed
    above[rows, positive] = False
    ranks = above.sum(1)
    return float(np.mean(np.where(ranks < 10, 1.0 / np.log2(ranks + 2.0), 0.0)))

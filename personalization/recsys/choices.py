"""Logged choices: a list a visitor saw, and the card they clicked in it.

Next-item targets say what a visitor looked at next, but what they could look at was what the
site showed them, mostly what was popular. A click among the cards of one list, with the card's
position known, says which of the things shown they preferred: the data a second-stage ranker
learns taste from without learning the old ranking's exposure bias.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.base import History


@dataclass(frozen=True)
class Choice:
    """A list of product cards a visitor saw, and the card they clicked in it."""

    user_id: Hashable  # the same unit as the interaction rows' user_id
    timestamp: float  # epoch seconds of the click
    shown: tuple[tuple[Hashable, int], ...]  # (raw item id, 1-based position) of each card seen
    clicked: Hashable  # raw item id of the clicked card


@dataclass(frozen=True)
class ChoiceSet:
    """Choices in array form over a data set's item indices, cut to the cards the visitor examined.

    Visitors read a list top-down and click the first card that attracts them (a cascade), so
    the cards down to the clicked one were examined and all but it passed over; the cards
    after it may never have been looked at and are left out.
    """

    histories: tuple[History, ...]  # what the visitor had done before the list
    candidates: np.ndarray  # [n, C] item indices of the examined cards, 0 = padding
    positions: np.ndarray  # [n, C] float32 1-based positions, 0 = padding
    clicked: np.ndarray  # [n] column of the clicked card

    def __len__(self) -> int:
        return len(self.clicked)


def choices_index(dataset: InteractionDataset, choices: Iterable[Choice], *, max_cards: int = 24) -> ChoiceSet:
    """Choices made inside ``dataset``'s time span by visitors it knows something of, with their history.

    Left out: a visitor with no interaction before the list (no taste to learn from); a list
    later than the visitor's last interaction in ``dataset`` (when ``dataset`` is a training
    split, that is where the held-out targets are); cards of unknown items; a click on a card
    that is not among the known cards shown.
    """
    sequences = {seq.user_id: seq for seq in dataset.sequences}
    index = dataset.item_index
    histories: list[History] = []
    rows: list[list[tuple[int, int]]] = []
    clicked: list[int] = []
    for choice in choices:
        seq = sequences.get(choice.user_id)
        if seq is None or choice.timestamp > seq.timestamps[-1]:
            continue
        before = seq.timestamps < choice.timestamp
        if not before.any():
            continue
        cards = sorted({(index.index_of(item), int(pos)) for item, pos in choice.shown}, key=lambda c: c[1])
        cards = [card for card in cards if card[0] > 0][:max_cards]
        target = index.index_of(choice.clicked)
        column = next((i for i, (item, _) in enumerate(cards) if item == target), None)
        if column is None:
            continue
        cards = cards[: column + 1]
        histories.append(History(seq.items[before], seq.events[before], seq.timestamps[before]))
        rows.append(cards)
        clicked.append(column)
    width = max((len(r) for r in rows), default=1)
    candidates = np.zeros((len(rows), width), dtype=np.int64)
    positions = np.zeros((len(rows), width), dtype=np.float32)
    for r, cards in enumerate(rows):
        candidates[r, : len(cards)] = [item for item, _ in cards]
        positions[r, : len(cards)] = [pos for _, pos in cards]
    return ChoiceSet(tuple(histories), candidates, positions, np.asarray(clicked, dtype=np.int64))

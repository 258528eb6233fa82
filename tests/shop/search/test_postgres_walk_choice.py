"""Which one-word queries take their newest head matches by walking the index, by the catalogue's size."""

import pytest

from shop.search.backends.postgres import walks_newest_first


@pytest.mark.parametrize(
    ("share", "products", "walks"),
    [
        (0.11, 600, True),  # the demo store's `phone`: a tenth of the products or more always walks
        (0.08, 600, False),
        (0.99, 3_000, True),
        (0.08, 100_000, False),  # 16,000 bitmap entries cost less than 5,000 walked documents
        (0.15, 100_000, True),
        (0.082, 1_000_000, True),  # `camera` at 1M: 164,000 entries (41 ms) against about 4,900 documents (12 ms)
        (0.012, 1_000_000, False),  # `soundbar` at 1M: 24,000 entries against 33,000 documents (153 ms)
        (0.0, 1_000_000, False),  # a query of several words (no share)
    ],
)
def test_a_word_walks_where_its_walk_reads_less_than_its_bitmap(share, products, walks):
    assert walks_newest_first(share, products) is walks

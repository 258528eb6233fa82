"""Small synthetic data sets for the Django-free recommender package; nothing here needs a database."""

import numpy as np
import pytest
import torch

from personalization.recsys.data import build_dataset

DAY = 86400.0


def pair_sequences(n_users: int = 120, n_pairs: int = 10, length: int = 16, seed: int = 0) -> list[tuple]:
    """Rows where item ``a`` (an odd id) is always followed by its partner ``a + 1``.

    Each user alternates: a random odd item, its partner, another random odd item, ...
    """
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(n_users):
        t = 1_700_000_000.0 + user * DAY
        for step in range(length // 2):
            first = int(rng.integers(0, n_pairs)) * 2 + 1
            rows.append((f"u{user}", first, t + 2 * step * 60, "view"))
            rows.append((f"u{user}", first + 1, t + (2 * step + 1) * 60, "view"))
    return rows


@pytest.fixture(scope="session")
def pair_rows() -> list[tuple]:
    return pair_sequences()


@pytest.fixture(scope="session")
def pair_dataset(pair_rows):
    return build_dataset(pair_rows)


@pytest.fixture
def tiny_rows() -> list[tuple]:
    """Three users over items a..e, one minute apart."""
    return [
        ("u1", "a", 60, "view"),
        ("u1", "b", 120, "view"),
        ("u1", "c", 180, "purchase"),
        ("u1", "d", 240, "view"),
        ("u2", "a", 60, "view"),
        ("u2", "b", 120, "add_to_cart"),
        ("u2", "e", 180, "view"),
        ("u3", "b", 60, "view"),
        ("u3", "c", 120, "view"),
        ("u3", "a", 180, "view"),
    ]


@pytest.fixture(autouse=True, scope="package")
def _one_torch_thread():
    # Tiny models gain nothing from intra-op threads, and on a busy 2-core machine they spin and
    # wait for each other; restore the setting so other test packages keep theirs.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)

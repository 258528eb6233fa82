"""Thompson sampling for experiments with `bandit` on: new traffic moves towards the variant that converts best.

Each variant's conversion rate has a Beta(1 + converters, 1 + units - converters) posterior;
the share of seeded posterior draws in which a variant is best becomes its weight, floored
so that no variant starves (its estimate must keep improving), in whole percent summing to 100.
"""

from __future__ import annotations

import numpy as np

from personalization.experiments.assignment import WEIGHT_TOTAL
from personalization.experiments.models import Allocation, Experiment
from personalization.experiments.selectors import experiment_aggregates
from personalization.experiments.services import allocation_record

DRAWS = 20_000
MIN_WEIGHT = 5  # percent


def chance_best(successes: list[int], trials: list[int], *, draws: int = DRAWS, seed: int = 0) -> list[float]:
    rng = np.random.default_rng(seed)
    samples = np.stack([rng.beta(1 + s, 1 + max(0, n - s), size=draws) for s, n in zip(successes, trials, strict=True)])
    winners = samples.argmax(axis=0)
    return [float((winners == index).mean()) for index in range(len(successes))]


def weights_from_chances(chances: list[float], *, floor: int = MIN_WEIGHT) -> list[int]:
    """Whole percents summing to 100, each at least `floor`, otherwise proportional to the chances."""
    spare = WEIGHT_TOTAL - floor * len(chances)
    raw = [floor + spare * chance for chance in chances]
    weights = [int(value) for value in raw]
    # Hand the rounding remainder to the largest fractional parts.
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - weights[i], reverse=True)[
        : WEIGHT_TOTAL - sum(weights)
    ]:
        weights[index] += 1
    return weights


def bandit_reallocate(*, experiment: Experiment, seed: int = 0) -> Allocation:
    variants = list(experiment.variants.all())
    totals = experiment_aggregates(experiment=experiment).totals
    chances = chance_best(
        [totals[v.pk].converters for v in variants], [totals[v.pk].units for v in variants], seed=seed
    )
    weights = weights_from_chances(chances)
    return allocation_record(
        experiment=experiment,
        weights={v.key: w for v, w in zip(variants, weights, strict=True)},
        chance_best={v.key: round(c, 4) for v, c in zip(variants, chances, strict=True)},
    )

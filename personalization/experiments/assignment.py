"""Which variant a unit sees: a pure function of a hash, with the reason for the answer.

A unit is the signed-in user ("u:<id>") or else the visitor ("v:<visitor_id>"): the key of
personalization.shopper.Unit, hashed exactly as it reads, so nobody's bucket depends on this code.
sha256(salt, experiment key, unit) picks one of 10,000 buckets; variant weights are
percentages (integers summing to 100) laid end to end over those buckets, each percent
being 100 buckets. Whether a unit is in the experiment at all is decided by a second,
independent hash against the traffic share, so raising the share only lets new units
in: nobody already in moves to another variant.

Nothing here touches the database or the request; `decisions.py` gathers the inputs
(forced variant, earlier exposure, device...) and this module decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

BUCKETS = 10_000
WEIGHT_TOTAL = 100
BUCKETS_PER_WEIGHT = BUCKETS // WEIGHT_TOTAL

ASSIGNED = "assigned"
FORCED = "forced"
STICKY = "sticky"  # the unit was already exposed: it keeps that variant whatever the weights say now
CARRIED_OVER = "carried_over"  # a user inherits the variant their visitor id saw before signing in
NOT_IN_TRAFFIC = "not_in_traffic"
NOT_RUNNING = "experiment_not_running"
TARGETING_MISMATCH = "targeting_mismatch"
NO_UNIT = "no_unit"
NO_EXPERIMENT = "no_experiment"
ERROR = "error"
IN_EXPERIMENT_REASONS = frozenset({ASSIGNED, FORCED, STICKY, CARRIED_OVER})
# A forced variant is a member of staff checking a page, not a shopper: never counted.
EXPOSED_REASONS = frozenset({ASSIGNED, STICKY, CARRIED_OVER})


@dataclass(frozen=True)
class VariantSpec:
    key: str
    weight: int
    is_control: bool
    config: Mapping = field(default_factory=dict, hash=False)
    id: int | None = None


@dataclass(frozen=True)
class Targeting:
    device: str = "any"  # any, mobile, desktop
    visitors: str = "any"  # any, new, returning
    segment: str = ""  # empty: everyone; else a key of decisions.SEGMENTS


@dataclass(frozen=True)
class ExperimentSpec:
    """What assignment needs to know of an experiment; cached, so it must stay small and picklable."""

    id: int
    key: str
    surface: str
    status: str
    salt: str
    traffic_percent: int
    variants: tuple[VariantSpec, ...]
    targeting: Targeting = Targeting()

    @property
    def is_running(self) -> bool:
        return self.status == "running"

    @property
    def control(self) -> VariantSpec | None:
        return next((v for v in self.variants if v.is_control), self.variants[0] if self.variants else None)

    def variant(self, key: str) -> VariantSpec | None:
        return next((v for v in self.variants if v.key == key), None)


@dataclass(frozen=True)
class UnitContext:
    unit_id: str | None  # a shopper.Unit key; None for nobody known
    device: str = "desktop"
    is_returning: bool = False
    segments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Assignment:
    experiment_key: str
    surface: str
    variant: str | None  # None: not in the experiment; `config` is then the control's (or the default)
    config: Mapping = field(hash=False)
    reason: str
    bucket: int | None = None
    is_control: bool = False
    shown: str = ""  # the variant whose config is shown: `variant`, else the control's key, else ""

    @property
    def in_experiment(self) -> bool:
        return self.reason in IN_EXPERIMENT_REASONS

    @property
    def counts_as_exposure(self) -> bool:
        return self.reason in EXPOSED_REASONS

    @property
    def key(self) -> str:
        """The variant key templates compare with; the control's key when the unit is not in the experiment."""
        return self.shown


def _hash_bucket(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % BUCKETS


def variant_bucket(*, salt: str, experiment_key: str, unit_id: str) -> int:
    return _hash_bucket(f"{salt}:{experiment_key}:{unit_id}")


def traffic_bucket(*, salt: str, experiment_key: str, unit_id: str) -> int:
    return _hash_bucket(f"traffic:{salt}:{experiment_key}:{unit_id}")


def variant_for_bucket(variants: tuple[VariantSpec, ...], bucket: int) -> VariantSpec | None:
    upper = 0
    for variant in variants:
        upper += variant.weight * BUCKETS_PER_WEIGHT
        if bucket < upper:
            return variant
    return None


def targeting_matches(targeting: Targeting, unit: UnitContext) -> bool:
    if targeting.device != "any" and targeting.device != unit.device:
        return False
    if targeting.visitors == "new" and unit.is_returning:
        return False
    if targeting.visitors == "returning" and not unit.is_returning:
        return False
    return not targeting.segment or targeting.segment in unit.segments


def _result(experiment: ExperimentSpec, variant: VariantSpec | None, reason: str, bucket: int | None) -> Assignment:
    shown = variant or experiment.control
    return Assignment(
        experiment_key=experiment.key,
        surface=experiment.surface,
        variant=variant.key if variant else None,
        config=dict(shown.config) if shown else {},
        reason=reason,
        bucket=bucket,
        is_control=bool(shown and shown.is_control),
        shown=shown.key if shown else "",
    )


def assign(
    experiment: ExperimentSpec,
    unit: UnitContext,
    *,
    forced_variant: str | None = None,
    prior_variant: str | None = None,
    prior_reason: str = STICKY,
) -> Assignment:
    """The variant `unit` sees in `experiment`, and why.

    Order: not running, forced (staff QA), an earlier exposure (sticky, or carried over from
    the visitor at login), targeting, traffic share, then the weighted bucket.
    """
    if not experiment.is_running:
        return _result(experiment, None, NOT_RUNNING, None)
    if forced_variant and (forced := experiment.variant(forced_variant)) is not None:
        return _result(experiment, forced, FORCED, None)
    if unit.unit_id is None:
        return _result(experiment, None, NO_UNIT, None)
    if prior_variant and (prior := experiment.variant(prior_variant)) is not None:
        return _result(experiment, prior, prior_reason, None)
    if not targeting_matches(experiment.targeting, unit):
        return _result(experiment, None, TARGETING_MISMATCH, None)
    ids = {"salt": experiment.salt, "experiment_key": experiment.key, "unit_id": unit.unit_id}
    if traffic_bucket(**ids) >= experiment.traffic_percent * BUCKETS_PER_WEIGHT:
        return _result(experiment, None, NOT_IN_TRAFFIC, None)
    bucket = variant_bucket(**ids)
    variant = variant_for_bucket(experiment.variants, bucket)
    if variant is None:  # weights below 100: the rest of the buckets see the control, uncounted
        return _result(experiment, None, NOT_IN_TRAFFIC, bucket)
    return _result(experiment, variant, ASSIGNED, bucket)


def default_assignment(*, surface: str, config: Mapping, reason: str) -> Assignment:
    return Assignment(experiment_key="", surface=surface, variant=None, config=dict(config), reason=reason)

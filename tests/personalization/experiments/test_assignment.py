"""Assignment is a pure function of a hash: pinned buckets, stable when traffic grows, reasons."""

from collections import Counter

import pytest

from personalization.experiments import assignment
from personalization.experiments.assignment import ExperimentSpec, Targeting, UnitContext, VariantSpec, assign

VARIANTS = (
    VariantSpec("grid", 50, True, {"layout": "grid"}),
    VariantSpec("editorial", 50, False, {"layout": "editorial"}),
)


def spec(**overrides) -> ExperimentSpec:
    fields = dict(
        id=1, key="home-layout", surface="home_layout", status="running", salt="s1", traffic_percent=100,
        variants=VARIANTS,
    )  # fmt: skip
    fields.update(overrides)
    return ExperimentSpec(**fields)


@pytest.mark.parametrize(
    "unit_id, variant_bucket, traffic_bucket",
    [
        ("u:1", 279, 5946),
        ("u:42", 4998, 6595),
        ("v:abc123", 4066, 2464),
        ("v:app-00000000000000000000000000000001", 925, 5193),
    ],
)
def test_buckets_of_fixed_units_are_pinned(unit_id, variant_bucket, traffic_bucket):
    # If this fails, a refactor changed the hash and would reshuffle every running experiment.
    ids = {"salt": "s1", "experiment_key": "home-layout", "unit_id": unit_id}
    assert assignment.variant_bucket(**ids) == variant_bucket
    assert assignment.traffic_bucket(**ids) == traffic_bucket


def test_pinned_units_get_pinned_variants():
    assert assign(spec(), UnitContext("u:1")).variant == "grid"  # bucket 279 < 5000
    assert assign(spec(), UnitContext("u:42")).variant == "grid"  # bucket 4998 < 5000
    assert assign(spec(), UnitContext("v:abc123")).variant == "grid"
    uneven = spec(variants=(VariantSpec("a", 40, True), VariantSpec("b", 60, False)))
    assert assign(uneven, UnitContext("u:42")).variant == "b"  # bucket 4998 is past a's 4000


def test_result_is_frozen_and_says_why():
    result = assign(spec(), UnitContext("u:1"))
    assert result.reason == assignment.ASSIGNED and result.in_experiment and result.counts_as_exposure
    assert result.config == {"layout": "grid"}
    with pytest.raises(AttributeError):
        result.variant = "editorial"


def test_raising_traffic_keeps_every_unit_in_its_variant():
    units = [f"v:{n}" for n in range(3000)]
    before = {u: assign(spec(traffic_percent=20), UnitContext(u)) for u in units}
    after = {u: assign(spec(traffic_percent=60), UnitContext(u)) for u in units}
    for unit, result in before.items():
        if result.in_experiment:
            assert after[unit].variant == result.variant, f"{unit} moved from {result.variant} to {after[unit].variant}"
    share_before = sum(r.in_experiment for r in before.values()) / len(units)
    share_after = sum(r.in_experiment for r in after.values()) / len(units)
    assert 0.17 < share_before < 0.23 and 0.57 < share_after < 0.63


def test_units_outside_the_traffic_see_the_control_and_are_not_counted():
    result = assign(spec(traffic_percent=0), UnitContext("u:1"))
    assert result.reason == assignment.NOT_IN_TRAFFIC
    assert result.variant is None and result.key == "grid" and result.config == {"layout": "grid"}
    assert not result.counts_as_exposure


def test_weights_split_units_in_proportion():
    variants = (VariantSpec("a", 20, True), VariantSpec("b", 30, False), VariantSpec("c", 50, False))
    counts = Counter(assign(spec(variants=variants), UnitContext(f"v:{n}")).variant for n in range(20_000))
    assert abs(counts["a"] / 20_000 - 0.2) < 0.015
    assert abs(counts["b"] / 20_000 - 0.3) < 0.015
    assert abs(counts["c"] / 20_000 - 0.5) < 0.015


def test_salt_and_key_change_the_bucket():
    assert assignment.variant_bucket(salt="s1", experiment_key="x", unit_id="u:1") != assignment.variant_bucket(
        salt="s2", experiment_key="x", unit_id="u:1"
    )


def test_reasons_in_order():
    assert assign(spec(status="paused"), UnitContext("u:1")).reason == assignment.NOT_RUNNING
    assert assign(spec(), UnitContext("u:1"), forced_variant="editorial").reason == assignment.FORCED
    assert assign(spec(), UnitContext("u:1"), forced_variant="nope").reason == assignment.ASSIGNED
    assert assign(spec(), UnitContext(None)).reason == assignment.NO_UNIT
    sticky = assign(spec(), UnitContext("u:1"), prior_variant="editorial")
    assert (sticky.reason, sticky.variant) == (assignment.STICKY, "editorial")
    mobile_only = spec(targeting=Targeting(device="mobile"))
    assert assign(mobile_only, UnitContext("u:1", device="desktop")).reason == assignment.TARGETING_MISMATCH
    assert assign(mobile_only, UnitContext("u:1", device="mobile")).reason == assignment.ASSIGNED
    returning = spec(targeting=Targeting(visitors="returning"))
    assert assign(returning, UnitContext("u:1", is_returning=False)).reason == assignment.TARGETING_MISMATCH
    signed_in = spec(targeting=Targeting(segment="signed_in"))
    assert assign(signed_in, UnitContext("u:1", segments=frozenset({"signed_in"}))).in_experiment


def test_forced_variant_is_never_counted_as_an_exposure():
    assert not assign(spec(), UnitContext("u:1"), forced_variant="editorial").counts_as_exposure

"""Every write of the experiments app: lifecycle, variants, exposures, bandit allocations.

Bad input is refused with a ValidationError whose message says what to do instead, so the
admin, the API and tests all show the same words.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from personalization.experiments import assignment as reasons
from personalization.experiments.assignment import WEIGHT_TOTAL, Assignment, ExperimentSpec, UnitContext
from personalization.experiments.decisions import (
    REMEMBERED_SECONDS,
    assignment_for_request,
    remembered_exposure_key,
    request_state,
    spec_for,
)
from personalization.experiments.models import Allocation, Experiment, Exposure, Variant
from personalization.experiments.selectors import forget_running_experiments
from personalization.experiments.surfaces import validate_config
from personalization.shopper import USER_PREFIX, Unit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VariantDraft:
    key: str
    weight: int
    is_control: bool
    config: Mapping


def variants_validate(*, surface: str, variants: Iterable[VariantDraft]) -> None:
    """Two or more variants, distinct keys, one control, weights summing to 100, configs the surface knows."""
    variants = list(variants)
    errors = []
    if len(variants) < 2:
        errors.append("An experiment needs at least two variants (a control and a challenger).")
    keys = [v.key for v in variants]
    if len(set(keys)) != len(keys):
        errors.append("Variant keys must be distinct.")
    controls = sum(1 for v in variants if v.is_control)
    if controls != 1:
        errors.append(f"Exactly one variant must be the control (found {controls}).")
    total = sum(v.weight for v in variants)
    if variants and total != WEIGHT_TOTAL:
        errors.append(f"Variant weights are percentages and must sum to {WEIGHT_TOTAL} (they sum to {total}).")
    for variant in variants:
        try:
            validate_config(surface, variant.config)
        except ValidationError as error:
            errors.extend(f"Variant {variant.key!r}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)


def _drafts(experiment: Experiment) -> list[VariantDraft]:
    return [VariantDraft(v.key, v.weight, v.is_control, v.config) for v in experiment.variants.all()]


def _changed(experiment: Experiment, *fields: str) -> None:
    experiment.save(update_fields=[*fields, "updated_at"])
    transaction.on_commit(forget_running_experiments)
    forget_running_experiments()


@transaction.atomic
def experiment_start(*, experiment: Experiment) -> Experiment:
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status == Experiment.Status.RUNNING:
        return experiment
    if experiment.status == Experiment.Status.STOPPED:
        raise ValidationError("A stopped experiment cannot restart; copy it into a new one.")
    variants_validate(surface=experiment.surface, variants=_drafts(experiment))
    clash = Experiment.objects.filter(status=Experiment.Status.RUNNING, surface=experiment.surface).first()
    if clash is not None:
        raise ValidationError(
            f"Experiment {clash.key!r} is already running on {experiment.get_surface_display().lower()}; "
            "pause or stop it first."
        )
    experiment.status = Experiment.Status.RUNNING
    experiment.started_at = experiment.started_at or timezone.now()
    try:
        with transaction.atomic():
            _changed(experiment, "status", "started_at")
    except IntegrityError as error:  # another start won the race for this surface
        raise ValidationError("Another experiment was just started on this surface.") from error
    return experiment


def experiment_pause(*, experiment: Experiment) -> Experiment:
    if experiment.status != Experiment.Status.RUNNING:
        raise ValidationError("Only a running experiment can be paused.")
    experiment.status = Experiment.Status.PAUSED
    _changed(experiment, "status")
    return experiment


def experiment_stop(*, experiment: Experiment) -> Experiment:
    if experiment.status == Experiment.Status.STOPPED:
        return experiment
    experiment.status = Experiment.Status.STOPPED
    experiment.ended_at = timezone.now()
    _changed(experiment, "status", "ended_at")
    return experiment


def experiment_set_traffic(*, experiment: Experiment, traffic_percent: int) -> Experiment:
    """Allowed while running: units already in keep their variant, new units join (see assignment.py)."""
    if not 0 <= traffic_percent <= 100:
        raise ValidationError("The traffic share is a percentage between 0 and 100.")
    experiment.traffic_percent = traffic_percent
    _changed(experiment, "traffic_percent")
    return experiment


def variant_weights_update(*, experiment: Experiment, weights: Mapping[str, int]) -> None:
    if experiment.status == Experiment.Status.RUNNING:
        raise ValidationError(
            "The weights of a running experiment cannot change: shoppers would move between variants and the "
            "results would mix two splits. Pause it, or stop it and start a new one (or turn on the bandit)."
        )
    _weights_write(experiment=experiment, weights=weights)


def _weights_write(*, experiment: Experiment, weights: Mapping[str, int]) -> None:
    variants = list(experiment.variants.all())
    if set(weights) != {v.key for v in variants}:
        raise ValidationError("Give a weight for every variant and nothing else.")
    drafts = [VariantDraft(v.key, int(weights[v.key]), v.is_control, v.config) for v in variants]
    variants_validate(surface=experiment.surface, variants=drafts)
    for variant in variants:
        variant.weight = int(weights[variant.key])
    Variant.objects.bulk_update(variants, ["weight"])
    forget_running_experiments()


@transaction.atomic
def allocation_record(*, experiment: Experiment, weights: Mapping[str, int], chance_best: Mapping[str, float]):
    """The bandit's re-allocation: the one path that may move the weights of a running experiment.

    Units already exposed keep their variant (assignment reads their exposure first), so only
    new units follow the new weights.
    """
    _weights_write(experiment=experiment, weights=weights)
    return Allocation.objects.create(experiment=experiment, weights=dict(weights), chance_best=dict(chance_best))


def exposure_record(
    *,
    experiment: ExperimentSpec,
    variant_key: str,
    unit: UnitContext,
    user_id: int | None,
    visitor_id: str | None,
    carried_from: str = "",
) -> None:
    """The unit's first exposure to the experiment; if one is stored already, nothing changes.

    One INSERT that skips a conflict on (experiment, unit): cheap enough for a page render,
    and safe when two tabs render at once.
    """
    variant = experiment.variant(variant_key)
    if variant is None or unit.unit_id is None:
        raise ValidationError(f"Experiment {experiment.key!r} has no variant {variant_key!r}.")
    is_user = unit.unit_id.startswith(USER_PREFIX)
    exposure = Exposure(
        experiment_id=experiment.id,
        variant_id=variant.id,
        unit_id=unit.unit_id,
        unit_type=Exposure.UnitType.USER if is_user else Exposure.UnitType.VISITOR,
        user_id=user_id if is_user else None,
        visitor_id="" if is_user else (visitor_id or ""),
        device=unit.device,
        exposed_at=timezone.now(),
        carried_from=carried_from,
    )
    Exposure.objects.bulk_create([exposure], ignore_conflicts=True)


def exposure_log(*, request: HttpRequest | None, assignment: Assignment) -> bool:
    """Record that this request's unit is being shown its variant; true when it is the unit's first exposure.

    Called by the code that shows the variant (a template tag, the listing ranker, an API view),
    never by the code that decides it. Once per experiment per request; never raises.
    """
    if request is None:
        return False
    try:
        state = request_state(request)
        spec = spec_for(assignment.experiment_key)
        if spec is None or not assignment.counts_as_exposure or not state.recordable or spec.id in state.exposed:
            return False
        state.exposed.add(spec.id)
        exposure_record(
            experiment=spec,
            variant_key=assignment.variant,
            unit=state.unit,
            user_id=state.user_id,
            visitor_id=state.visitor_id,
            carried_from=state.visitor_unit if assignment.reason == reasons.CARRIED_OVER else "",
        )
        return True
    except Exception:
        logger.exception("Could not log the exposure to %s", assignment.experiment_key)
        return False


def exposure_log_remembered(*, request: HttpRequest | None, assignment: Assignment, remembered: bool) -> None:
    """exposure_log for a surface every page asks (decisions.assignment_for_every_page), then remember the unit.

    The unit's exposure (its variant, or "" while it has none) is kept in the cache, so its next pages
    assign without reading exposures. Never raises.
    """
    if request is None or remembered or not assignment.experiment_key:
        return
    try:
        state = request_state(request)
        spec = spec_for(assignment.experiment_key)
        if spec is None or state.unit.unit_id is None or assignment.reason == reasons.FORCED:
            return
        exposure_log(request=request, assignment=assignment)
        exposed = assignment.variant if assignment.counts_as_exposure and state.recordable else ""
        cache.set(remembered_exposure_key(spec, state.unit.unit_id), exposed, REMEMBERED_SECONDS)
    except Exception:
        logger.exception("Could not remember the exposure to %s", assignment.experiment_key)


def ranker_exposure_log(*, request: HttpRequest | None, has_history: bool) -> bool:
    """A ranked list is being shown: the ranker experiment's exposure, once the arms can differ.

    Triggered analysis: a shopper without any history gets the same popularity order from a
    "popularity" and a "model" arm, so counting them would only dilute the lift; a pinned
    "model_version:<id>" arm scores even an empty history, so it triggers at once.
    """
    if request is None:
        return False
    assignment = assignment_for_request(request, "ranker")
    if not assignment.in_experiment:
        return False
    if has_history or str(assignment.config.get("ranker")).startswith("model_version:"):
        return exposure_log(request=request, assignment=assignment)
    return False


def exposures_carry_over(*, user_id: int, visitor_id: str) -> int:
    """At login: the user keeps each variant their visitor id already saw, unless they saw one themselves.

    Stored as the user's exposure with `carried_from`, so the choice survives the visitor id
    and results still count the person once (as the visitor unit). Returns how many were carried.
    """
    visitor_unit = Unit.for_visitor(visitor_id).key
    seen = Exposure.objects.filter(
        unit_id=visitor_unit, experiment__status=Experiment.Status.RUNNING, carried_from=""
    ).values_list("experiment_id", "variant_id", "device")
    now = timezone.now()
    carried = [
        Exposure(
            experiment_id=experiment_id,
            variant_id=variant_id,
            unit_id=Unit.for_user(user_id).key,
            unit_type=Exposure.UnitType.USER,
            user_id=user_id,
            device=device,
            exposed_at=now,
            carried_from=visitor_unit,
        )
        for experiment_id, variant_id, device in seen
    ]
    if carried:
        Exposure.objects.bulk_create(carried, ignore_conflicts=True)
    return len(carried)

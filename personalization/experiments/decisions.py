"""The variants a request sees: gathers the inputs of `assignment.assign` and logs exposures.

Used by the template tags, the API and the serving layer, so one shopper gets the same
answer everywhere. Per request: the running experiments come from a 30-second cache and
the unit's earlier exposures from one query; the answers are memoized on the request.

Login rule: a signed-in user's unit is "u:<id>". If that user has no exposure of their own
in an experiment but the visitor id they browse with has one, they keep the visitor's
variant (reason "carried_over"); that choice is stored as the user's exposure with
`carried_from`, so it holds on other devices, and results count the person once.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest

from personalization.experiments import assignment as reasons
from personalization.experiments.assignment import (
    Assignment,
    ExperimentSpec,
    UnitContext,
    assign,
    default_assignment,
    device_for_user_agent,
    unit_id_for,
)
from personalization.experiments.models import Exposure
from personalization.experiments.segments import segments_of
from personalization.experiments.selectors import running_experiment_specs
from personalization.experiments.services import exposure_record
from personalization.experiments.surfaces import SURFACES, default_config
from personalization.tracking.identity import request_user_id, visitor_id_from_request

logger = logging.getLogger(__name__)

FORCE_PARAMETER_PREFIX = "exp_"
STATE_ATTRIBUTE = "_experiments_state"


class _RequestState:
    def __init__(self, request: HttpRequest):
        self.user_id = request_user_id(request)
        self.visitor_id = getattr(request, "visitor_id", None) or visitor_id_from_request(request)
        self.unit = UnitContext(
            unit_id=unit_id_for(user_id=self.user_id, visitor_id=self.visitor_id),
            device=device_for_user_agent(request.META.get("HTTP_USER_AGENT", "")),
            is_returning=self.user_id is not None or visitor_id_from_request(request) is not None,
            segments=segments_of(request),
        )
        self.visitor_unit = f"v:{self.visitor_id}" if self.user_id is not None and self.visitor_id else None
        self.recordable = bool(getattr(request, "tracking", True))
        self.forced = forced_variants(request)
        self.assignments: dict[str, Assignment] | None = None
        self.exposed: set[int] = set()


def forced_variants(request: HttpRequest) -> dict[str, str]:
    """?exp_<key>=<variant> from staff, for QA; everybody else's parameters are ignored."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    return {
        name[len(FORCE_PARAMETER_PREFIX) :]: value
        for name, value in request.GET.items()
        if name.startswith(FORCE_PARAMETER_PREFIX) and value
    }


def _state(request: HttpRequest) -> _RequestState:
    state = getattr(request, STATE_ATTRIBUTE, None)
    if state is None:
        state = _RequestState(request)
        setattr(request, STATE_ATTRIBUTE, state)
    return state


def unit_for_request(request: HttpRequest) -> UnitContext:
    return _state(request).unit


def _prior_exposures(specs: tuple[ExperimentSpec, ...], unit_ids: list[str]) -> dict[tuple[int, str], int]:
    if not specs or not unit_ids:
        return {}
    rows = Exposure.objects.filter(experiment_id__in=[s.id for s in specs], unit_id__in=unit_ids).values_list(
        "experiment_id", "unit_id", "variant_id"
    )
    return {(experiment_id, unit_id): variant_id for experiment_id, unit_id, variant_id in rows}


def _variant_key(spec: ExperimentSpec, variant_id: int | None) -> str | None:
    return next((v.key for v in spec.variants if v.id == variant_id), None)


def assignments_for_request(request: HttpRequest) -> dict[str, Assignment]:
    """The unit's assignment in every running experiment, by experiment key (one query at most)."""
    state = _state(request)
    if state.assignments is not None:
        return state.assignments
    specs = running_experiment_specs()
    unit = state.unit
    prior = _prior_exposures(specs, [u for u in (unit.unit_id, state.visitor_unit) if u])
    state.assignments = {}
    for spec in specs:
        own = _variant_key(spec, prior.get((spec.id, unit.unit_id)))
        if own is not None:
            state.exposed.add(spec.id)
        carried = _variant_key(spec, prior.get((spec.id, state.visitor_unit))) if own is None else None
        state.assignments[spec.key] = assign(
            spec,
            unit,
            forced_variant=state.forced.get(spec.key),
            prior_variant=own or carried,
            prior_reason=reasons.STICKY if own else reasons.CARRIED_OVER,
        )
    return state.assignments


def _spec_for(name: str) -> ExperimentSpec | None:
    specs = running_experiment_specs()
    return next((s for s in specs if s.key == name), None) or next((s for s in specs if s.surface == name), None)


def exposure_log(request: HttpRequest, assignment: Assignment) -> bool:
    """Record that this unit was shown its variant; true when it had no exposure before. Never raises."""
    try:
        state = _state(request)
        spec = _spec_for(assignment.experiment_key)
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


def assignment_for_request(request: HttpRequest | None, name: str, *, log_exposure: bool = True) -> Assignment:
    """The variant this request sees for a surface ("home_layout") or an experiment key; never raises.

    With no running experiment, or on any error, the surface's default config comes back.
    """
    surface = name if name in SURFACES else ""
    try:
        spec = _spec_for(name)
        if spec is None:
            return default_assignment(surface=surface, config=default_config(name), reason=reasons.NO_EXPERIMENT)
        if request is None:
            return assign(spec, UnitContext(unit_id=None))
        assignment = assignments_for_request(request)[spec.key]
        if log_exposure:
            exposure_log(request, assignment)
        return assignment
    except Exception:
        logger.exception("Could not assign a variant of %s", name)
        return default_assignment(surface=surface, config=default_config(name), reason=reasons.ERROR)


def ranker_for_request(request: HttpRequest | None, *, has_history: bool = True) -> str | None:
    """The ranker an experiment picks for this request ("popularity", "model", "model_version:<id>").

    None when no ranker experiment includes the unit: the serving layer then uses its champion.
    Call it when the ranked list is about to be shown: it logs the exposure, but only once the
    arms can differ (triggered analysis). A shopper without any history gets the same popularity
    order from a "popularity" and a "model" arm, so counting them would only dilute the lift;
    a pinned "model_version:<id>" arm scores even an empty history, so it triggers at once.
    """
    assignment = assignment_for_request(request, "ranker", log_exposure=False)
    if not assignment.in_experiment:
        return None
    ranker = assignment.config.get("ranker")
    if request is not None and (has_history or str(ranker).startswith("model_version:")):
        exposure_log(request, assignment)
    return ranker

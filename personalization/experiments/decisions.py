"""The variants a request sees: gathers the inputs of `assignment.assign`; reads only.

Used by the template tags, the API and the serving layer, so one shopper gets the same
answer everywhere. Per request: the running experiments come from a 30-second cache and
the unit's earlier exposures from one query; the answers are memoized on the request.
The code that shows a variant logs the exposure (services.exposure_log).

Login rule: a signed-in user's unit is "u:<id>". If that user has no exposure of their own
in an experiment but the visitor id they browse with has one, they keep the visitor's
variant (reason "carried_over"); that choice is stored as the user's exposure with
`carried_from`, so it holds on other devices, and results count the person once.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.http import HttpRequest

from personalization.experiments import assignment as reasons
from personalization.experiments.assignment import Assignment, ExperimentSpec, UnitContext, assign, default_assignment
from personalization.experiments.models import Exposure
from personalization.experiments.segments import segments_of
from personalization.experiments.selectors import running_experiment_specs
from personalization.experiments.surfaces import SURFACES, default_config
from personalization.shopper import Unit, device_of, is_returning, unit_for, user_id_of, visitor_id_of

logger = logging.getLogger(__name__)

FORCE_PARAMETER_PREFIX = "exp_"
STATE_ATTRIBUTE = "_experiments_state"


class RequestState:
    """A request's unit and its answers, memoized; `exposed` is kept by services.exposure_log."""

    def __init__(self, request: HttpRequest):
        self.user_id = user_id_of(request)
        self.visitor_id = visitor_id_of(request)
        unit = unit_for(user_id=self.user_id, visitor_id=self.visitor_id)
        self.unit = UnitContext(
            unit_id=unit.key if unit else None,
            device=device_of(request),
            is_returning=is_returning(request),
            segments=segments_of(request),
        )
        # A signed-in user may inherit what their browser's visitor id saw (the login rule above).
        self.visitor_unit = (
            Unit.for_visitor(self.visitor_id).key if self.user_id is not None and self.visitor_id else None
        )
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


def request_state(request: HttpRequest) -> RequestState:
    state = getattr(request, STATE_ATTRIBUTE, None)
    if state is None:
        state = RequestState(request)
        setattr(request, STATE_ATTRIBUTE, state)
    return state


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
    state = request_state(request)
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


def spec_for(name: str) -> ExperimentSpec | None:
    """The running experiment with this key, else the one running on this surface."""
    specs = running_experiment_specs()
    return next((s for s in specs if s.key == name), None) or next((s for s in specs if s.surface == name), None)


def assignment_for_request(request: HttpRequest | None, name: str) -> Assignment:
    """The variant this request sees for a surface ("home_layout") or an experiment key; never raises.

    With no running experiment, or on any error, the surface's default config comes back.
    Logs nothing: the code that shows the variant calls services.exposure_log.
    """
    surface = name if name in SURFACES else ""
    try:
        spec = spec_for(name)
        if spec is None:
            return default_assignment(surface=surface, config=default_config(name), reason=reasons.NO_EXPERIMENT)
        if request is None:
            return assign(spec, UnitContext(unit_id=None))
        return assignments_for_request(request)[spec.key]
    except Exception:
        logger.exception("Could not assign a variant of %s", name)
        return default_assignment(surface=surface, config=default_config(name), reason=reasons.ERROR)


# How long a unit's exposure (or its lack of one) is remembered for a surface asked on every page.
REMEMBERED_SECONDS = 6 * 60 * 60


def remembered_exposure_key(spec: ExperimentSpec, unit_id: str) -> str:
    digest = hashlib.sha256(f"{spec.id}:{spec.salt}:{unit_id}".encode()).hexdigest()[:32]
    return f"experiments:exposed:{digest}"


def assignment_for_every_page(request: HttpRequest | None, name: str) -> tuple[Assignment, bool]:
    """Like assignment_for_request, for a surface every page asks (the assistant panel): (assignment, remembered).

    The unit's earlier exposure is the only input assignment reads from the database; here it comes from
    the cache (services.exposure_log_remembered keeps it), so once a unit is remembered the answer costs
    no query. `remembered` is true when the cache answered and nothing is left to log or remember.
    """
    try:
        spec = spec_for(name)
        if spec is None or request is None:
            return assignment_for_request(request, name), True
        state = request_state(request)
        if state.unit.unit_id is None or spec.key in state.forced or state.assignments is not None:
            return assignment_for_request(request, name), False
        # None when forgotten or when Redis is down (the cache fails open): then the exposures are read.
        exposed = cache.get(remembered_exposure_key(spec, state.unit.unit_id))
        if exposed is None:
            return assignment_for_request(request, name), False
        if exposed:
            state.exposed.add(spec.id)
        chosen = assign(spec, state.unit, prior_variant=exposed or None)
        return chosen, bool(exposed) or not chosen.counts_as_exposure
    except Exception:
        logger.exception("Could not assign a variant of %s", name)
        surface = name if name in SURFACES else ""
        return default_assignment(surface=surface, config=default_config(name), reason=reasons.ERROR), True


def ranker_for_request(request: HttpRequest | None) -> str | None:
    """The ranker an experiment picks for this request ("popularity", "model", "model_version:<id>").

    None when no ranker experiment includes the unit: the serving layer then uses its champion.
    The exposure is logged when the ranked list is shown (services.ranker_exposure_log).
    """
    assignment = assignment_for_request(request, "ranker")
    return assignment.config.get("ranker") if assignment.in_experiment else None

"""The closed loop: warm-up traffic, models trained on it, then an experiment popularity vs model.

One population of shoppers lives through both phases, so loyal shoppers come back to the
experiment with the history the model learned from. The experiment starts at the
boundary on the simulated clock; its results are the staff results page's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError

from demo.simulator import reviews
from demo.simulator.clock import simulated_time
from demo.simulator.run import Simulation, events_flush_all
from demo.simulator.summary import SimulationSummary

EXPERIMENT_KEY = "ranker-popularity-vs-model"
MODEL_KINDS = ("popularity", "covisit", "sasrec")


@dataclass(frozen=True)
class ClosedLoopResult:
    experiment_key: str
    warm_up: SimulationSummary
    experiment: SimulationSummary
    model_versions: dict[str, int]
    lines: list[str]


def models_train(*, epochs: int | None, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """Popularity, co-visitation and SASRec from the recorded behaviour; each promoted if it wins."""
    from personalization.recommendations.training import model_version_train

    versions = {}
    for kind in MODEL_KINDS:
        version = model_version_train(kind=kind, epochs=epochs if kind == "sasrec" else None, seed=seed)
        metrics = ", ".join(f"{k} {v:.4f}" for k, v in version.metrics.items() if k in {"HR@10", "NDCG@10"})
        say(f"  {kind} v{version.pk}: {metrics}. {version.decision}")
        versions[kind] = version.pk
    return versions


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    # Imported here: the demo's pages import this module, and torch costs seconds of every process start.
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _decisions(versions: dict[str, int]) -> str:
    """One line per retraining: which versions now serve."""
    from personalization.recommendations.models import ModelVersion

    serving = ModelVersion.objects.filter(pk__in=versions.values(), status=ModelVersion.Status.CHAMPION)
    champions = set(serving.values_list("pk", flat=True))
    return ", ".join(
        f"{kind} v{pk} {'promoted' if pk in champions else 'kept the champion'}" for kind, pk in versions.items()
    )


def ranker_experiment_start(*, key: str = EXPERIMENT_KEY, salt: str | None = None):
    """Popularity (control) against the trained model, half and half, on the ranker surface.

    `salt` fixes the assignment of units to variants (a fresh random one by default).
    """
    from personalization.experiments.models import Experiment, Variant
    from personalization.experiments.services import experiment_start

    experiment, created = Experiment.objects.get_or_create(
        key=key,
        defaults={
            "name": "Ranker: popularity vs trained model",
            "hypothesis": "Ranking by the shopper's own history sells more than ranking by what is popular.",
            "surface": "ranker",
            # Conversion: revenue per visitor swings with a few bikes and laptops in small samples.
            "primary_metric": Experiment.PrimaryMetric.CONVERSION,
            "guardrail_metrics": ["revenue_per_visitor"],
            **({"salt": salt} if salt else {}),
        },
    )
    if created:
        Variant.objects.create(
            experiment=experiment, key="popularity", name="Popularity", weight=50, is_control=True,
            config={"ranker": "popularity"}, position=0,
        )  # fmt: skip
        Variant.objects.create(
            experiment=experiment, key="model", name="Trained model", weight=50, config={"ranker": "model"}, position=1
        )
    if experiment.status == Experiment.Status.STOPPED:
        raise ValidationError(f"Experiment {key!r} was stopped; pick another key.")
    return experiment_start(experiment=experiment)


def closed_loop_run(
    *,
    visitors: int = 1200,
    warm_up_days: float = 14,
    experiment_days: float = 14,
    seed: int = 42,
    epochs: int | None = 20,
    retrain_every_days: float | None = 1.0,
    experiment_key: str = EXPERIMENT_KEY,
    progress: bool = True,
    say: Callable[[str], None] = print,
    on_visit: Callable[[str, int, int], None] | None = None,
) -> ClosedLoopResult:
    from personalization.experiments.results import experiment_results

    # Torch on one thread: threaded float sums differ from run to run, and so would the models and the
    # lists they serve; on one thread a rerun with the same seed repeats the same figures.
    with _one_torch_thread():
        simulation = Simulation(visitors=visitors, days=warm_up_days + experiment_days, seed=seed)
        boundary = simulation.start + timedelta(days=warm_up_days)
        say(f"Warm-up: {warm_up_days:g} simulated days before the experiment.")
        simulation.play(until=boundary, progress=progress, label="warm-up", on_visit=on_visit)
        warm_up = simulation.summary()
        for line in warm_up.lines():
            say(f"  {line}")
        events_flush_all()
        say("Training on the warm-up traffic:")
        versions = models_train(epochs=epochs, seed=seed, say=say)
        simulation.clock.set(boundary)
        with simulated_time(simulation.clock):
            experiment = ranker_experiment_start(key=experiment_key, salt=f"closed-loop-{seed}")
        nightly = f", models retrained every {retrain_every_days:g} simulated days" if retrain_every_days else ""
        say(f"Experiment {experiment.key}: {experiment_days:g} simulated days, popularity vs model{nightly}.")
        moment = boundary
        while simulation.played < len(simulation.queue):
            if not retrain_every_days:
                simulation.play(progress=progress, label="experiment", on_visit=on_visit)
                break
            moment += timedelta(days=retrain_every_days)
            simulation.play(until=moment, progress=progress, label="experiment", on_visit=on_visit)
            if simulation.played < len(simulation.queue):
                retrained = models_train(epochs=epochs, seed=seed, say=lambda line: None)
                say(f"  retrained at day {(moment - simulation.start).days}: {_decisions(retrained)}")
        during = simulation.summary(experiment=experiment, since=boundary)
        results = experiment_results(experiment=experiment)
        lines = results_lines(results)
        for line in during.lines():
            say(f"  {line}")
        for line in lines:
            say(line)
        late = reviews.deliveries_at_the_end(simulation)  # after the figures: they are not changed by it
        say(
            f"  Reviews: {simulation.requested_reviews} in answer to the shop's e-mails after delivery, "
            f"{late} of parcels that arrived after their buyers' last visit."
        )
        return ClosedLoopResult(experiment.key, warm_up, during, versions, lines)


def results_lines(results) -> list[str]:
    """The staff results page's figures: units, conversion, revenue per visitor, lifts with 95% intervals."""
    lines = []
    for row in results.variants:
        lines.append(
            f"{row.variant.key:<11} units {row.units:>5}  converters {row.converters:>4}  "
            f"conversion {row.conversion.estimate:.2%} [{row.conversion.low:.2%}, {row.conversion.high:.2%}]  "
            f"revenue/visitor {row.revenue.mean:.2f}"
        )
        for metric, comparison in sorted(row.comparisons.items()):
            lift = comparison.lift
            lines.append(
                f"  {metric} lift {lift.estimate:+.1%} (95% CI {lift.low:+.1%} to {lift.high:+.1%}), "
                f"p = {comparison.p_value:.4f}{' significant' if comparison.significant else ''}"
            )
    lines.append(results.verdict)
    return lines

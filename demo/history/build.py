"""Plays the demo's history: campaigns, past customers, simulated shoppers, models, the experiment, the logins' own.

The same steps whether `manage.py prepare_demo` runs them in the foreground (progress bars) or `make run`
runs them beside the server (progress lines, and the status row that staff see on the console). A
history that was stopped before its end is finished, not replayed: traffic already recorded is kept
(playing it again would double it), and what is missing after it (models, the experiment, the logins'
own visits) is added.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from demo.history.selectors import review_coverage
from demo.history.services import demo_history_begin, demo_history_finish, demo_history_get, demo_history_report
from demo.models import DemoHistory
from demo.simulator.closed_loop import EXPERIMENT_KEY

WARM_UP_DAYS = 10
EXPERIMENT_DAYS = 10
ARMS = {"model": "their own history", "popularity": "best sellers"}
REPORT_EVERY = 2.0  # seconds between two writes of the status row
SAY_EVERY = 20.0  # seconds between two progress lines, when there are no bars


@dataclass(frozen=True)
class DemoHistoryBuilt:
    seconds: float
    traffic_played: bool
    logins: list[str]  # each demo login with its taste and its experiment arm


class _Progress:
    """Turns the simulation's visits into status-row reports and, without bars, a line now and then."""

    def __init__(self, *, say: Callable[[str], None], lines: bool) -> None:
        self.say, self.lines = say, lines
        self._reported = self._said = 0.0

    def step(self, step: str) -> None:
        demo_history_report(step=step)
        self._reported = time.monotonic()

    def visit(self, label: str, played: int, of: int) -> None:
        step = DemoHistory.Step.WARM_UP if label == "warm-up" else DemoHistory.Step.EXPERIMENT
        now = time.monotonic()
        if played == of and step == DemoHistory.Step.WARM_UP:
            self.step(DemoHistory.Step.TRAINING)  # what the closed loop does after the warm-up's last visit
        elif now - self._reported >= REPORT_EVERY or played == 1:
            demo_history_report(step=step, done=played, total=of)
            self._reported = now
        if self.lines and (now - self._said >= SAY_EVERY or played == of):
            self.say(f"{label}: {played} of {of} visits")
            self._said = now


def demo_history_build(
    *,
    seed: int = 42,
    visitors: int = 500,
    epochs: int = 15,
    force: bool = False,
    bars: bool = True,
    say: Callable[[str], None] = print,
) -> DemoHistoryBuilt:
    """Build what the history lacks (everything, the first time); `force` plays simulated traffic again."""
    from demo.history.past_customers import past_customers_play
    from demo.simulator.campaigns import demo_campaigns_ensure
    from demo.simulator.closed_loop import closed_loop_run
    from personalization.tracking.models import Event

    started = time.monotonic()
    before = demo_history_get()
    if before.state == DemoHistory.State.DONE and not force:
        say("The history was built in an earlier run; kept as it is.")
        say(review_coverage().line())
        return DemoHistoryBuilt(time.monotonic() - started, False, _logins(seed=seed, say=say))
    # Traffic recorded before: a history stopped midway, or one built before this status row existed. The past
    # customers' purchases and reviews are recorded without a visitor (no page was served), so they do not count.
    recorded = Event.objects.exclude(visitor_id="").count()
    replay = force or not recorded
    demo_history_begin()
    progress = _Progress(say=say, lines=not bars)
    try:
        # Before the traffic, running since before its first simulated day, so shoppers meet them.
        starts_at = timezone.now() - timedelta(days=WARM_UP_DAYS + EXPERIMENT_DAYS + 1)
        campaigns = demo_campaigns_ensure(starts_at=starts_at)
        for line in campaigns.lines():
            say(line)
        if replay:
            past_customers_play(seed=seed, until=starts_at, say=say)
            closed_loop_run(
                visitors=visitors,
                warm_up_days=WARM_UP_DAYS,
                experiment_days=EXPERIMENT_DAYS,
                seed=seed,
                epochs=epochs,
                progress=bars,
                say=say,
                on_visit=progress.visit,
            )
            # The last simulated visits may run a little past the real now.
            for line in campaigns.outcome_lines(since=starts_at, until=timezone.now() + timedelta(days=1)):
                say(line)
        else:
            say(f"Traffic already simulated ({recorded} events); kept (prepare_demo --force adds more).")
        _models_and_experiment_ensure(seed=seed, epochs=epochs, progress=progress, say=say)
        progress.step(DemoHistory.Step.PERSONAS)
        logins = _logins(seed=seed, say=say)
    except BaseException as error:  # Ctrl-C too: staff then read that it stopped, and the next run finishes it
        demo_history_finish(error=f"{type(error).__name__}: {error}")
        raise
    demo_history_finish()
    say(review_coverage().line())
    return DemoHistoryBuilt(time.monotonic() - started, replay, logins)


def _models_and_experiment_ensure(*, seed: int, epochs: int, progress: _Progress, say: Callable[[str], None]) -> None:
    """What a history stopped before its end may lack: champions to serve, the ranker experiment running."""
    from demo.simulator.closed_loop import models_train, ranker_experiment_start
    from personalization.experiments.models import Experiment
    from personalization.recommendations.models import ModelVersion

    if not ModelVersion.objects.filter(status=ModelVersion.Status.CHAMPION).exists():
        progress.step(DemoHistory.Step.TRAINING)
        say("Training on the traffic recorded so far:")
        models_train(epochs=epochs, seed=seed, say=say)
    if not Experiment.objects.filter(key=EXPERIMENT_KEY).exists():
        experiment = ranker_experiment_start(salt=f"closed-loop-{seed}")
        say(f"Experiment {experiment.key} started now, popularity vs model.")


def _logins(*, seed: int, say: Callable[[str], None]) -> list[str]:
    """Plays the histories of demo logins that have none, then each login with its taste and experiment arm."""
    from demo.simulator.personas import persona_arm, personas_play

    say("The demo logins' own histories (played once, through the site):")
    histories = personas_play(seed=seed, say=lambda line: say(f"  played {line}"))
    if not any(history.played for history in histories):
        say("  already played in an earlier run; kept as they are.")
    lines = []
    for history in histories:
        arm = persona_arm(history.persona.username, experiment_key=EXPERIMENT_KEY)
        where = f"  [experiment arm '{arm}': lists from {ARMS.get(arm, arm)}]" if arm else ""
        lines.append(f"{history.persona.username:<10} {history.persona.taste}{where}")
    return lines

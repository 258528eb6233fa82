from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from demo.simulator.closed_loop import EXPERIMENT_KEY

WARM_UP_DAYS = 10
ARMS = {"model": "their own history", "popularity": "best sellers"}
EXPERIMENT_DAYS = 10


class Command(BaseCommand):
    help = (
        "Give the demo store a history: a coupon campaign, two sponsored-product campaigns and two vouchers, "
        "simulated traffic that meets them, trained models (popularity, co-visitation, SASRec) and a running "
        "experiment popularity vs model. Skips what is done (--force redoes the traffic)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=500)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=15, help="SASRec epochs (default %(default)s).")
        parser.add_argument("--force", action="store_true", help="Simulate traffic even when events exist.")
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Where the site will be served.")

    def handle(self, *args, visitors: int, seed: int, epochs: int, force: bool, host: str, **options) -> None:
        from demo.simulator.campaigns import demo_campaigns_ensure
        from demo.simulator.closed_loop import closed_loop_run
        from personalization.tracking.models import Event

        # Before the traffic, running since before its first simulated day, so shoppers meet them.
        starts_at = timezone.now() - timedelta(days=WARM_UP_DAYS + EXPERIMENT_DAYS + 1)
        campaigns = demo_campaigns_ensure(starts_at=starts_at)
        for line in campaigns.lines():
            self.stdout.write(line)
        recorded = Event.objects.count()
        if recorded and not force:
            self.stdout.write(f"Traffic already simulated ({recorded} events); skipping (use --force to add more).")
        else:
            closed_loop_run(
                visitors=visitors,
                warm_up_days=WARM_UP_DAYS,
                experiment_days=EXPERIMENT_DAYS,
                seed=seed,
                epochs=epochs,
                progress=True,
                say=self.stdout.write,
            )
            # The last simulated visits may run a little past the real now.
            for line in campaigns.outcome_lines(since=starts_at, until=timezone.now() + timedelta(days=1)):
                self.stdout.write(line)
        self._personas(seed=seed)
        self.stdout.write("")
        self.stdout.write(f"Storefront:          {host}/")
        self.stdout.write(f"Admin:               {host}/admin/  (staff login printed above)")
        self.stdout.write(f"Experiment results:  {host}/staff/experiments/{EXPERIMENT_KEY}/")
        self.stdout.write(f"API docs:            {host}/api/docs/")

    def _personas(self, *, seed: int) -> None:
        """The demo logins' own histories (played once), then each login with its taste and experiment arm."""
        from demo.simulator.personas import persona_arm, personas_play
        from demo.store.loader import SHOPPER_PASSWORD

        self.stdout.write("The demo logins' own histories (played once, through the site):")
        histories = personas_play(seed=seed, say=lambda line: self.stdout.write(f"  played {line}"))
        if not any(history.played for history in histories):
            self.stdout.write("  already played in an earlier run; kept as they are.")
        self.stdout.write(f"Shopper logins (password {SHOPPER_PASSWORD}):")
        for history in histories:
            arm = persona_arm(history.persona.username, experiment_key=EXPERIMENT_KEY)
            where = f"  [experiment arm '{arm}': lists from {ARMS.get(arm, arm)}]" if arm else ""
            self.stdout.write(f"  {history.persona.username:<10} {history.persona.taste}{where}")

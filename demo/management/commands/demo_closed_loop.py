from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.simulator.closed_loop import EXPERIMENT_KEY


class Command(BaseCommand):
    help = (
        "The closed loop: simulated warm-up traffic, models trained on it, then an experiment (ranker: popularity "
        "vs trained model) that the simulated shoppers go through; prints the lift with its interval and p-value."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=1200)
        parser.add_argument("--warm-up-days", type=float, default=14)
        parser.add_argument("--experiment-days", type=float, default=14)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=20, help="SASRec epochs (default %(default)s).")
        parser.add_argument(
            "--retrain-every",
            type=float,
            default=1.0,
            metavar="DAYS",
            help="Retrain the models every DAYS simulated days during the experiment, as the nightly beat task "
            "would (default %(default)s; 0: train once, before it).",
        )
        parser.add_argument("--experiment", default=EXPERIMENT_KEY, help="Experiment key (default %(default)s).")
        parser.add_argument(
            "--no-rating-signal",
            action="store_false",
            dest="rating_signal",
            help="Train and rank without the buyers' ratings (PERSONALIZATION_RATING_SIGNAL off), to compare.",
        )
        parser.add_argument(
            "--past-customers",
            action="store_true",
            help="First give the store the demo history's past customers (their orders and reviews, before the "
            "warm-up), so products start with ratings, the duds' low ones among them, as the demo store does.",
        )
        parser.add_argument("--no-progress", action="store_false", dest="progress")

    def handle(self, *args, **options) -> None:
        from django.conf import settings

        from demo.simulator.closed_loop import closed_loop_run
        from personalization.recsys.data import DataError

        # This process is the whole loop (site, training, ranking); forked simulation workers inherit it.
        settings.PERSONALIZATION_RATING_SIGNAL = options["rating_signal"]
        self.stdout.write(f"Rating signal: {'on' if options['rating_signal'] else 'off'}.")
        try:
            if options["past_customers"]:
                self._past_customers(days=options["warm_up_days"] + options["experiment_days"], seed=options["seed"])
            closed_loop_run(
                visitors=options["visitors"],
                warm_up_days=options["warm_up_days"],
                experiment_days=options["experiment_days"],
                seed=options["seed"],
                epochs=options["epochs"],
                retrain_every_days=options["retrain_every"],
                experiment_key=options["experiment"],
                progress=options["progress"],
                say=self.stdout.write,
            )
        except (ValueError, ValidationError, DataError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Staff results: /staff/experiments/{options['experiment']}/")

    def _past_customers(self, *, days: float, seed: int) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from demo.history.past_customers import past_customers_play

        played = past_customers_play(seed=seed, until=timezone.now() - timedelta(days=days), say=self.stdout.write)
        if not played.played:
            self.stdout.write("Past customers: the store has them already (or no products); kept.")

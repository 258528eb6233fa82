from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Simulated shoppers with hidden tastes browse, search, click, sign up and buy through the real site "
        "(URLs, middleware, templates, checkout, tracking endpoint) over simulated days; prints what they did."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=200, help="Shoppers to simulate (default %(default)s).")
        parser.add_argument("--days", type=float, default=7, help="Simulated days, ending now (default %(default)s).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default %(default)s).")
        parser.add_argument(
            "--experiment", default="", help="Report per variant of this experiment (default: a running ranker one)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes to share the shoppers out to (default 1: repeatable for a seed; more: faster, "
            "not repeatable bit for bit; PostgreSQL or an SQLite file).",
        )
        parser.add_argument("--no-progress", action="store_false", dest="progress", help="No progress bar.")

    def handle(
        self, *args, visitors: int, days: float, seed: int, experiment: str, progress: bool, workers: int, **options
    ):
        from demo.simulator.run import simulate
        from personalization.experiments.models import Experiment

        if visitors < 1 or days <= 0 or workers < 1:
            raise CommandError("--visitors and --workers must be at least 1 and --days more than 0.")
        chosen = None
        if experiment:
            chosen = Experiment.objects.filter(key=experiment).first()
            if chosen is None:
                raise CommandError(f"No experiment {experiment!r}.")
        else:
            chosen = Experiment.objects.filter(status=Experiment.Status.RUNNING, surface="ranker").first()
        try:
            summary = simulate(
                visitors=visitors, days=days, seed=seed, experiment=chosen, progress=progress, workers=workers
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in summary.lines():
            self.stdout.write(line)

from django.core.management.base import BaseCommand, CommandParser

from demo.simulator.closed_loop import EXPERIMENT_KEY


class Command(BaseCommand):
    help = (
        "Give the demo store a history: a coupon campaign, two sponsored-product campaigns and two vouchers, "
        "simulated traffic that meets them, trained models (popularity, co-visitation, SASRec), a running "
        "experiment popularity vs model and the demo logins' own visits and orders. `make demo` runs it in the "
        "foreground; `make run` serves first and builds it beside the server. Finishes a history stopped midway "
        "and skips one that is done (--force plays the traffic again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=500)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=15, help="SASRec epochs (default %(default)s).")
        parser.add_argument("--force", action="store_true", help="Simulate traffic even when events exist.")
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Where the site will be served.")

    def handle(self, *args, visitors: int, seed: int, epochs: int, force: bool, host: str, **options) -> None:
        from demo.history.build import demo_history_build
        from demo.store.loader import SHOPPER_PASSWORD

        built = demo_history_build(
            seed=seed, visitors=visitors, epochs=epochs, force=force, bars=True, say=self.stdout.write
        )
        self.stdout.write(f"Shopper logins (password {SHOPPER_PASSWORD}):")
        for line in built.logins:
            self.stdout.write(f"  {line}")
        self.stdout.write("")
        self.stdout.write(f"Storefront:          {host}/")
        self.stdout.write(f"Admin:               {host}/admin/  (staff login printed above)")
        self.stdout.write(f"Experiment results:  {host}/staff/experiments/{EXPERIMENT_KEY}/")
        self.stdout.write(f"API docs:            {host}/api/docs/")

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from personalization.simulator.closed_loop import EXPERIMENT_KEY


class Command(BaseCommand):
    help = (
        "Give the demo store a history: simulated traffic, trained models (popularity, co-visitation, SASRec), "
        "a running experiment popularity vs model, a couple of vouchers. Skips what is done (--force redoes it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visitors", type=int, default=500)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=15, help="SASRec epochs (default %(default)s).")
        parser.add_argument("--force", action="store_true", help="Simulate traffic even when events exist.")
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Where the site will be served.")

    def handle(self, *args, visitors: int, seed: int, epochs: int, force: bool, host: str, **options) -> None:
        from personalization.simulator.closed_loop import closed_loop_run
        from personalization.tracking.models import Event

        recorded = Event.objects.count()
        if recorded and not force:
            self.stdout.write(f"Traffic already simulated ({recorded} events); skipping (use --force to add more).")
        else:
            closed_loop_run(
                visitors=visitors,
                warm_up_days=10,
                experiment_days=10,
                seed=seed,
                epochs=epochs,
                progress=True,
                say=self.stdout.write,
            )
        self._vouchers()
        self.stdout.write("")
        self.stdout.write(f"Storefront:          {host}/")
        self.stdout.write(f"Admin:               {host}/admin/  (staff login printed above)")
        self.stdout.write(f"Experiment results:  {host}/staff/experiments/{EXPERIMENT_KEY}/")
        self.stdout.write(f"API docs:            {host}/api/docs/")

    def _vouchers(self) -> None:
        """A welcome discount and free shipping, when the vouchers app is there (it is being built)."""
        if not apps.is_installed("shop.vouchers"):
            return
        from decimal import Decimal

        from shop.vouchers.models import Voucher

        for code, kind, value, description in (
            ("WELCOME10", Voucher.Kind.PERCENT, Decimal("10"), "10% off your first order"),
            ("FREESHIP", Voucher.Kind.FREE_SHIPPING, Decimal("0"), "Free shipping"),
        ):
            if not Voucher.objects.filter(code=code).exists():
                Voucher.objects.create(code=code, kind=kind, value=value, description=description)
        self.stdout.write("Vouchers: WELCOME10 (10% off), FREESHIP (free shipping).")

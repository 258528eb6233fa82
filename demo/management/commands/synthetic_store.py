from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.store.loader import demo_store_load
from demo.synthetic import synthetic_store_grow
from shop.models import Product


class Command(BaseCommand):
    help = (
        "Grow the store to N products (copies of its own, older than them) and add M synthetic product views, "
        "add-to-carts and purchases, in bulk (COPY on PostgreSQL). Loads the demo store first when it is empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, required=True, help="Products the store should have.")
        parser.add_argument("--events", type=int, default=0, help="Events to add (default %(default)s).")
        parser.add_argument("--days", type=int, default=90, help="Days the events span (default %(default)s).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default %(default)s).")

    def handle(self, *args, products: int, events: int, days: int, seed: int, **options) -> None:
        if products < 1:
            raise CommandError("--products must be at least 1.")
        if not Product.objects.exists():
            demo_store_load(product_count=min(products, 600), with_images=False)
        try:
            report = synthetic_store_grow(products=products, events=events, seed=seed, days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.products_created:,} products added in {report.products_seconds:.1f} s, "
                f"{report.events_created:,} events in {report.events_seconds:.1f} s; "
                f"the store has {Product.objects.count():,} products."
            )
        )

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.store.loader import (
    ADMIN_USERNAME,
    DEFAULT_PRODUCT_COUNT,
    DEFAULT_SEED,
    SHOPPER_PASSWORD,
    SHOPPER_USERNAMES,
    demo_store_load,
)


class Command(BaseCommand):
    help = (
        "Fill the shop with a demo catalog (categories, brands, products, pictures), a staff login and "
        "shopper logins. The same seed gives the same catalog. Safe to rerun: only what is missing is added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s).")
        parser.add_argument(
            "--products", type=int, default=DEFAULT_PRODUCT_COUNT, help="Number of products (default %(default)s)."
        )
        parser.add_argument("--no-images", action="store_false", dest="images", help="Skip the product pictures.")
        parser.add_argument(
            "--password", default=None, help="Password for the admin account (default: a documented demo password)."
        )

    def handle(self, *args, seed: int, products: int, images: bool, password: str | None, **options) -> None:
        if products < 1:
            raise CommandError("--products must be at least 1.")
        summary = demo_store_load(
            seed=seed, product_count=products, with_images=images, admin_password=password, say=self._say
        )

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo store ready in {summary.seconds:.1f} s: {summary.categories} categories, "
                f"{summary.brands} brands, {summary.products} products ({summary.products_created} new), "
                f"{summary.images} images ({summary.images_created} new), "
                f"{summary.users} users ({summary.users_created} new)."
            )
        )
        if summary.admin_password is None:
            self.stdout.write(
                f"Staff login: {ADMIN_USERNAME} (existing account, password kept; pass --password to reset it) "
                "at /admin/"
            )
        else:
            self.stdout.write(f"Staff login: {ADMIN_USERNAME} / {summary.admin_password} at /admin/")
        self.stdout.write(f"Shopper logins: {', '.join(SHOPPER_USERNAMES)} / {SHOPPER_PASSWORD}")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

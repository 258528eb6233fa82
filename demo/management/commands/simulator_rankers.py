from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Score what each surface shows under each arm of the ranker experiment against simulated shoppers' hidden "
        "tastes (chance the top k would sell), next to the best possible and a random order. Needs trained models."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shoppers", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--history", type=int, default=2, help="Clicks each shopper has made (default 2).")
        parser.add_argument("-k", type=int, default=8, help="How many products of each list count (default 8).")

    def handle(self, *args, shoppers: int, seed: int, history: int, k: int, **options) -> None:
        from demo.simulator.oracle import rankers_against_tastes, table_lines

        if shoppers < 1 or history < 1 or k < 1:
            raise CommandError("--shoppers, --history and -k must be at least 1.")
        try:
            scores = rankers_against_tastes(shoppers=shoppers, seed=seed, history=history, k=k)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in table_lines(scores, k=k):
            self.stdout.write(line)

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "The share of 'Complete your order' suggestions simulated shoppers would buy, before (co-viewed products "
        "of any type) and after (the complement graph) issue 19, for the same shoppers and carts. Learns the "
        "complement graph from the shop's orders and carts first (as the hourly task does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shoppers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("-k", type=int, default=4, help="Suggestions in the cart row (default 4).")
        parser.add_argument(
            "--simulated-orders",
            type=int,
            default=0,
            metavar="CUSTOMERS",
            help="Learn the graph from this many simulated customers' orders (another seed) instead of the shop's.",
        )

    def handle(self, *args, shoppers: int, seed: int, k: int, simulated_orders: int, **options) -> None:
        from demo.simulator.cart_measure import cart_suggestions_measure, simulated_orders_graph, table_lines
        from personalization.recommendations.complements import complement_graph_build

        if shoppers < 1 or k < 1 or simulated_orders < 0:
            raise CommandError("--shoppers and -k must be at least 1, --simulated-orders at least 0.")
        if simulated_orders:
            graph = simulated_orders_graph(customers=simulated_orders, seed=seed + 1)
        else:
            graph = complement_graph_build()
        self.stdout.write(f"Complement graph v{graph.pk}: {graph.snapshot}")
        try:
            scores = cart_suggestions_measure(shoppers=shoppers, seed=seed, k=k)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in table_lines(scores, k=k):
            self.stdout.write(line)

from pathlib import Path

from django.core.management.base import BaseCommand

from shop.search.quality import DEMO_QUERIES, read_queries, search_quality


class Command(BaseCommand):
    help = "Precision@8 and the zero-result share of search over a query set (default: the demo store's)."

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=Path, default=DEMO_QUERIES, help="A TSV file: query, expected slugs.")
        parser.add_argument("--verbose-misses", action="store_true", help="List the queries below precision 1.")

    def handle(self, *args, **options):
        report = search_quality(queries=read_queries(options["queries"]))
        if options["verbose_misses"]:
            for outcome in report.outcomes:
                if outcome.precision < 1:
                    self.stdout.write(f"{outcome.precision:.2f}  {outcome.query!r}  {', '.join(outcome.found)}")
        self.stdout.write(f"queries: {len(report.outcomes)}")
        self.stdout.write(f"precision@8: {report.precision_at_8:.3f}")
        self.stdout.write(f"zero results: {report.zero_result_share:.1%}")

"""Search quality over a query set: precision@8 and the share of queries that find nothing.

A query set is a TSV file: the query, then its expected category slugs separated by commas (a
parent category counts its sub-categories). Lines starting with # are comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shop.models import Category
from shop.search.selectors import product_search_results
from shop.selectors import product_list

DEMO_QUERIES = Path(__file__).parent / "queries" / "demo_queries.tsv"
TOP = 8


@dataclass(frozen=True)
class QueryOutcome:
    query: str
    expected: tuple[str, ...]
    found: tuple[str, ...]  # category slugs of the top results
    precision: float


@dataclass(frozen=True)
class QualityReport:
    outcomes: tuple[QueryOutcome, ...]

    @property
    def precision_at_8(self) -> float:
        return sum(o.precision for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def zero_result_share(self) -> float:
        return sum(not o.found for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0


def read_queries(path: Path = DEMO_QUERIES) -> list[tuple[str, tuple[str, ...]]]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected = line.split("\t")
        queries.append((query, tuple(slug.strip() for slug in expected.split(",") if slug.strip())))
    return queries


def search_quality(*, queries: list[tuple[str, tuple[str, ...]]]) -> QualityReport:
    categories = {category.slug: category for category in Category.objects.all()}
    slug_of = {category.pk: category.slug for category in categories.values()}
    outcomes = []
    for query, expected in queries:
        accepted = {slug_of[pk] for slug in expected if slug in categories for pk in categories[slug].descendant_ids()}
        results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
        found = tuple(slug_of[pk] for pk in results.products.values_list("category_id", flat=True)[:TOP])
        precision = sum(slug in accepted for slug in found) / len(found) if found else 0.0
        outcomes.append(QueryOutcome(query=query, expected=expected, found=found, precision=precision))
    return QualityReport(outcomes=tuple(outcomes))

"""The demo history's status as staff read it: whether it is done, what is being built, whether a process builds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from demo.models import DemoHistory

# The building process reports every visit (a few a second) and between steps; training one model takes a
# minute or two on a busy machine. A report older than this means the process ended (Ctrl-C, a crash).
ALIVE_WITHIN = timedelta(minutes=5)


@dataclass(frozen=True)
class DemoHistoryStatus:
    exists: bool  # False: nobody began a history on this database (a shop without the demo)
    building: bool  # a process is building it now
    done: bool
    interrupted: bool  # begun, not done, and no process building it
    step: str
    step_label: str
    played: int
    of: int
    started_at: datetime | None
    finished_at: datetime | None
    message: str

    @property
    def percent(self) -> int | None:
        return round(100 * self.played / self.of) if self.of else None


def demo_history_status(*, now: datetime | None = None) -> DemoHistoryStatus:
    now = now or datetime.now(UTC)
    row = DemoHistory.objects.filter(pk=1).first()
    if row is None:
        return DemoHistoryStatus(False, False, False, False, "", "", 0, 0, None, None, "")
    done = row.state == DemoHistory.State.DONE
    alive = row.heartbeat_at is not None and now - row.heartbeat_at <= ALIVE_WITHIN
    building = row.state == DemoHistory.State.BUILDING and alive
    return DemoHistoryStatus(
        exists=True,
        building=building,
        done=done,
        interrupted=not done and not building,
        step=row.step,
        step_label=DemoHistory.Step(row.step).label,
        played=row.done,
        of=row.total,
        started_at=row.started_at,
        finished_at=row.finished_at,
        message=row.message,
    )


@dataclass(frozen=True)
class ReviewCoverage:
    reviewed: int  # active products with at least one published review
    products: int  # active products
    reviews: int  # published reviews of active products

    @property
    def share(self) -> float:
        return self.reviewed / self.products if self.products else 0.0

    def line(self) -> str:
        return (
            f"Reviews: {self.reviewed} of {self.products} products ({100 * self.share:.1f}%) have a published "
            f"review; {self.reviews} published reviews."
        )


def review_coverage() -> ReviewCoverage:
    """How much of the catalogue shows a review: what the demo's product pages and cards show (three queries)."""
    from shop.models import Product
    from shop.reviews.models import Review

    published = Review.objects.filter(status=Review.Status.PUBLISHED, product__is_active=True)
    return ReviewCoverage(
        reviewed=published.values("product_id").distinct().count(),
        products=Product.objects.filter(is_active=True).count(),
        reviews=published.count(),
    )

"""What a simulation did, in total and per experiment variant, as plain numbers and a printable table."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Tally:
    visitors: int = 0
    sessions: int = 0
    page_views: int = 0
    product_views: int = 0
    searches: int = 0
    impressions: int = 0
    clicks: int = 0
    carts: int = 0  # sessions that put something in the cart
    orders: int = 0
    buyers: int = 0
    revenue: Decimal = Decimal("0.00")
    sign_ups: int = 0
    vouchers_applied: int = 0
    ad_impressions: int = 0  # sponsored cards seen
    ad_clicks: int = 0  # sponsored cards clicked, through the ads app's click link

    @property
    def conversion(self) -> float:
        return self.buyers / self.visitors if self.visitors else 0.0

    @property
    def revenue_per_visitor(self) -> float:
        return float(self.revenue) / self.visitors if self.visitors else 0.0


@dataclass
class SimulationSummary:
    total: Tally
    seconds: float
    variants: dict[str, Tally] = field(default_factory=dict)  # variant key -> tally of its visitors
    experiment_key: str = ""

    @property
    def sessions_per_second(self) -> float:
        return self.total.sessions / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        t = self.total
        lines = [
            f"{t.visitors} visitors, {t.sessions} sessions in {self.seconds:.1f} s ({self.sessions_per_second:.1f}/s)",
            f"{t.page_views} page views, {t.product_views} product views, {t.searches} searches, "
            f"{t.impressions} list impressions, {t.clicks} list clicks",
            f"{t.carts} carts, {t.orders} orders, revenue {t.revenue:.2f}, {t.sign_ups} sign-ups, "
            f"{t.vouchers_applied} vouchers applied",
        ]
        if t.ad_impressions:
            lines.append(f"{t.ad_impressions} sponsored cards seen, {t.ad_clicks} clicked")
        if self.variants:
            lines.append(f"Experiment {self.experiment_key} (simulator's own count, visitors exposed):")
            for key, v in sorted(self.variants.items()):
                lines.append(
                    f"  {key:<12} {v.visitors:>5} visitors  {v.sessions:>5} sessions  {v.clicks:>5} clicks  "
                    f"{v.orders:>4} orders  conversion {v.conversion:.1%}  revenue/visitor {v.revenue_per_visitor:.2f}"
                )
        return lines

"""Model versions as the console shows them: metrics beside the champion's, per segment, the training curve."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from personalization.recommendations.models import ModelVersion

# (key in ModelVersion.metrics, label, higher is better; None where neither direction is a goal)
METRICS = [
    ("NDCG@10", _("NDCG@10"), True),
    ("HR@10", _("Hit rate@10"), True),
    ("Recall@20", _("Recall@20"), True),
    ("MRR", _("MRR"), True),
    ("coverage@10", _("Catalogue coverage@10"), True),
    ("avg_popularity@10", _("Average popularity@10"), None),
]
SEGMENT_METRICS = ["NDCG@10", "HR@10"]
SEGMENT_LABELS = {
    "new": _("New shoppers"),
    "returning": _("Returning shoppers"),
    "few": _("Short histories"),
    "many": _("Long histories"),
}
# The same holdout: the champion was scored on this version's test data when it was trained.
SAME_HOLDOUT = "same_holdout"
# The champion's own figures, from its own (older) holdout: comparable only roughly.
OWN_HOLDOUT = "own_holdout"


@dataclass(frozen=True)
class MetricRow:
    key: str
    label: str
    value: float | None
    champion_value: float | None
    higher_is_better: bool | None

    @property
    def difference(self) -> float | None:
        if self.value is None or self.champion_value is None:
            return None
        return self.value - self.champion_value

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "" for the template's colour."""
        difference = self.difference
        if difference is None or self.higher_is_better is None or abs(difference) < 1e-9:
            return ""
        return "better" if (difference > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class ChampionComparison:
    rows: list[MetricRow]
    baseline: str  # SAME_HOLDOUT, OWN_HOLDOUT, or "" when there is nothing to compare with
    is_champion: bool


@dataclass(frozen=True)
class VersionRow:
    version: ModelVersion
    ndcg: float | None
    hr: float | None
    champion_ndcg: float | None  # the champion on this version's holdout, when it was compared

    @property
    def ndcg_difference(self) -> float | None:
        if self.ndcg is None or self.champion_ndcg is None:
            return None
        return self.ndcg - self.champion_ndcg


def _figure(metrics: dict, key: str) -> float | None:
    value = (metrics or {}).get(key)
    return float(value) if isinstance(value, int | float) else None


def version_rows(versions: list[ModelVersion]) -> list[VersionRow]:
    return [
        VersionRow(
            version=v,
            ndcg=_figure(v.metrics, "NDCG@10"),
            hr=_figure(v.metrics, "HR@10"),
            champion_ndcg=_figure(v.champion_metrics, "NDCG@10"),
        )
        for v in versions
    ]


def compare_with_champion(version: ModelVersion, champion: ModelVersion | None) -> ChampionComparison:
    is_champion = champion is not None and champion.pk == version.pk
    if version.champion_metrics and not is_champion:
        baseline, theirs = SAME_HOLDOUT, version.champion_metrics
    elif champion is not None and not is_champion:
        baseline, theirs = OWN_HOLDOUT, champion.metrics
    else:
        baseline, theirs = "", {}
    rows = [
        MetricRow(key, str(label), _figure(version.metrics, key), _figure(theirs, key), better)
        for key, label, better in METRICS
        if _figure(version.metrics, key) is not None or _figure(theirs, key) is not None
    ]
    return ChampionComparison(rows=rows, baseline=baseline, is_champion=is_champion)


@dataclass(frozen=True)
class SegmentRow:
    segment: str
    label: str
    users: int | None
    figures: list[tuple[float | None, float | None]]  # per SEGMENT_METRICS: (this version, champion same holdout)


def segment_rows(version: ModelVersion, champion: ModelVersion | None) -> list[SegmentRow]:
    ours = (version.metrics or {}).get("segments") or {}
    theirs = (version.champion_metrics or {}).get("segments") or {}
    if not isinstance(ours, dict):
        return []
    rows = []
    for segment, figures in ours.items():
        if not isinstance(figures, dict):
            continue
        other = theirs.get(segment, {}) if isinstance(theirs, dict) else {}
        users = figures.get("users")
        rows.append(
            SegmentRow(
                segment=segment,
                label=str(SEGMENT_LABELS.get(segment, segment)),
                users=int(users) if isinstance(users, int | float) else None,
                figures=[(_figure(figures, key), _figure(other, key)) for key in SEGMENT_METRICS],
            )
        )
    return rows


def training_curve(version: ModelVersion) -> dict | None:
    """{"epochs": [...], "loss": [...], "validation": [...]} for static/js/console.js, or None when not recorded."""
    points = (version.progress or {}).get("curve") or []
    points = [p for p in points if isinstance(p, list | tuple) and len(p) == 3]
    if not points:
        return None
    return {
        "epochs": [p[0] for p in points],
        "loss": [p[1] for p in points],
        "validation": [p[2] for p in points],
        "labels": {"loss": str(_("Training loss")), "validation": str(_("Validation NDCG@10")),
                   "epoch": str(_("Epoch"))},
    }  # fmt: skip

"""Names a shop owner reads instead of codes: variants by what they do, metrics in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each variant config value means to a shop owner; unknown values are shown as written.
CONFIG_VALUES = {
    "ranker": {"model": gettext_lazy("Learned model"), "popularity": gettext_lazy("Popularity")},
    "layout": {
        "grid": gettext_lazy("Grid"),
        "category_rows": gettext_lazy("Rows per category"),
        "editorial": gettext_lazy("Editorial"),
        "classic": gettext_lazy("Classic"),
        "gallery_first": gettext_lazy("Gallery first"),
        "details_first": gettext_lazy("Details first"),
    },
    "policy": {
        "none": gettext_lazy("No coupons"),
        "everyone": gettext_lazy("Coupons for everyone"),
        "model": gettext_lazy("Coupons chosen by the model"),
    },
}
METRIC_LABELS = {
    "conversion": gettext_lazy("conversion rate"),
    "revenue_per_visitor": gettext_lazy("revenue per visitor"),
    "purchases_per_visitor": gettext_lazy("purchases per visitor"),
}


def config_description(config: object) -> str:
    """{'ranker': 'model_version:12'} -> "Model version 12"; several keys are joined with " · "."""
    if not isinstance(config, dict) or not config:
        return ""
    parts = []
    for key, value in config.items():
        if key == "ranker" and isinstance(value, str) and value.startswith("model_version:"):
            parts.append(_("Model version %(pk)s") % {"pk": value.partition(":")[2]})
        else:
            parts.append(str(CONFIG_VALUES.get(key, {}).get(value, value)))
    return " · ".join(parts)


def variant_label(variant) -> str:
    """The variant's name, else what its config does, else its key."""
    return variant.name or config_description(variant.config) or variant.key


def variant_detail(variant) -> str:
    """What the config does, when the label is the variant's own name."""
    return config_description(variant.config) if variant.name else ""

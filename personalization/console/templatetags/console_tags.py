"""Filters of the staff console: variants by name, figures with a sign, an experiment's verdict in words.

{% load console_tags %}
{{ variant|variant_label }}       "Learned model" rather than {'ranker': 'model'}
{{ 0.0123|signed:4 }}             "+0.0123"
{% experiment_verdict results %}  a sentence in the page's language
"""

from __future__ import annotations

import math

from django import template
from django.utils.translation import gettext as _

from personalization.console import labels
from personalization.console.labels import METRIC_LABELS
from personalization.experiments.models import METRICS
from personalization.recommendations.facts import readable_facts

register = template.Library()


@register.filter
def variant_label(variant) -> str:
    """The variant's name, else what its config does, else its key."""
    return labels.variant_label(variant)


@register.filter
def variant_detail(variant) -> str:
    """What the config does, when the label is the variant's own name."""
    return labels.variant_detail(variant)


@register.filter
def signed(value, digits: int = 3) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    return f"{number:+.{int(digits)}f}"


@register.filter
def figure(value, digits: int = 4) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{number:.{int(digits)}f}" if math.isfinite(number) else "–"


@register.simple_tag
def experiment_verdict(results) -> str:
    """A plain-language verdict on the primary metric, in the active language."""
    headline = results.headline
    metric = str(METRIC_LABELS.get(results.experiment.primary_metric, METRICS.get(results.experiment.primary_metric)))
    if headline is None:
        return _("No data yet: nobody has been shown this experiment.")
    variant, comparison = headline
    values = {
        "variant": labels.variant_label(variant.variant),
        "metric": metric,
        "lift": f"{comparison.lift.estimate:+.1%}",
        "low": f"{comparison.lift.low:+.1%}",
        "high": f"{comparison.lift.high:+.1%}",
        "p": f"{comparison.p_value:.3f}",
    }
    if comparison.significant and comparison.lift.estimate > 0:
        return (
            _(
                "%(variant)s wins: it raises %(metric)s by %(lift)s over the control (likely between %(low)s and "
                "%(high)s; p = %(p)s). You can roll it out."
            )
            % values
        )
    if comparison.significant:
        return (
            _(
                "%(variant)s loses: it lowers %(metric)s by %(lift)s against the control (likely between %(low)s and "
                "%(high)s; p = %(p)s). Keep the control."
            )
            % values
        )
    more = results.more_units_needed
    if more:
        values["more"] = f"{more:,}"
        return (
            _(
                "No clear winner yet: %(variant)s is at %(lift)s on %(metric)s, but that could still be chance "
                "(p = %(p)s). Keep it running: about %(more)s more visitors per variant are needed."
            )
            % values
        )
    return (
        _(
            "No clear winner yet: %(variant)s is at %(lift)s on %(metric)s, but that could still be chance "
            "(p = %(p)s). Keep it running."
        )
        % values
    )


@register.filter
def get_figure(metrics, key: str) -> str:
    """A metric from a JSON dict, to four decimals: {{ version.metrics|get_figure:"NDCG@10" }}."""
    return figure((metrics or {}).get(key) if isinstance(metrics, dict) else None)


@register.filter(name="readable_facts")
def readable_facts_filter(data) -> list[tuple[str, str]]:
    return readable_facts(data)

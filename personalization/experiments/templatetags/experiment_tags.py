"""Template tags of experiments: which variant this shopper sees, and the home layout it picks.

    {% load experiment_tags %}
    {% variant "home_layout" as v %}            {# by surface or by experiment key #}
    {% if v.config.layout == "editorial" %}...{% endif %}
    {% home_layout products=new_products categories=categories recommendations=recommended %}

Both log the exposure (the variant is being rendered: services.exposure_log), cost at most one query per request
once the running experiments are cached, and never raise: on error the default comes back.
"""

from __future__ import annotations

import logging

from django import template
from django.template.loader import render_to_string

from personalization.experiments.assignment import Assignment
from personalization.experiments.decisions import assignment_for_request
from personalization.experiments.services import exposure_log
from personalization.experiments.surfaces import HOME_LAYOUTS, default_config

logger = logging.getLogger(__name__)
register = template.Library()

HOME_ROW_LIMIT = 4
HOME_ROWS = 6


@register.simple_tag(takes_context=True)
def variant(context, name: str) -> Assignment:
    """The Assignment for a surface or experiment key: .key, .config, .reason, .in_experiment."""
    request = context.get("request")
    chosen = assignment_for_request(request, name)
    exposure_log(request=request, assignment=chosen)
    return chosen


def rows_by_category(products, *, limit: int = HOME_ROW_LIMIT, rows: int = HOME_ROWS) -> list[tuple[object, list]]:
    """Products grouped by category in first-seen order (products come with their category loaded)."""
    grouped: dict[int, tuple[object, list]] = {}
    for product in products:
        category_row = grouped.setdefault(product.category_id, (product.category, []))
        if len(category_row[1]) < limit:
            category_row[1].append(product)
    return list(grouped.values())[:rows]


@register.simple_tag(takes_context=True)
def home_layout(context, products=None, categories=None, recommendations=None, list_id: str = "home-layout"):
    """Renders templates/experiments/layouts/<layout>.html for the home layout this shopper sees."""
    request = context.get("request")
    chosen = assignment_for_request(request, "home_layout")
    exposure_log(request=request, assignment=chosen)
    layout = chosen.config.get("layout")
    if layout not in HOME_LAYOUTS:
        layout = default_config("home_layout")["layout"]
    products = list(products or [])
    layout_context = {
        "products": products,
        "categories": categories or [],
        "recommendations": list(recommendations or products[1:]),
        "featured": products[0] if products else None,
        "rows": rows_by_category(products) if layout == "category_rows" else [],
        "list_id": list_id,
        "variant": chosen,
        "request": request,
    }
    try:
        return render_to_string(f"experiments/layouts/{layout}.html", layout_context, request=request)
    except Exception:
        logger.exception("Could not render the %s home layout", layout)
        return ""


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.1234 -> "12.3%"; infinite or missing -> "–"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number or number in (float("inf"), float("-inf")):
        return "–"
    return f"{number * 100:.{int(digits)}f}%"


@register.filter
def signed_percent(value, digits: int = 1) -> str:
    text = percent(value, digits)
    return text if text == "–" or text.startswith("-") else f"+{text}"


@register.filter
def p_value(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "< 0.001" if number < 0.001 else f"{number:.3f}"


@register.filter
def get_metric_label(metrics: dict, key: str) -> str:
    return metrics.get(key, key)

"""A model version's JSON (config, metrics, data snapshot) as rows a person reads: "model › hidden" = "64".

The admin and the staff console both show these instead of raw JSON.
"""

from __future__ import annotations

import math

SEPARATOR = " › "
# Lists longer than this are summarised ("120 values"), e.g. a curve or an item index.
LIST_SHOWN = 8


def _text(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        if len(value) > LIST_SHOWN or any(isinstance(item, dict | list | tuple) for item in value):
            return f"{len(value)} values"
        return ", ".join(_text(item) for item in value) or "–"
    return str(value)


def readable_facts(data: object, prefix: str = "") -> list[tuple[str, str]]:
    """Nested dicts flattened to (path, text) rows in their own order; scalars formatted for reading."""
    if not isinstance(data, dict):
        return [(prefix, _text(data))] if prefix else []
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        path = f"{prefix}{SEPARATOR}{key}" if prefix else str(key)
        if isinstance(value, dict):
            rows.extend(readable_facts(value, path) if value else [(path, "–")])
        else:
            rows.append((path, _text(value)))
    return rows

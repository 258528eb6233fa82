"""Where interaction rows come from outside the shop: CSV exports and public data sets."""

from __future__ import annotations

import csv
import importlib.util
import os
from pathlib import Path

REQUIRED_COLUMNS = ("user_id", "item_id", "timestamp")
ML100K_INSTALL_HINT = "pip install --no-deps recbole==1.2.1"


class SourceError(ValueError):
    """The source cannot be read; the message says why and what to do."""


def read_interactions_csv(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """Rows ``{"user_id", "item_id", "timestamp"[, "event_type"]}`` from a CSV with a header.

    Other columns are ignored. Raises :class:`SourceError` for unreadable files and missing columns.
    """
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            columns = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise SourceError(
                    f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(columns) or 'no header'}"
                )
            keep = [*REQUIRED_COLUMNS, *(["event_type"] if "event_type" in columns else [])]
            return [{c: row[c] for c in keep} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc


def ml100k_path() -> Path:
    """The ml-100k atomic file that ships inside the ``recbole`` wheel (the package is not imported)."""
    spec = importlib.util.find_spec("recbole")
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(
            f"MovieLens-100K is read from the recbole package, which is not installed: {ML100K_INSTALL_HINT}"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / "dataset_example" / "ml-100k" / "ml-100k.inter"
        if path.is_file():
            return path
    raise SourceError(f"the installed recbole package has no dataset_example/ml-100k; {ML100K_INSTALL_HINT}")


def read_ml100k() -> list[tuple[str, str, float]]:
    """All ml-100k ratings as implicit ``(user_id, item_id, timestamp)`` rows."""
    rows = []
    with open(ml100k_path(), encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        names = [h.split(":")[0] for h in header]
        u, i, t = names.index("user_id"), names.index("item_id"), names.index("timestamp")
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            rows.append((parts[u], parts[i], float(parts[t])))
    return rows

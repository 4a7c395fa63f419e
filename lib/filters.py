"""Global filters: a JSON-serialisable spec applied to a frame before every analysis.

The spec has two optional parts and only holds constraints that actually narrow the data:

    {"date": {"column": "time_hour", "from": "2013-01-01", "to": "2013-03-31"},
     "categories": {"carrier": ["AA", "UA"], "origin": ["JFK"]}}

Dates are whole days, both ends included, in the column's own time zone. Category values are compared
as text labels, so the spec survives JSON (a numeric or boolean column is matched by its printed value).
Because the spec is plain JSON, it is part of every cache key (`Scope.filters_json`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pandas.api import types as ptypes

from lib.fmt import fmt_date
from lib.schema import column_kind

MAX_CATEGORY_FILTERS = 4
MAX_CATEGORY_VALUES = 200
DESCRIBED_VALUES = 5


@dataclass(frozen=True)
class FilterCandidates:
    """What the sidebar may offer: one date column with its range and a few categorical columns."""

    date_column: str | None = None
    date_min: str | None = None  # ISO date of the first value
    date_max: str | None = None
    categories: dict[str, list[str]] = field(default_factory=dict)  # column → its values, sorted


def labels(series: pd.Series) -> pd.Series:
    """Values as text labels (the form filter specs and widgets use); missing stays missing."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        names = [str(c) for c in series.cat.categories]
        if len(set(names)) == len(names):  # relabel the few categories, not every row
            return series.cat.rename_categories(names).astype("string")
    return series.astype("string")


def normalize_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Drop empty parts, so equal constraints give an equal spec (and an equal cache key)."""
    filters = filters or {}
    spec: dict[str, Any] = {}
    date = filters.get("date") or {}
    if date.get("column") and (date.get("from") or date.get("to")):
        spec["date"] = {k: str(date[k]) for k in ("column", "from", "to") if date.get(k)}
    categories = {
        str(col): sorted({str(v) for v in values})
        for col, values in (filters.get("categories") or {}).items()
        if values
    }
    if categories:
        spec["categories"] = dict(sorted(categories.items()))
    return spec


def _day_start(day: str, tz: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(dt.date.fromisoformat(str(day)[:10]))
    if tz is None:
        return stamp
    # Where a DST change skips or repeats midnight, the day starts at the first instant that exists.
    return stamp.tz_localize(tz, nonexistent="shift_forward", ambiguous=True)


def apply_filters(frame: pd.DataFrame, filters: dict[str, Any] | None) -> pd.DataFrame:
    """Rows of `frame` that pass every filter. Unknown columns are ignored (a spec may outlive its
    dataset); an empty spec returns `frame` itself."""
    spec = normalize_filters(filters)
    if not spec:
        return frame
    mask = pd.Series(True, index=frame.index)
    date = spec.get("date")
    if date and date["column"] in frame.columns:
        values = frame[date["column"]]
        if not ptypes.is_datetime64_any_dtype(values.dtype):
            values = pd.to_datetime(values, errors="coerce")
        tz = getattr(values.dtype, "tz", None)
        if date.get("from"):
            mask &= (values >= _day_start(date["from"], tz)).fillna(False)
        last_day = dt.date.fromisoformat(str(date["to"])[:10]) if date.get("to") else dt.date.max
        if last_day < dt.date.max:  # up to 9999-12-31 has no upper bound: there is no next day to stop before
            next_day = (last_day + dt.timedelta(days=1)).isoformat()
            mask &= (values < _day_start(next_day, tz)).fillna(False)
    for column, values in spec.get("categories", {}).items():
        if column in frame.columns:
            mask &= labels(frame[column]).isin(values).fillna(False)
    if bool(mask.all()):
        return frame
    return frame.loc[mask.to_numpy(dtype=bool)]


def filter_candidates(frame: pd.DataFrame, max_categories: int = MAX_CATEGORY_FILTERS) -> FilterCandidates:
    """The first datetime column (with its date range) and up to `max_categories` category/bool columns
    with at most 200 distinct values, in table order."""
    date_column = date_min = date_max = None
    categories: dict[str, list[str]] = {}
    for name in frame.columns:
        series = frame[name]
        kind = column_kind(series)
        if kind == "datetime" and date_column is None:
            values = series.dropna()
            date_column = str(name)
            date_min, date_max = values.min().date().isoformat(), values.max().date().isoformat()
        elif kind in ("category", "bool") and len(categories) < max_categories:
            counts = labels(series).value_counts()
            if 1 < len(counts) <= MAX_CATEGORY_VALUES:
                categories[str(name)] = sorted(str(v) for v in counts.index)
    return FilterCandidates(date_column, date_min, date_max, categories)


def describe_filters(filters: dict[str, Any] | None) -> str:
    """Russian one-liner for captions: «time_hour: с 1 января 2013 г. по 31 марта 2013 г.; carrier: AA, UA»."""
    spec = normalize_filters(filters)
    parts: list[str] = []
    date = spec.get("date")
    if date:
        bounds = []
        if date.get("from"):
            bounds.append(f"с {fmt_date(date['from'])}")
        if date.get("to"):
            bounds.append(f"по {fmt_date(date['to'])}")
        parts.append(f"{date['column']}: {' '.join(bounds)}")
    for column, values in spec.get("categories", {}).items():
        shown = ", ".join(values[:DESCRIBED_VALUES])
        rest = len(values) - DESCRIBED_VALUES
        parts.append(f"{column}: {shown}" + (f" и ещё {rest}" if rest > 0 else ""))
    return "; ".join(parts) if parts else "без фильтров"


def filters_payload(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Compact form for prompt payloads: ISO dates and at most a few values per column."""
    spec = normalize_filters(filters)
    payload: dict[str, Any] = {}
    date = spec.get("date")
    if date:
        payload["период"] = {"столбец": date["column"], "с": date.get("from"), "по": date.get("to")}
    for column, values in spec.get("categories", {}).items():
        payload[column] = values[:DESCRIBED_VALUES] + ([f"и ещё {len(values) - DESCRIBED_VALUES}"]
                                                       if len(values) > DESCRIBED_VALUES else [])
    return payload

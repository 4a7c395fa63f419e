"""Overview of a whole table: size, missing values, duplicates, types and a profile of every column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lib.facts.base import FactSheet, Scope, clean, display_round, percent, shareable_value
from lib.schema import KINDS, Kind, column_kind

TOP_VALUES = 5
PAYLOAD_TOP_VALUES = 3

KIND_LABELS: dict[str, str] = {
    "numeric": "числовой",
    "category": "категория",
    "datetime": "дата/время",
    "bool": "логический",
    "text": "текст",
    "id": "идентификатор",
    "empty": "пустой",
}


@dataclass(frozen=True)
class NumericSummary:
    count: int
    mean: float | None
    std: float | None
    min: float | None
    q25: float | None
    median: float | None
    q75: float | None
    max: float | None


@dataclass(frozen=True)
class TopValue:
    value: str
    count: int
    share: float  # of all rows


@dataclass(frozen=True)
class ColumnSummary:
    name: str
    kind: Kind
    dtype: str
    missing: int
    missing_share: float
    unique: int
    numeric: NumericSummary | None = None
    top: tuple[TopValue, ...] = ()
    first: str | None = None  # datetime range, ISO
    last: str | None = None


@dataclass(frozen=True)
class OverviewFacts(FactSheet):
    kind = "overview"

    rows: int = 0
    columns: int = 0
    memory_bytes: int = 0
    missing_cells: int = 0
    missing_share: float = 0.0
    duplicate_rows: int = 0
    duplicate_share: float = 0.0
    kind_counts: dict[str, int] | None = None
    column_facts: tuple[ColumnSummary, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.rows == 0

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "строк": self.rows,
            "столбцов": self.columns,
            "пустых ячеек": self.missing_cells,
            "пустых ячеек, %": percent(self.missing_share),
            "строк-дубликатов": self.duplicate_rows,
            "типы столбцов": {KIND_LABELS[k]: n for k, n in (self.kind_counts or {}).items() if n},
        }
        if self.filters:
            payload["фильтры"] = self.filters
        payload["столбцы"] = [_column_payload(c) for c in self.column_facts]
        return payload


def _column_payload(column: ColumnSummary) -> dict[str, Any]:
    item: dict[str, Any] = {"имя": column.name, "тип": KIND_LABELS[column.kind]}
    if column.missing:
        item["пропусков"] = column.missing
        item["пропусков, %"] = percent(column.missing_share)
    item["уникальных"] = column.unique
    if column.numeric is not None:
        summary = column.numeric
        item.update(
            {
                "среднее": display_round(summary.mean),
                "медиана": display_round(summary.median),
                "мин": display_round(summary.min),
                "макс": display_round(summary.max),
            }
        )
    shared = [t for t in column.top[:PAYLOAD_TOP_VALUES] if shareable_value(column.kind, t.count)]
    if shared:
        item["частые"] = [{"значение": t.value, "строк": t.count, "доля, %": percent(t.share)} for t in shared]
    if column.first:
        item["с"] = column.first[:10]
        item["по"] = column.last[:10] if column.last else None
    return item


def finite_numbers(series: pd.Series) -> pd.Series:
    """`series` as float64 on the same index; text, missing and ±inf (Parquet, JSON `Infinity`) become NaN,
    so no statistic is infinite and no histogram or fit breaks on an infinite value."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    return values.where(np.isfinite(values))


def numeric_summary(series: pd.Series) -> NumericSummary:
    values = finite_numbers(series).dropna()
    if values.empty:
        return NumericSummary(0, None, None, None, None, None, None, None)
    q25, median, q75 = values.quantile([0.25, 0.5, 0.75]).tolist()
    mean = values.mean()
    if not np.isfinite(mean):  # the sum overflowed (values near ±1e308): average the scaled values
        mean = (values / values.size).sum()
    return NumericSummary(
        count=int(values.size),
        mean=clean(mean),
        std=clean(values.std()) if values.size > 1 else None,
        min=clean(values.min()),
        q25=clean(q25),
        median=clean(median),
        q75=clean(q75),
        max=clean(values.max()),
    )


def top_values(series: pd.Series, rows: int, limit: int = TOP_VALUES) -> tuple[TopValue, ...]:
    counts = series.dropna().astype(str).value_counts().head(limit)
    return tuple(
        TopValue(value=str(value), count=int(count), share=count / rows if rows else 0.0)
        for value, count in counts.items()
    )


def column_summary(series: pd.Series, kind: Kind | None = None) -> ColumnSummary:
    kind = kind or column_kind(series)
    rows = len(series)
    missing = int(series.isna().sum())
    summary = ColumnSummary(
        name=str(series.name),
        kind=kind,
        dtype=str(series.dtype),
        missing=missing,
        missing_share=missing / rows if rows else 0.0,
        unique=int(series.nunique(dropna=True)),
    )
    extra: dict[str, Any] = {}
    if kind == "numeric":
        extra["numeric"] = numeric_summary(series)
    elif kind in ("category", "bool", "text", "id"):
        extra["top"] = top_values(series, rows)
    elif kind == "datetime":
        values = series.dropna()
        extra["first"], extra["last"] = values.min().isoformat(), values.max().isoformat()
    return ColumnSummary(**{**summary.__dict__, **extra})


def overview_facts(frame: pd.DataFrame, scope: Scope) -> OverviewFacts:
    """Exact overview of `frame` (all rows; nothing sampled)."""
    rows, columns = frame.shape
    column_facts = tuple(column_summary(frame[name]) for name in frame.columns)
    kind_counts = {kind: sum(c.kind == kind for c in column_facts) for kind in KINDS}
    missing_cells = int(frame.isna().sum().sum())
    cells = rows * columns
    duplicates = int(frame.duplicated().sum()) if rows and columns else 0
    return OverviewFacts(
        **scope.sheet_fields(),
        rows=int(rows),
        columns=int(columns),
        memory_bytes=int(frame.memory_usage(deep=True).sum()),
        missing_cells=missing_cells,
        missing_share=missing_cells / cells if cells else 0.0,
        duplicate_rows=duplicates,
        duplicate_share=duplicates / rows if rows else 0.0,
        kind_counts=kind_counts,
        column_facts=column_facts,
    )

"""Overview of a whole table: size, missing values, duplicates, types and a profile of every column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lib.facts.base import FactSheet, Scope, percent, shareable_value
from lib.facts.shared import (
    MAX_COLUMNS,
    ColumnWork,
    NumericSummary,
    column_work,
    finite_numbers,
    shared_work,
    summary_of,
)
from lib.filters import filters_payload
from lib.schema import KINDS, Kind

__all__ = ["MAX_COLUMNS", "NumericSummary", "finite_numbers"]

TOP_VALUES = 5
PAYLOAD_TOP_VALUES = 2
PAYLOAD_COLUMNS = 6  # columns named in the overview payload (the page shows all)
PAYLOAD_MISSING_COLUMNS = 3
PAYLOAD_FREQUENT_COLUMNS = 2

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
    kind_counts: dict[str, int] | None = None  # of the profiled columns
    column_facts: tuple[ColumnSummary, ...] = ()  # the first MAX_COLUMNS columns
    skipped_columns: int = 0  # columns past MAX_COLUMNS, not profiled

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
            payload["фильтры"] = filters_payload(self.filters)
        chosen = notable_columns(self.column_facts)
        frequent = {c.name for c in notable_frequent(chosen)}
        payload["столбцы"] = [_column_payload(c, with_values=c.name in frequent) for c in chosen]
        if self.columns > len(chosen):
            payload["не вошли ещё столбцов"] = self.columns - len(chosen)
        if self.skipped_columns:
            payload["описаны только первые столбцы"] = len(self.column_facts)
        return payload


def notable_columns(columns: tuple[ColumnSummary, ...], limit: int = PAYLOAD_COLUMNS) -> list[ColumnSummary]:
    """The columns the overview payload names, at most `limit`, by a fixed rule: columns with gaps, the most
    missing first (at most PAYLOAD_MISSING_COLUMNS); then the first date column; then category columns whose
    most frequent value repeats, the most concentrated first (at most PAYLOAD_FREQUENT_COLUMNS); then the
    remaining columns in table order. The page lists every column; the payload says how many it leaves out."""
    gaps = sorted((c for c in columns if c.missing), key=lambda c: -c.missing_share)[:PAYLOAD_MISSING_COLUMNS]
    dated = [c for c in columns if c.first and c not in gaps][:1]
    frequent = notable_frequent([c for c in columns if c not in gaps])
    chosen = [*gaps, *dated, *frequent]
    chosen += [c for c in columns if c not in chosen]
    return chosen[:limit]


def notable_frequent(columns: list[ColumnSummary]) -> list[ColumnSummary]:
    """Columns whose repeating most frequent value is the most concentrated, at most PAYLOAD_FREQUENT_COLUMNS;
    only these carry their frequent values in the payload."""
    return sorted((c for c in columns if _shared_top(c)), key=lambda c: -c.top[0].share)[:PAYLOAD_FREQUENT_COLUMNS]


def _shared_top(column: ColumnSummary) -> list[TopValue]:
    return [t for t in column.top[:PAYLOAD_TOP_VALUES] if shareable_value(column.kind, t.count)]


def _column_payload(column: ColumnSummary, with_values: bool) -> dict[str, Any]:
    """One column in a few tokens: type, gaps, distinct values, its repeating frequent values or its date
    range. Numeric summaries stay on the page and on «Столбцы» (the overview's task does not ask for them)."""
    item: dict[str, Any] = {"имя": column.name, "тип": KIND_LABELS[column.kind]}
    if column.missing:
        item["пропусков"] = column.missing
        item["пропусков, %"] = percent(column.missing_share)
    item["уникальных"] = column.unique
    shared = _shared_top(column) if with_values else []
    if shared:
        item["частые"] = [{"значение": t.value, "строк": t.count, "доля, %": percent(t.share)} for t in shared]
    if column.first:
        item["с"] = column.first[:10]
        item["по"] = column.last[:10] if column.last else None
    return item


def numeric_summary(series: pd.Series) -> NumericSummary:
    values = finite_numbers(series).to_numpy()
    return summary_of(values[~np.isnan(values)])


def top_values(counts: pd.Series | None, rows: int, limit: int = TOP_VALUES) -> tuple[TopValue, ...]:
    """The `limit` most frequent values of `counts` (shared value counts) with their share of all rows."""
    if counts is None:
        return ()
    return tuple(TopValue(value=str(value), count=int(count), share=count / rows if rows else 0.0)
                 for value, count in counts.head(limit).items())


def summary_from_work(work: ColumnWork) -> ColumnSummary:
    return ColumnSummary(
        name=work.name,
        kind=work.kind,
        dtype=work.dtype,
        missing=work.missing,
        missing_share=work.missing / work.rows if work.rows else 0.0,
        unique=work.unique,
        numeric=work.numeric,
        top=top_values(work.counts, work.rows) if work.kind in ("category", "bool", "text", "id") else (),
        first=work.first.isoformat() if work.first is not None else None,
        last=work.last.isoformat() if work.last is not None else None,
    )


def column_summary(series: pd.Series, kind: Kind | None = None) -> ColumnSummary:
    return summary_from_work(column_work(series, kind))


def overview_facts(frame: pd.DataFrame, scope: Scope) -> OverviewFacts:
    """Exact overview of `frame` (all rows; nothing sampled). Columns past MAX_COLUMNS are counted in the
    table-wide figures and in `skipped_columns`, not profiled."""
    work = shared_work(frame)
    column_facts = tuple(summary_from_work(c) for c in work.profiled)
    kind_counts: dict[str, int] = {str(kind): sum(c.kind == kind for c in column_facts) for kind in KINDS}
    cells = work.rows * work.columns
    return OverviewFacts(
        **scope.sheet_fields(),
        rows=work.rows,
        columns=work.columns,
        memory_bytes=work.memory_bytes,
        missing_cells=work.missing_cells,
        missing_share=work.missing_cells / cells if cells else 0.0,
        duplicate_rows=work.duplicate_rows,
        duplicate_share=work.duplicate_rows / work.rows if work.rows else 0.0,
        kind_counts=kind_counts,
        column_facts=column_facts,
        skipped_columns=work.skipped_columns,
    )

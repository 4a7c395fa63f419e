"""Profile of one column: type, missing, unique, numeric summary with IQR outliers and a histogram,
top values with «прочее», or a datetime range with counts per period. Exact on all rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from lib.facts import shared
from lib.facts.base import UNSHARED_KINDS, FactSheet, Scope, display_round, percent, shareable_value
from lib.facts.codes import Codes, column_codes
from lib.facts.overview import KIND_LABELS, NumericSummary, TopValue, finite_numbers
from lib.facts.shared import Outliers, column_work, outliers_of
from lib.filters import filters_payload
from lib.schema import Kind

__all__ = ["Outliers"]

TOP_N = 10
PAYLOAD_TOP_N = 5
HISTOGRAM_BINS = 30
IQR_FACTOR = shared.IQR_FACTOR
VALUES_WITHHELD = "не передаются: это текст или идентификаторы отдельных строк"


@dataclass(frozen=True)
class HistogramBin:
    left: float
    right: float
    count: int


@dataclass(frozen=True)
class PeriodCount:
    start: str  # ISO date
    count: int


@dataclass(frozen=True)
class ColumnFacts(FactSheet):
    kind = "columns"

    column: str = ""
    column_kind: Kind = "empty"
    dtype: str = ""
    rows: int = 0
    valid: int = 0
    missing: int = 0
    missing_share: float = 0.0
    unique: int = 0
    numeric: NumericSummary | None = None
    outliers: Outliers | None = None
    histogram: tuple[HistogramBin, ...] = ()
    top: tuple[TopValue, ...] = ()  # shares are of the valid (non-missing) values
    other_count: int = 0  # valid values outside the top
    other_share: float = 0.0
    first: str | None = None
    last: str | None = None
    span_days: int | None = None
    period: str | None = None  # "day" | "month" | "year": the bucket of `timeline`
    timeline: tuple[PeriodCount, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.valid == 0

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "столбец": self.column,
            "тип": KIND_LABELS[self.column_kind],
            "строк": self.rows,
            "пропусков": self.missing,
            "пропусков, %": percent(self.missing_share),
            "заполненных": self.valid,
            "уникальных": self.unique,
        }
        if self.filters:
            payload["фильтры"] = filters_payload(self.filters)
        if self.numeric is not None and self.numeric.count:
            n = self.numeric
            payload.update(
                {
                    "среднее": display_round(n.mean),
                    "медиана": display_round(n.median),
                    "ст. отклонение": display_round(n.std),
                    "мин": display_round(n.min),
                    "Q1": display_round(n.q25),
                    "Q3": display_round(n.q75),
                    "макс": display_round(n.max),
                }
            )
        if self.outliers is not None:
            o = self.outliers
            payload["выбросы (правило IQR)"] = {
                "нижняя граница": display_round(o.lower_fence),
                "верхняя граница": display_round(o.upper_fence),
                "ниже": o.below,
                "выше": o.above,
                "всего": o.count,
                "доля, %": percent(o.share),
            }
        shown = [t for t in self.top[:PAYLOAD_TOP_N] if shareable_value(self.column_kind, t.count)]
        if shown:
            payload["частые значения"] = [
                {"значение": t.value, "строк": t.count, "доля, %": percent(t.share)} for t in shown
            ]
        if self.top and self.column_kind in UNSHARED_KINDS:
            payload["значения"] = VALUES_WITHHELD
        elif self.top:
            rest = self.valid - sum(t.count for t in shown)
            if rest:
                payload["прочие значения"] = {"строк": rest, "доля, %": percent(rest / self.valid)}
        if self.first:
            payload["с"] = self.first[:10]
            payload["по"] = (self.last or "")[:10]
            payload["дней"] = self.span_days
        return payload


def iqr_outliers(values: pd.Series) -> Outliers | None:
    """IQR rule on float values without missing; None when there are no values."""
    return outliers_of(values.to_numpy(dtype="float64"))


def numeric_values(series: pd.Series) -> pd.Series:
    """Valid finite numeric values as float64 (booleans and nullable ints included, ±inf left out)."""
    return finite_numbers(series).dropna()


COUNTED_SPAN = 1 << 20  # whole-number ranges up to this wide are histogrammed from the counts of each value


def _even_edges(low: float, high: float, bins: int) -> np.ndarray:
    """`bins` equal-width bin edges from `low` to `high`, exact at both ends; weighted sums instead of
    `high - low`, which overflows to infinity for ±1e308. Edges that coincide in floating point merge."""
    steps = np.linspace(0.0, 1.0, bins + 1)
    edges = low * (1.0 - steps) + high * steps
    edges[0], edges[-1] = low, high
    return np.unique(edges)


def _histogram(values: pd.Series, unique: int, counted: Codes | None = None) -> tuple[HistogramBin, ...]:
    """Bars over the finite values; `counted`: the column's shared offset codes, whose count of each whole
    number gives the bars without reading the rows (then `values` is not used)."""
    if counted is not None:
        low, high, rows = counted.low, counted.low + counted.size - 1, counted.present
    elif values.empty:
        return ()
    else:
        low, high, rows = float(values.min()), float(values.max()), int(values.size)
    if low == high:
        return (HistogramBin(low, high, rows),)
    finite = np.empty(0) if counted is not None else values.to_numpy(dtype="float64")
    integers = counted is not None or bool(np.array_equal(finite, np.trunc(finite)))
    if integers and high - low + 1 <= HISTOGRAM_BINS:
        edges = np.arange(low - 0.5, high + 1.0, 1.0)  # one bar per integer value
    else:
        edges = _even_edges(low, high, min(HISTOGRAM_BINS, max(unique, 2)))
    if len(edges) < 2:  # a range too narrow for two distinct floats (0.3 and 0.30000000000000004)
        return (HistogramBin(low, high, rows),)
    if counted is not None or (integers and high - low < min(len(finite), COUNTED_SPAN)):
        # whole numbers in a narrow range: each distinct value weighted by its count, no sort of the rows
        weights = counted.counts if counted is not None else np.bincount((finite - low).astype("int64"))
        counts, edges = np.histogram(low + np.arange(len(weights)), bins=edges, weights=weights)
        counts = counts.astype("int64")
    else:
        counts, edges = np.histogram(finite, bins=edges)
    bounds = zip(edges[:-1], edges[1:], counts, strict=True)
    return tuple(HistogramBin(float(a), float(b), int(c)) for a, b, c in bounds)


def span_days(first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Whole days from `first` to `last`, also past the ±292 years a nanosecond Timedelta holds
    (a `datetime64[s]` column from 1700 to 2000)."""
    return (last.to_pydatetime() - first.to_pydatetime()).days


def _timeline(values: pd.Series) -> tuple[str, tuple[PeriodCount, ...]]:
    if getattr(values.dtype, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    span = span_days(values.min(), values.max())
    period, freq = ("day", "D") if span <= 92 else ("month", "M") if span <= 366 * 5 else ("year", "Y")
    counts = values.dt.to_period(freq).value_counts().sort_index()
    full = pd.period_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(full, fill_value=0)
    return period, tuple(PeriodCount(p.start_time.date().isoformat(), int(c)) for p, c in counts.items())


def column_facts(frame: pd.DataFrame, scope: Scope, column: str | None = None) -> ColumnFacts:
    """Exact profile of `column` (the first column when None) over all rows of `frame`."""
    if column is None or column not in frame.columns:
        column = str(frame.columns[0]) if len(frame.columns) else ""
    if not column:
        return ColumnFacts(**scope.sheet_fields(), options={"column": None})
    series = frame[column]
    position = frame.columns.get_loc(column)
    counted = (column_codes(frame, position, offset_only=True)
               if isinstance(position, int) and ptypes.is_integer_dtype(series.dtype) else None)
    counted = counted if counted is not None and counted.offset else None
    work = column_work(series.rename(column), keep_values=counted is None,
                       codes=None if counted is None else lambda: counted)
    rows, missing, valid, kind, unique = work.rows, work.missing, work.valid, work.kind, work.unique
    fields: dict[str, Any] = {}
    if kind == "numeric":
        fields["numeric"] = work.numeric
        fields["outliers"] = work.outliers
        fields["histogram"] = _histogram(pd.Series(work.finite), unique, counted)
    elif kind == "datetime" and valid and work.first is not None and work.last is not None:
        values = series.dropna()
        first, last = work.first, work.last
        fields.update(first=first.isoformat(), last=last.isoformat(), span_days=span_days(first, last))
        fields["period"], fields["timeline"] = _timeline(values)
    elif valid and work.counts is not None:
        top = work.counts.head(TOP_N)
        fields["top"] = tuple(TopValue(str(v), int(c), c / valid) for v, c in top.items())
        other = valid - int(top.sum())
        fields.update(other_count=other, other_share=other / valid)
    return ColumnFacts(
        **scope.sheet_fields(),
        options={"column": column},
        column=column,
        column_kind=kind,
        dtype=str(series.dtype),
        rows=rows,
        valid=valid,
        missing=missing,
        missing_share=missing / rows if rows else 0.0,
        unique=unique,
        **fields,
    )


"""Time series of a measure per period (day, week, month, quarter): rolling mean, period-over-period
change, best and worst periods, trend direction (least-squares slope) and gaps (periods without rows).
Exact on all rows. Time-zone-aware columns are bucketed by their local wall time.

A period the data covers only in part (the rows start or end inside it, or the date filter cuts it) is
marked partial. A partial period's count or sum is small only because days are missing, so for count and
sum it is left out of the slope, the direction, the best/worst lists, the rolling mean and the
period-over-period change; a mean or median of the days present is still comparable, so those keep it
(marked). Infinite measure values count as missing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from lib.facts.base import FactSheet, Scope, display_round, percent
from lib.facts.overview import finite_numbers
from lib.filters import filters_payload, normalize_filters
from lib.fmt import fmt_month

PERIODS: dict[str, str] = {"day": "день", "week": "неделя", "month": "месяц", "quarter": "квартал"}
_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q"}
WINDOWS = {"day": 7, "week": 4, "month": 3, "quarter": 2}
AGGREGATIONS: dict[str, str] = {"count": "количество", "sum": "сумма", "mean": "среднее", "median": "медиана"}
ROWS_MEASURE = "число строк"
FLAT_SLOPE_SHARE = 0.01  # |slope| below 1 % of the mean level per period counts as «без выраженного тренда»
EXTREMES = 3
PAYLOAD_GAPS = 5
QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class PeriodValue:
    start: str  # ISO date of the period's first day
    label: str  # Russian label: «05.01.2013», «неделя с 31.12.2012», «январь 2013», «I квартал 2013»
    value: float | None  # None for mean/median of a period without rows
    rows: int
    rolling: float | None = None
    change: float | None = None  # vs the previous period
    change_share: float | None = None
    partial: bool = False  # the data or the date filter covers only part of the period


@dataclass(frozen=True)
class TrendFacts(FactSheet):
    kind = "trends"

    date_column: str = ""
    measure: str | None = None
    aggregation: str = "count"
    period: str = "month"
    window: int = 3
    rows: int = 0
    dated_rows: int = 0  # rows with a valid date
    points: tuple[PeriodValue, ...] = ()
    best: tuple[PeriodValue, ...] = ()  # largest values first
    worst: tuple[PeriodValue, ...] = ()  # smallest values first
    gaps: tuple[str, ...] = ()  # labels of periods without rows
    slope: float | None = None  # change per period (least squares over periods with values; full ones for count/sum)
    slope_share: float | None = None  # slope / mean value
    direction: str = "нет данных"

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def measure_label(self) -> str:
        return self.measure or ROWS_MEASURE

    @property
    def partial_periods(self) -> tuple[str, ...]:
        return tuple(p.label for p in self.points if p.partial)

    @property
    def partial_excluded(self) -> bool:
        """Whether partial periods are left out of the trend, the extremes and the changes."""
        return excludes_partial(self.aggregation)

    def payload(self) -> dict[str, Any]:
        def item(p: PeriodValue) -> dict[str, Any]:
            entry: dict[str, Any] = {"период": p.label, "значение": display_round(p.value)}
            if p.partial:
                entry["неполный период"] = True
            return entry

        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "дата": self.date_column,
            "показатель": self.measure_label,
            "агрегат": AGGREGATIONS[self.aggregation],
            "период": PERIODS[self.period],
            "строк": self.rows,
            "строк с датой": self.dated_rows,
            "периодов": len(self.points),
        }
        if self.filters:
            payload["фильтры"] = filters_payload(self.filters)
        if not self.points:
            return payload
        first, last = self.points[0], self.points[-1]
        payload["первый период"] = item(first)
        payload["последний период"] = item(last)
        if last.change is not None:
            payload["изменение к предыдущему"] = display_round(last.change)
            if last.change_share is not None:
                payload["изменение к предыдущему, %"] = percent(last.change_share)
        if self.partial_periods:
            payload["неполные периоды"] = list(self.partial_periods)
            payload["неполные периоды в тренде и сравнениях"] = "не учтены" if self.partial_excluded else "учтены"
            full = [p for p in self.points if not p.partial]
            if self.partial_excluded and last.partial and full and full[-1].change is not None:
                last_full = item(full[-1])
                last_full["изменение к предыдущему"] = display_round(full[-1].change)
                if full[-1].change_share is not None:
                    last_full["изменение к предыдущему, %"] = percent(full[-1].change_share)
                payload["последний полный период"] = last_full
        payload["наибольшие"] = [item(p) for p in self.best]
        if self.worst:
            payload["наименьшие"] = [item(p) for p in self.worst]
        payload["тренд"] = self.direction
        if self.slope is not None:
            payload["наклон за период"] = display_round(self.slope)
        if self.slope_share is not None:
            payload["наклон за период, % от среднего"] = percent(self.slope_share)
        payload["пропущенных периодов"] = len(self.gaps)
        if self.gaps:
            payload["пропуски"] = list(self.gaps[:PAYLOAD_GAPS])
        return payload


def period_label(period: pd.Period, kind: str) -> str:
    start = period.start_time
    if kind == "day":
        return f"{start.day:02d}.{start.month:02d}.{start.year}"
    if kind == "week":
        return f"неделя с {start.day:02d}.{start.month:02d}.{start.year}"
    if kind == "month":
        return fmt_month(start.date())
    return f"{QUARTERS[period.quarter - 1]} квартал {period.year}"


def excludes_partial(aggregation: str) -> bool:
    return aggregation in ("count", "sum")


def trend_direction(slope: float | None, slope_share: float | None) -> str:
    if slope is None or not math.isfinite(slope):
        return "нет данных"
    if slope_share is not None and abs(slope_share) < FLAT_SLOPE_SHARE or slope == 0:
        return "без выраженного тренда"
    return "рост" if slope > 0 else "снижение"


def trend_facts(
    frame: pd.DataFrame,
    scope: Scope,
    date_column: str | None = None,
    measure: str | None = None,
    aggregation: str = "count",
    period: str = "month",
) -> TrendFacts:
    """`aggregation` of `measure` (rows when None) per `period` of `date_column`, over all rows."""
    if period not in PERIODS:
        period = "month"
    if measure is not None and measure not in frame.columns:
        measure = None
    if measure is None:
        aggregation = "count"
    elif aggregation not in AGGREGATIONS:
        aggregation = "mean"
    window = WINDOWS[period]
    options = {"date_column": date_column, "measure": measure, "aggregation": aggregation, "period": period}
    base = {**scope.sheet_fields(), "options": options, "date_column": date_column or "", "measure": measure,
            "aggregation": aggregation, "period": period, "window": window, "rows": len(frame)}
    if not date_column or date_column not in frame.columns:
        return TrendFacts(**base)
    dates = frame[date_column]
    if not ptypes.is_datetime64_any_dtype(dates.dtype):
        dates = pd.to_datetime(dates, errors="coerce")
    if getattr(dates.dtype, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    valid = dates.notna().to_numpy()
    if not valid.any():
        return TrendFacts(**base)
    periods = dates[valid].dt.to_period(_FREQ[period])
    # rows count as 1; a measure's ±inf is not a measurement and counts as missing
    values = pd.Series(1.0, index=periods.index) if measure is None else finite_numbers(frame.loc[valid, measure])
    grouped = values.groupby(periods, sort=True)
    sizes = grouped.size()
    if measure is None:
        series = sizes.astype("float64")
    elif aggregation == "count":
        series = grouped.count().astype("float64")
    else:
        series = grouped.agg(aggregation)
    full = pd.period_range(sizes.index.min(), sizes.index.max(), freq=_FREQ[period])
    sizes = sizes.reindex(full, fill_value=0)
    series = series.reindex(full)
    if aggregation in ("count", "sum"):
        series = series.fillna(0.0)  # a period without rows counts and sums to zero
    first_day, last_day = _covered_days(dates[valid], periods, date_column, scope.filters)
    partial = np.array([p.start_time < first_day or p.end_time.normalize() > last_day for p in full])
    comparable = series.where(~partial) if excludes_partial(aggregation) else series
    rolling = comparable.rolling(window, min_periods=window).mean()
    previous = comparable.shift(1)
    change = comparable - previous
    change_share = change / previous.abs().where(previous != 0)
    points = tuple(
        PeriodValue(
            start=p.start_time.date().isoformat(),
            label=period_label(p, period),
            value=_float(v),
            rows=int(n),
            rolling=_float(r),
            change=_float(c),
            change_share=_float(s),
            partial=bool(cut),
        )
        for p, v, n, r, c, s, cut in zip(full, series, sizes, rolling, change, change_share, partial, strict=True)
    )
    ranked = [(i, p) for i, p in enumerate(points)
              if p.value is not None and not (p.partial and excludes_partial(aggregation))]
    ordered = sorted((p for _, p in ranked), key=lambda p: p.value, reverse=True)
    k = min(EXTREMES, len(ordered) // 2)
    best = tuple(ordered[: max(k, 1)])
    worst = tuple(reversed(ordered[-k:])) if k else ()
    slope = slope_share = None
    if len(ranked) >= 2:
        x = np.array([i for i, _ in ranked], dtype="float64")
        y = np.array([p.value for _, p in ranked], dtype="float64")
        fitted = float(np.polyfit(x, y, 1)[0])
        if math.isfinite(fitted):
            slope = fitted
            level = float(np.mean(y))
            slope_share = slope / abs(level) if level else None
    return TrendFacts(
        **base,
        dated_rows=int(valid.sum()),
        points=points,
        best=best,
        worst=worst,
        gaps=tuple(p.label for p in points if p.rows == 0),
        slope=slope,
        slope_share=slope_share,
        direction=trend_direction(slope, slope_share),
    )


def _covered_days(
    dates: pd.Series, periods: pd.Series, date_column: str, filters: dict[str, Any]
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (midnight) the rows cover, narrowed by the date filter on this column.

    Data already recorded per period (every date is its period's first instant, e.g. monthly figures
    dated the 1st) covers its periods whole, and a filter keeps or drops such a row entirely."""
    starts = periods.dt.start_time
    if bool((dates.to_numpy() == starts.to_numpy()).all()):
        return starts.min(), periods.max().end_time.normalize()
    first, last = dates.min().normalize(), dates.max().normalize()
    bounds = normalize_filters(filters).get("date")
    if bounds and bounds["column"] == date_column:
        if bounds.get("from"):
            first = max(first, pd.Timestamp(bounds["from"][:10]))
        if bounds.get("to"):
            last = min(last, pd.Timestamp(bounds["to"][:10]))
    return first, last


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) or not math.isfinite(value) else float(value)

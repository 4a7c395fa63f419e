"""Time series of a measure per period (day, week, month, quarter, year): rolling mean, period-over-period
change, best and worst periods, the trend and its test, anomalies, and gaps (periods without rows).
Exact on all rows. Time-zone-aware columns are bucketed by their local wall time.

The trend is «рост» or «снижение» only when the Mann–Kendall test (Kendall's τ of the values against the
period index) gives p < 0.05; otherwise «без выраженного тренда». The slope is Theil–Sen's (median of the
pairwise slopes) with its 95 % interval. Anomalies are periods whose residual from the Theil–Sen line has
a robust z (median/MAD) of at least 3.5 in magnitude, sought when at least 8 full periods have values.
At most 2 000 periods are built: a finer period over a longer span is coarsened automatically (and the
sheet says so). Dates outside pandas' nanosecond range (1677–2262) are not used.

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
from lib.facts.codes import cached_factors
from lib.facts.overview import finite_numbers
from lib.filters import filters_payload, normalize_filters
from lib.fmt import fmt_month
from lib.stats import ROBUST_Z_LIMIT, TrendTest, robust_z, shown_p_value, trend_test

PERIODS: dict[str, str] = {"day": "день", "week": "неделя", "month": "месяц", "quarter": "квартал", "year": "год"}
_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
WINDOWS = {"day": 7, "week": 4, "month": 3, "quarter": 2, "year": 3}
AGGREGATIONS: dict[str, str] = {"count": "количество", "sum": "сумма", "mean": "среднее", "median": "медиана"}
ROWS_MEASURE = "число строк"
RISE, FALL, FLAT, NO_DATA = "рост", "снижение", "без выраженного тренда", "нет данных"
MAX_PERIODS = 2000
ANOMALY_MIN_PERIODS = 8
EXTREMES = 3
PAYLOAD_GAPS = 5
PAYLOAD_ANOMALIES = 2
PAYLOAD_EXTREMES = 1  # the page lists three; the text names the top and bottom one
QUARTERS = ("I", "II", "III", "IV")
_NS_RANGE = (pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D"))
OUT_OF_RANGE_KEY = "даты вне диапазона"  # {"дат": N, "с года": 1677, "по год": 2262}
NS_YEARS = (_NS_RANGE[0].year, _NS_RANGE[1].year)  # 1677, 2262


@dataclass(frozen=True)
class Anomaly:
    """A period far from the robust baseline: the Theil–Sen line plus the median residual."""

    label: str
    value: float
    expected: float  # the baseline at this period
    z: float  # robust z of the residual

    @property
    def above(self) -> bool:
        return self.value > self.expected


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
    out_of_range_dates: int = 0  # rows whose date lies outside 1677–2262 (not in any period, not in dated_rows)
    points: tuple[PeriodValue, ...] = ()
    best: tuple[PeriodValue, ...] = ()  # largest values first
    worst: tuple[PeriodValue, ...] = ()  # smallest values first
    gaps: tuple[str, ...] = ()  # labels of periods without rows
    requested_period: str = "month"  # what was asked; `period` is coarser when that gave over 2 000 periods
    slope: float | None = None  # Theil–Sen change per period (periods with values; full ones for count/sum)
    intercept: float | None = None  # the Theil–Sen line is intercept + slope · (index of the period in `points`)
    slope_low: float | None = None  # its 95 % interval
    slope_high: float | None = None
    slope_share: float | None = None  # slope / mean value
    tau: float | None = None  # Mann–Kendall: Kendall's τ of value against period index
    p_value: float | None = None
    trend_periods: int = 0  # periods the test used
    direction: str = NO_DATA
    anomalies: tuple[Anomaly, ...] = ()  # largest |z| first

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def measure_label(self) -> str:
        return self.measure or ROWS_MEASURE

    @property
    def coarsened(self) -> bool:
        return self.period != self.requested_period

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
            **({"период укрупнён": f"выбран «{PERIODS[self.requested_period]}», но тогда периодов больше "
                                   f"{MAX_PERIODS}"} if self.coarsened else {}),
            "строк": self.rows,
            "периодов": len(self.points),
        }
        if self.dated_rows != self.rows:
            payload["строк с датой"] = self.dated_rows
        if self.out_of_range_dates:
            payload[OUT_OF_RANGE_KEY] = {"дат": self.out_of_range_dates, "с года": NS_YEARS[0], "по год": NS_YEARS[1]}
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
            payload["неполные в тренде"] = "не учтены" if self.partial_excluded else "учтены"
            full = [p for p in self.points if not p.partial]
            if self.partial_excluded and last.partial and full and full[-1].change is not None:
                last_full = item(full[-1])
                last_full["изменение к предыдущему"] = display_round(full[-1].change)
                if full[-1].change_share is not None:
                    last_full["изменение к предыдущему, %"] = percent(full[-1].change_share)
                payload["последний полный период"] = last_full
        payload["наибольшие"] = [item(p) for p in self.best[:PAYLOAD_EXTREMES]]
        if self.worst:
            payload["наименьшие"] = [item(p) for p in self.worst[:PAYLOAD_EXTREMES]]
        payload.update(self.trend_payload())
        payload["пропущенных периодов"] = len(self.gaps)
        if self.gaps:
            payload["пропуски"] = list(self.gaps[:PAYLOAD_GAPS])
        return payload


    def trend_payload(self) -> dict[str, Any]:
        """The trend as the page states it: the word, the test and the slope with its interval."""
        shown: dict[str, Any] = {"тренд": self.direction}
        if self.p_value is None or self.slope is None:
            return shown
        shown["периодов в проверке"] = self.trend_periods
        shown["p-значение меньше" if self.p_value < 0.001 else "p-значение"] = shown_p_value(self.p_value)
        shown["наклон за период"] = display_round(self.slope)
        shown["наклон, 95 % интервал"] = [display_round(self.slope_low), display_round(self.slope_high)]
        if self.slope_share is not None and self.direction != FLAT:
            shown["наклон за период, % от среднего"] = percent(self.slope_share)
        if self.trend_periods >= ANOMALY_MIN_PERIODS:
            shown["аномалий"] = len(self.anomalies)
            if self.anomalies:
                shown["аномалии"] = [
                    {"период": a.label, "значение": display_round(a.value), "по тренду": display_round(a.expected)}
                    for a in self.anomalies[:PAYLOAD_ANOMALIES]
                ]
                if len(self.anomalies) > PAYLOAD_ANOMALIES:
                    shown["аномалий не показано"] = len(self.anomalies) - PAYLOAD_ANOMALIES
        return shown


def period_label(period: pd.Period, kind: str) -> str:
    start = period.start_time
    if kind == "day":
        return f"{start.day:02d}.{start.month:02d}.{start.year}"
    if kind == "week":
        return f"неделя с {start.day:02d}.{start.month:02d}.{start.year}"
    if kind == "month":
        return fmt_month(start.date())
    if kind == "year":
        return f"{period.year} год"
    return f"{QUARTERS[period.quarter - 1]} квартал {period.year}"


def excludes_partial(aggregation: str) -> bool:
    return aggregation in ("count", "sum")


def trend_direction(test: TrendTest | None, periods: int) -> str:
    """«рост»/«снижение» only when Mann–Kendall's p < 0.05; «без выраженного тренда» otherwise, including a
    constant series; «нет данных» below 3 periods with values."""
    if test is None:
        return FLAT if periods >= 3 else NO_DATA
    if not test.significant or test.tau == 0:
        return FLAT
    return RISE if test.tau > 0 else FALL


def fitting_period(first: pd.Timestamp, last: pd.Timestamp, period: str) -> str:
    """`period`, or the next coarser one (day → week → month → quarter → year) while the span needs more
    than 2 000 periods."""
    order = list(PERIODS)
    for candidate in order[order.index(period):]:
        span = pd.Period(last, _FREQ[candidate]).ordinal - pd.Period(first, _FREQ[candidate]).ordinal + 1
        if span <= MAX_PERIODS:
            return candidate
    return order[-1]


def anomalies_of(x: np.ndarray, y: np.ndarray, labels: list[str], test: TrendTest | None) -> tuple[Anomaly, ...]:
    """Periods whose residual from the Theil–Sen line has |robust z| ≥ 3.5; none below 8 periods."""
    if len(y) < ANOMALY_MIN_PERIODS:
        return ()
    slope, intercept = (test.slope, test.intercept) if test is not None else (0.0, float(np.median(y)))
    with np.errstate(all="ignore"):
        line = intercept + slope * x
        residuals = y - line
    z = robust_z(residuals)
    baseline = line + float(np.median(residuals))
    found = [Anomaly(labels[i], float(y[i]), float(baseline[i]), float(z[i]))
             for i in np.flatnonzero(np.abs(z) >= ROBUST_Z_LIMIT)]
    return tuple(sorted(found, key=lambda a: -abs(a.z)))


def wall_dates(column: pd.Series) -> pd.Series:
    """The column as naive datetimes of any unit: text parsed, time zones as local wall time."""
    dates = column
    if not ptypes.is_datetime64_any_dtype(dates.dtype):
        dates = pd.to_datetime(dates, errors="coerce")
    if getattr(dates.dtype, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates


def frame_wall_dates(frame: pd.DataFrame, column: str) -> pd.Series:
    """`wall_dates(frame[column])`; a zoned date column whose factors a page has made (the profile does)
    converts only its distinct values to wall time, then looks every row up (flights: 4,9 → 0,6 ms)."""
    series = frame[column]
    position = frame.columns.get_loc(column)
    factors = cached_factors(frame, position) if isinstance(position, int) else None
    if factors is None or getattr(series.dtype, "tz", None) is None:
        return wall_dates(series)
    wall = factors.uniques.tz_localize(None).array.take(factors.codes, allow_fill=True)
    return pd.Series(wall, index=series.index, name=series.name)


def _in_range(dates: pd.Series) -> pd.Series:
    if dates.dtype != "datetime64[ns]":
        dates = dates.where((dates >= _NS_RANGE[0]) & (dates <= _NS_RANGE[1])).astype("datetime64[ns]")
    return dates


def usable_dates(column: pd.Series) -> pd.Series:
    """The column as naive datetime64[ns]: text parsed, time zones as local wall time, dates outside the
    nanosecond range (1677–2262) missing."""
    return _in_range(wall_dates(column))


def out_of_range_count(column: pd.Series) -> int:
    """Dates of the column outside 1677–2262 (e.g. years 0001 or 9999 in datetime64[s]): they are dates,
    but pandas cannot put them into periods, so Динамика leaves them out and says how many."""
    parsed = wall_dates(column)
    return int(parsed.notna().sum() - _in_range(parsed).notna().sum())


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
    requested = period
    if measure is not None and measure not in frame.columns:
        measure = None
    if measure is None:
        aggregation = "count"
    elif aggregation not in AGGREGATIONS:
        aggregation = "mean"
    window = WINDOWS[period]
    options = {"date_column": date_column, "measure": measure, "aggregation": aggregation, "period": period}
    base = {**scope.sheet_fields(), "options": options, "date_column": date_column or "", "measure": measure,
            "aggregation": aggregation, "period": period, "requested_period": requested, "window": window,
            "rows": len(frame)}
    if not date_column or date_column not in frame.columns:
        return TrendFacts(**base)
    parsed = frame_wall_dates(frame, date_column)
    dates = _in_range(parsed)
    valid = dates.notna().to_numpy()
    base["out_of_range_dates"] = int(parsed.notna().sum()) - int(valid.sum())
    if not valid.any():
        return TrendFacts(**base)
    present = dates if valid.all() else dates[valid]
    period = fitting_period(present.min(), present.max(), period)
    window = WINDOWS[period]
    base.update(period=period, window=window)
    periods = to_periods(present, period)
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
    first_day, last_day = covered_days(present, periods, date_column, scope.filters)
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
    ordered = sorted((p for _, p in ranked), key=lambda p: p.value or 0.0, reverse=True)  # ranked have values
    k = min(EXTREMES, len(ordered) // 2)
    best = tuple(ordered[: max(k, 1)])
    worst = tuple(reversed(ordered[-k:])) if k else ()
    x = np.array([i for i, _ in ranked], dtype="float64")
    y = np.array([p.value for _, p in ranked], dtype="float64")
    test = trend_test(x, y)
    slope_share = None
    if test is not None:
        level = float(np.mean(y))
        slope_share = test.slope / abs(level) if level else None
    full_points = [(i, p) for i, p in ranked if not p.partial]
    return TrendFacts(
        **base,
        dated_rows=int(valid.sum()),
        points=points,
        best=best,
        worst=worst,
        gaps=tuple(p.label for p in points if p.rows == 0),
        slope=None if test is None else test.slope,
        intercept=None if test is None else test.intercept,
        slope_low=None if test is None else test.slope_low,
        slope_high=None if test is None else test.slope_high,
        slope_share=slope_share,
        tau=None if test is None else test.tau,
        p_value=None if test is None else test.p_value,
        trend_periods=len(ranked),
        direction=trend_direction(test, len(ranked)),
        anomalies=anomalies_of(np.array([i for i, _ in full_points], dtype="float64"),
                               np.array([p.value for _, p in full_points], dtype="float64"),
                               [p.label for _, p in full_points], test),
    )


PERIOD_START_SAMPLE = 1000


_UNIT = {"day": "datetime64[D]", "week": "datetime64[D]", "month": "datetime64[M]", "quarter": "datetime64[M]",
         "year": "datetime64[Y]"}


def to_periods(dates: pd.Series, period: str) -> pd.Series:
    """`dates.dt.to_period` of naive datetime64[ns] dates without NaT, from integer period ordinals: each
    distinct day's ordinal is computed once (a table over the days the dates span, when it is no longer
    than the dates), then every date looks its day up. pandas converts every date field by field."""
    values = dates.to_numpy(dtype="datetime64[ns]").view("int64")
    days = np.floor_divide(values, 86_400 * 10**9)
    first, last = int(days.min()), int(days.max())
    if last - first < len(days):
        span = np.arange(first, last + 1)
        table = _ordinals(span, period)
        ordinals = table[days - first]
    else:
        ordinals = _ordinals(days, period)
    return pd.Series(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype(_FREQ[period])), index=dates.index)


def _ordinals(days: np.ndarray, period: str) -> np.ndarray:
    """pandas' period ordinals of days counted from 1970-01-01: weeks end on Sunday (1970-01-01, a
    Thursday, is in week 1), quarters are three months from January."""
    if period == "week":
        return (days + 3) // 7 + 1
    ordinals = days.astype("datetime64[D]").astype(_UNIT[period]).astype("int64")
    return ordinals // 3 if period == "quarter" else ordinals


def covered_days(
    dates: pd.Series, periods: pd.Series, date_column: str, filters: dict[str, Any]
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (midnight) the rows cover, narrowed by the date filter on this column.

    Data already recorded per period (every date is its period's first instant, e.g. monthly figures
    dated the 1st) covers its periods whole, and a filter keeps or drops such a row entirely."""
    head = periods.iloc[:PERIOD_START_SAMPLE]  # most tables fail the test in their first rows: no full pass
    if bool((dates.iloc[:PERIOD_START_SAMPLE].to_numpy() == head.dt.start_time.to_numpy()).all()):
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

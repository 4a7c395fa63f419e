"""Сравнение: a measure on two sides (two periods, a period and the same period a year earlier, two date
ranges, or two values of a category), the change between them, and which groups of a dimension drove it.

Each side is a filter spec on top of the global filters (`lib.filters.apply_filters`), so a side means
exactly what the sidebar would mean by it. Decomposition of the change by a dimension:

- count and sum: a group's contribution is its value in B minus its value in A; contributions sum exactly
  to the change (groups missing on one side count as 0 there).
- mean and share (a mean of the indicator «value > 0»): rate/mix decomposition with weights w(g) = the
  group's share of the side's values and means m(g): rate effect w_A(g)·(m_B(g) − m_A(g)), mix effect
  (w_B(g) − w_A(g))·m_B(g). Their sum over groups is m_B − m_A exactly. A group that vanished has no m_B:
  it is taken as m_A (rate 0, mix −w_A·m_A); a new group has w_A = 0 (rate 0, mix w_B·m_B).
- median: not additive over groups, so each group's medians are shown without contributions.

Significance of the change: Welch's t for means, the two-proportion z-test for shares (scipy.stats); none
for counts, sums and medians. A period side that the data or the date filter covers only in part is named
partial; for «the last period» the last full one is taken when the very last is partial.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from lib.facts.base import MIN_SHARED_COUNT, UNSHARED_KINDS, FactSheet, Scope, display_round, percent
from lib.facts.defaults import Choices
from lib.facts.groups import (
    EMPTY_LABEL,
    SINGLE_ROW_LABEL,
    dimension_label,
    dimension_values,
    group_choices,
    split_dimension,
)
from lib.facts.overview import finite_numbers
from lib.facts.trends import NS_YEARS, covered_days, out_of_range_count, to_periods, usable_dates, wall_dates
from lib.filters import apply_filters, filters_payload, labels, normalize_filters
from lib.fmt import fmt_date, fmt_month
from lib.schema import column_kind

MODES: dict[str, str] = {
    "previous": "последний период к предыдущему",
    "year_ago": "последний период к тому же периоду годом раньше",
    "ranges": "два диапазона дат",
    "segments": "два значения категории",
}
PERIODS: dict[str, str] = {"day": "день", "week": "неделя", "month": "месяц", "quarter": "квартал", "year": "год"}
_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
AGGREGATIONS: dict[str, str] = {
    "count": "количество",
    "sum": "сумма",
    "mean": "среднее",
    "median": "медиана",
    "share": "доля значений больше 0",
}
ROWS_MEASURE = "число строк"
ADDITIVE = ("count", "sum")
DECOMPOSED = ("count", "sum", "mean", "share")
TESTS = {"mean": "t-критерий Уэлча", "share": "z-критерий для двух долей"}
ALPHA = 0.05
MAX_SEGMENT_VALUES = 200
PAYLOAD_CONTRIBUTORS = 3
PAYLOAD_NAMES = 5
QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Side:
    label: str  # «декабрь 2013», «01.06.2013 — 30.06.2013», «JFK»
    rows: int
    values: int  # filled values of the measure (rows for the row count)
    value: float | None
    partial: bool = False
    filters: dict[str, Any] | None = None  # the side's own constraint, as a filter spec


@dataclass(frozen=True)
class GroupChange:
    label: str
    value_a: float | None
    value_b: float | None
    rows_a: int
    rows_b: int
    contribution: float | None = None  # to the change of the total; None for medians
    contribution_share: float | None = None  # contribution / total change
    rate: float | None = None  # means and shares only
    mix: float | None = None

    @property
    def status(self) -> str:
        if self.rows_a == 0:
            return "new"
        return "gone" if self.rows_b == 0 else "both"


@dataclass(frozen=True)
class CompareChoices:
    """What the page offers: date columns, segment columns with their values, measures, dimensions."""

    date_columns: tuple[str, ...]
    date_spans: dict[str, tuple[str, str]]  # column → first and last day (ISO), local wall time
    default_ranges: dict[str, tuple[str, str, str, str]]  # column → the span's halves: А from, to, Б from, to
    segments: dict[str, tuple[str, ...]]
    measures: tuple[str, ...]
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class CompareFacts(FactSheet):
    kind = "compare"

    mode: str = "previous"
    date_column: str | None = None
    period: str = "month"
    segment_column: str | None = None
    measure: str | None = None
    aggregation: str = "count"
    dimension: str | None = None
    rows: int = 0
    a: Side | None = None
    b: Side | None = None
    change: float | None = None
    change_share: float | None = None  # change / |A|
    groups: tuple[GroupChange, ...] = ()  # by contribution, largest first (by B's value for medians)
    rate: float | None = None  # sum of rate effects (means and shares)
    mix: float | None = None
    test: str | None = None
    p_value: float | None = None
    notice: str | None = None  # why there is nothing to compare (Russian), when there is not
    skipped_partial: str | None = None  # label of the very last period, left out as partial

    @property
    def is_empty(self) -> bool:
        """No rows at all (the global filters left nothing); a side without rows is a `notice` instead."""
        return self.rows == 0

    @property
    def comparable(self) -> bool:
        return self.a is not None and self.b is not None and self.notice is None

    @property
    def measure_label(self) -> str:
        return self.measure or ROWS_MEASURE

    @property
    def significant(self) -> bool | None:
        return None if self.p_value is None else self.p_value < ALPHA

    @property
    def decomposed(self) -> bool:
        return self.aggregation in DECOMPOSED and bool(self.groups)

    @property
    def appeared(self) -> tuple[GroupChange, ...]:
        return tuple(g for g in self.groups if g.status == "new")

    @property
    def vanished(self) -> tuple[GroupChange, ...]:
        return tuple(g for g in self.groups if g.status == "gone")

    @property
    def positive(self) -> tuple[GroupChange, ...]:
        ranked = [g for g in self.groups if g.contribution is not None and g.contribution > 0]
        return tuple(sorted(ranked, key=lambda g: -(g.contribution or 0.0)))

    @property
    def negative(self) -> tuple[GroupChange, ...]:
        ranked = [g for g in self.groups if g.contribution is not None and g.contribution < 0]
        return tuple(sorted(ranked, key=lambda g: g.contribution or 0.0))

    def shown(self, value: float | None) -> float | int | None:
        """A value as the page shows it: shares as percents, the rest rounded for display."""
        if value is None:
            return None
        return percent(value, 2) if self.aggregation == "share" else display_round(value)

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "сравнение": MODES[self.mode],
            "показатель": self.measure_label,
            "агрегат": AGGREGATIONS[self.aggregation],
            "строк": self.rows,
        }
        if self.mode == "segments":
            payload["столбец сегментов"] = self.segment_column
        elif self.date_column:
            payload["дата"] = self.date_column
            if self.mode != "ranges":
                payload["период"] = PERIODS[self.period]
        if self.filters:
            payload["фильтры"] = filters_payload(self.filters)
        if self.notice:
            payload["примечание"] = self.notice
        if self.a is None or self.b is None:
            return payload
        payload["А"] = self._side(self.a)
        payload["Б"] = self._side(self.b)
        if self.skipped_partial:
            payload["не сравнивается неполный период"] = self.skipped_partial
        if self.change is not None:
            if self.aggregation == "share":
                payload["изменение, п.п."] = percent(self.change, 2)
            else:
                payload["изменение"] = display_round(self.change)
                if self.change_share is not None:
                    payload["изменение, %"] = percent(self.change_share)
        if self.test is not None:
            payload["тест"] = self.test
            payload["p-значение"] = p_shown(self.p_value)
            payload["изменение значимо"] = self.significant
        if self.dimension:
            payload.update(self._groups_payload())
        return payload

    def _side(self, side: Side) -> dict[str, Any]:
        entry: dict[str, Any] = {"что": side.label, self._value_key: self.shown(side.value), "строк": side.rows}
        if self.measure is not None and side.values != side.rows:
            entry["значений показателя"] = side.values
        if side.partial:
            entry["неполный период"] = True
        return entry

    def _groups_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"разбивка": dimension_label(self.dimension or ""), "групп": len(self.groups)}
        if not self.decomposed:
            top = sorted((g for g in self.groups if g.value_b is not None), key=lambda g: -(g.value_b or 0.0))
            out["группы"] = [self._group_item(g) for g in top[:PAYLOAD_CONTRIBUTORS * 2]]
            return out
        if self.rate is not None and self.mix is not None:
            out[f"эффект значений в группах{self._unit}"] = self._effect(self.rate)
            out[f"эффект структуры{self._unit}"] = self._effect(self.mix)
        for key, ranked in (("больше всего увеличили", self.positive), ("больше всего уменьшили", self.negative)):
            shown = [g for g in ranked if self._effect(g.contribution or 0.0)][:PAYLOAD_CONTRIBUTORS]  # not «0»
            if shown:
                out[key] = [self._group_item(g) for g in shown]
        for key, groups in (("появились", self.appeared), ("исчезли", self.vanished)):
            named = [g.label for g in groups if _shared(g)]
            if named:
                out[key] = named[:PAYLOAD_NAMES]
            if len(named) > PAYLOAD_NAMES or len(named) < len(groups):
                out[f"{key}, всего групп"] = len(groups)
        return out

    @property
    def _value_key(self) -> str:
        return "значение, %" if self.aggregation == "share" else "значение"

    @property
    def _unit(self) -> str:
        """Effects of a share are differences of percents: percentage points."""
        return ", п.п." if self.aggregation == "share" else ""

    def _effect(self, value: float) -> float | int | None:
        return percent(value, 2) if self.aggregation == "share" else display_round(value)

    def _group_item(self, group: GroupChange) -> dict[str, Any]:
        percent_sign = ", %" if self.aggregation == "share" else ""
        label = group.label if _shared(group) else SINGLE_ROW_LABEL
        item: dict[str, Any] = {"группа": label, f"А{percent_sign}": self.shown(group.value_a),
                                f"Б{percent_sign}": self.shown(group.value_b)}
        if group.contribution is not None:
            item[f"вклад{self._unit}"] = self._effect(group.contribution)
            if group.contribution_share is not None:
                item["доля изменения, %"] = percent(group.contribution_share)
        return item


def _shared(group: GroupChange) -> bool:
    """A group of one row is one cell of the table: the prompt never names it (the page's table does)."""
    return group.rows_a + group.rows_b >= MIN_SHARED_COUNT


def p_shown(p: float | None) -> float | str | None:
    """A p-value as pages and prompts carry it: three decimals, or «меньше 0,001»."""
    if p is None:
        return None
    return "меньше 0,001" if p < 0.001 else round(p, 3)


def compare_choices(frame: pd.DataFrame) -> CompareChoices:
    kinds = {str(c): column_kind(frame[c]) for c in frame.columns}
    dimensions, measures = group_choices(frame)
    segments: dict[str, tuple[str, ...]] = {}
    for name, kind in kinds.items():
        if kind not in UNSHARED_KINDS and name in dimensions:
            counts = labels(frame[name]).value_counts()
            values = counts[counts >= MIN_SHARED_COUNT].index  # a value of one row would name a cell
            if 1 < len(values) <= MAX_SEGMENT_VALUES:
                segments[name] = tuple(sorted(str(v) for v in values))
    spans: dict[str, tuple[str, str]] = {}
    for name in (n for n, k in kinds.items() if k == "datetime"):
        dates = wall_dates(frame[name]).dropna()
        if not dates.empty:
            spans[name] = (dates.min().date().isoformat(), dates.max().date().isoformat())
    return CompareChoices(
        date_columns=tuple(spans),
        date_spans=spans,
        default_ranges={column: _halves(*span) for column, span in spans.items()},
        segments=segments,
        measures=tuple(measures),
        dimensions=tuple(dimensions),
    )


def _halves(first: str, last: str) -> tuple[str, str, str, str]:
    """The first and the second half of a span of days (ISO), as two adjacent ranges."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    middle = start + (end - start) / 2
    return first, middle.isoformat(), min(middle + dt.timedelta(days=1), end).isoformat(), last


def compare_defaults(choices: Choices) -> dict[str, Any] | str:
    """Starting options: the last month against the one before, with the Группировки page's measure and
    dimension (on flights: mean arr_delay by carrier); a Russian notice when the table has no dates."""
    if not choices.datetimes:
        return ("В наборе нет столбца с датами, поэтому периоды не сравниваются; два значения категории можно "
                "сравнить на странице «Сравнение».")
    dimension, measure, aggregation = choices.group_defaults
    if measure is None or aggregation not in AGGREGATIONS or aggregation == "count":
        aggregation = "count" if measure is None else "mean"
    return {"mode": "previous", "date_column": choices.datetimes[0], "period": "month", "ranges": None,
            "segment_column": None, "segments": None, "measure": measure, "aggregation": aggregation,
            "dimension": dimension}


def compare_facts(
    frame: pd.DataFrame,
    scope: Scope,
    mode: str = "previous",
    date_column: str | None = None,
    period: str = "month",
    ranges: tuple[str, str, str, str] | None = None,
    segment_column: str | None = None,
    segments: tuple[str, str] | None = None,
    measure: str | None = None,
    aggregation: str = "count",
    dimension: str | None = None,
) -> CompareFacts:
    """`aggregation` of `measure` (rows when None) on side A and side B, the change and its drivers.

    `ranges` is (A from, A to, B from, B to) as ISO dates for mode «ranges»; `segments` the two values of
    `segment_column` for mode «segments»."""
    mode = mode if mode in MODES else "previous"
    period = period if period in PERIODS else "month"
    if measure is not None and measure not in frame.columns:
        measure = None
    aggregation = "count" if measure is None else (aggregation if aggregation in AGGREGATIONS else "mean")
    if dimension is not None and split_dimension(dimension, frame.columns)[0] not in frame.columns:
        dimension = None
    options = {"mode": mode, "date_column": date_column, "period": period, "ranges": list(ranges or ()),
               "segment_column": segment_column, "segments": list(segments or ()), "measure": measure,
               "aggregation": aggregation, "dimension": dimension}
    base = {**scope.sheet_fields(), "options": options, "mode": mode, "date_column": date_column, "period": period,
            "segment_column": segment_column, "measure": measure, "aggregation": aggregation,
            "dimension": dimension, "rows": len(frame)}
    picked = _sides(frame, scope, mode, date_column, period, ranges, segment_column, segments)
    if isinstance(picked, str):
        return CompareFacts(**base, notice=picked)
    spec_a, spec_b, skipped = picked
    side_a, rows_a = _side(frame, spec_a, measure, aggregation)
    side_b, rows_b = _side(frame, spec_b, measure, aggregation)
    base.update(a=side_a, b=side_b, skipped_partial=skipped)
    if normalize_filters(spec_a.filters) == normalize_filters(spec_b.filters):
        return CompareFacts(**base, notice="Обе стороны сравнения одинаковы: выберите разные периоды или значения.")
    if mode == "segments" and min(side_a.rows, side_b.rows) < MIN_SHARED_COUNT:
        return CompareFacts(**{**base, "a": None, "b": None},
                            notice="На одной из сторон одна строка или ни одной: такое сравнение описывало бы "
                                   "отдельную строку таблицы. Выберите значения, которые встречаются чаще.")
    for side in (side_a, side_b):
        if side.rows == 0 or side.value is None:
            what = "строк" if side.rows == 0 else "значений показателя"
            return CompareFacts(**base, notice=f"На стороне «{side.label}» нет {what}: сравнивать не с чем. "
                                               "Выберите другой период или другое значение.")
    assert side_a.value is not None and side_b.value is not None
    change = side_b.value - side_a.value
    if not all(math.isfinite(v) for v in (side_a.value, side_b.value, change)):
        return CompareFacts(**base, notice="Значения показателя так велики, что сумма или разница выходит за "
                                           "пределы чисел с плавающей точкой: сравнить их точно нельзя.")
    # relative to a value the page shows as 0 the change would be a meaningless «+3·10⁸⁶ %»
    change_share = change / abs(side_a.value) if display_round(side_a.value) else None
    test, p_value = _significance(rows_a, rows_b, measure, aggregation)
    groups: tuple[GroupChange, ...] = ()
    rate = mix = None
    if dimension is not None:
        groups, rate, mix = _groups(rows_a, rows_b, measure, aggregation, dimension, change)
    return CompareFacts(**base, change=change, change_share=change_share, groups=groups, rate=rate, mix=mix,
                        test=test, p_value=p_value)


# --- the two sides ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Spec:
    label: str
    filters: dict[str, Any]
    partial: bool = False


def _sides(
    frame: pd.DataFrame, scope: Scope, mode: str, date_column: str | None, period: str,
    ranges: tuple[str, str, str, str] | None, segment_column: str | None, segments: tuple[str, str] | None,
) -> tuple[_Spec, _Spec, str | None] | str:
    """The two sides as filter specs (and the label of a skipped partial last period), or a Russian notice."""
    if mode == "segments":
        if not segment_column or segment_column not in frame.columns or not segments or len(segments) != 2:
            return "Выберите столбец и его значения для сторон А и Б."
        a, b = (str(v) for v in segments)
        return (_Spec(a, {"categories": {segment_column: [a]}}), _Spec(b, {"categories": {segment_column: [b]}}),
                None)
    if not date_column or date_column not in frame.columns:
        return "В наборе нет столбца с датами: сравнить можно только значения категории между собой."
    if mode == "ranges":
        if not ranges or len(ranges) != 4 or not all(ranges):
            return "Укажите оба диапазона дат."
        a_from, a_to, b_from, b_to = (str(d)[:10] for d in ranges)
        if a_from > a_to or b_from > b_to:
            return "Начало диапазона позже его конца: поменяйте даты местами."
        return _range_spec(date_column, a_from, a_to), _range_spec(date_column, b_from, b_to), None
    dates = usable_dates(frame[date_column]).dropna()
    if dates.empty:
        if out_of_range_count(frame[date_column]):
            return (f"Все даты столбца «{date_column}» вне {NS_YEARS[0]}–{NS_YEARS[1]} годов: такие даты "
                    "не делятся на периоды. Сравните две категории или выберите другой столбец дат.")
        return f"В столбце «{date_column}» нет ни одной даты."
    freq = _FREQ[period]
    periods = to_periods(dates, period)
    first_day, last_day = covered_days(dates, periods, date_column, scope.filters)
    last = periods.max()
    skipped = None
    if _is_partial(last, first_day, last_day) and periods.nunique() > 1:
        skipped, last = period_label(last, period), last - 1
    earlier = (last.start_time - pd.DateOffset(years=1)).to_period(freq) if mode == "year_ago" else last - 1
    side_a, side_b = (_Spec(period_label(p, period), _period_filter(date_column, p),
                            _is_partial(p, first_day, last_day)) for p in (earlier, last))
    return side_a, side_b, skipped


def _range_spec(column: str, start: str, end: str) -> _Spec:
    return _Spec(f"{fmt_date(start)} — {fmt_date(end)}", {"date": {"column": column, "from": start, "to": end}})


def _period_filter(column: str, period: pd.Period) -> dict[str, Any]:
    start, end = period.start_time.date().isoformat(), period.end_time.date().isoformat()
    return {"date": {"column": column, "from": start, "to": end}}


def _is_partial(period: pd.Period, first_day: pd.Timestamp, last_day: pd.Timestamp) -> bool:
    return bool(period.start_time < first_day or period.end_time.normalize() > last_day)


def period_label(period: pd.Period, kind: str) -> str:
    start = period.start_time
    if kind == "day":
        return fmt_date(start.date())
    if kind == "week":
        return f"неделя с {fmt_date(start.date())}"
    if kind == "month":
        return fmt_month(start.date())
    if kind == "quarter":
        return f"{QUARTERS[period.quarter - 1]} квартал {period.year}"
    return f"{period.year} год"


def _measure_values(rows: pd.DataFrame, measure: str | None, aggregation: str) -> pd.Series:
    """What is aggregated: 1 per row, the finite measure, or the indicator «measure > 0» for shares."""
    if measure is None:
        return pd.Series(1.0, index=rows.index)
    values = finite_numbers(rows[measure])
    if aggregation == "share":
        return (values > 0).astype("float64").where(values.notna())
    return values


def _aggregate(values: pd.Series, aggregation: str) -> float | None:
    filled = values.dropna()
    if aggregation == "count":
        return float(len(filled))
    if filled.empty:
        return None
    if aggregation == "sum":
        return float(filled.sum())
    return float(filled.median() if aggregation == "median" else filled.mean())


def _side(frame: pd.DataFrame, spec: _Spec, measure: str | None, aggregation: str) -> tuple[Side, pd.DataFrame]:
    rows = apply_filters(frame, spec.filters)
    values = _measure_values(rows, measure, aggregation)
    side = Side(spec.label, len(rows), int(values.notna().sum()), _aggregate(values, aggregation), spec.partial,
                spec.filters)
    return side, rows


# --- significance and decomposition ------------------------------------------------------------------

def _significance(rows_a: pd.DataFrame, rows_b: pd.DataFrame, measure: str | None,
                  aggregation: str) -> tuple[str | None, float | None]:
    if measure is None or aggregation not in TESTS:
        return None, None
    a = _measure_values(rows_a, measure, aggregation).dropna().to_numpy()
    b = _measure_values(rows_b, measure, aggregation).dropna().to_numpy()
    if len(a) < 2 or len(b) < 2:
        return TESTS[aggregation], None
    if aggregation == "mean":
        if np.ptp(a) == 0 and np.ptp(b) == 0:
            return TESTS["mean"], None  # no spread on either side: the t statistic is undefined
        p = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    else:
        p = two_proportion_p(int(a.sum()), len(a), int(b.sum()), len(b))
    return TESTS[aggregation], (p if math.isfinite(p) else None)


def two_proportion_p(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    pooled = (hits_a + hits_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return math.nan
    z = (hits_b / n_b - hits_a / n_a) / spread
    return float(2 * stats.norm.sf(abs(z)))


def _groups(rows_a: pd.DataFrame, rows_b: pd.DataFrame, measure: str | None, aggregation: str, dimension: str,
            change: float) -> tuple[tuple[GroupChange, ...], float | None, float | None]:
    table = pd.concat([_group_table(rows_a, measure, aggregation, dimension).add_suffix("_a"),
                       _group_table(rows_b, measure, aggregation, dimension).add_suffix("_b")], axis=1)
    table[["rows_a", "rows_b", "n_a", "n_b"]] = table[["rows_a", "rows_b", "n_a", "n_b"]].fillna(0)
    rate = mix = None
    if aggregation in ADDITIVE:  # a group absent from a side counts and sums to zero there
        table[["value_a", "value_b"]] = table[["value_a", "value_b"]].fillna(0.0)
        table["contribution"] = table["value_b"].fillna(0.0) - table["value_a"].fillna(0.0)
    elif aggregation in DECOMPOSED:
        w_a = table["n_a"] / table["n_a"].sum()
        w_b = table["n_b"] / table["n_b"].sum()
        m_a, m_b = table["value_a"], table["value_b"].fillna(table["value_a"])  # vanished: m_B := m_A
        # a new group has w_A = 0; a group without values on both sides has zero weights: both add nothing
        table["rate"] = (w_a * (m_b - m_a.fillna(m_b))).where(w_a > 0, 0.0).fillna(0.0)
        table["mix"] = ((w_b - w_a) * m_b).fillna(0.0)
        table["contribution"] = table["rate"] + table["mix"]
        rate, mix = float(table["rate"].sum()), float(table["mix"].sum())
    ordered = (table.sort_values("contribution", ascending=False, kind="stable") if "contribution" in table
               else table.sort_values("value_b", ascending=False, kind="stable", na_position="last"))
    groups = tuple(
        GroupChange(
            label=str(label),
            value_a=_num(row["value_a"]),
            value_b=_num(row["value_b"]),
            rows_a=int(row["rows_a"]),
            rows_b=int(row["rows_b"]),
            contribution=_num(row.get("contribution")),
            contribution_share=(_num(row["contribution"] / change)
                                if "contribution" in row and change else None),
            rate=_num(row.get("rate")),
            mix=_num(row.get("mix")),
        )
        for label, row in ordered.iterrows()
    )
    return groups, rate, mix


def _group_table(rows: pd.DataFrame, measure: str | None, aggregation: str, dimension: str) -> pd.DataFrame:
    keys = dimension_values(rows, dimension) if len(rows) else pd.Series([], dtype="string")
    values = _measure_values(rows, measure, aggregation)
    grouped = values.groupby(keys.fillna(EMPTY_LABEL), observed=True, sort=False)
    if aggregation == "count":
        value = grouped.count().astype("float64")
    elif aggregation == "sum":
        value = grouped.sum(min_count=1)
    else:  # a share is the mean of its indicator
        value = grouped.agg("median" if aggregation == "median" else "mean")
    return pd.DataFrame({"value": value, "rows": grouped.size(), "n": grouped.count()})


def _num(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None

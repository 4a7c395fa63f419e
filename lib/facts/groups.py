"""Group-by: one or two dimensions, a measure and an aggregation; leaders, outsiders and their gap.

A dimension is a column name, or `column@part` for a part of a datetime column (year, quarter,
month, weekday, hour). The measure is a numeric column, or None for «число строк» (row count).
Exact on all rows; «прочее» is the same aggregation over the rows of every group outside the top N.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from lib.facts.base import MIN_SHARED_COUNT, UNSHARED_KINDS, FactSheet, Scope, clean, display_round, percent
from lib.facts.overview import finite_numbers
from lib.filters import filters_payload, labels
from lib.schema import column_kind
from lib.stats import GapTest, bonferroni, mann_whitney, shown_p_value, two_proportions, two_shares_of_one_total, welch

AGGREGATIONS: dict[str, str] = {
    "count": "количество",
    "sum": "сумма",
    "mean": "среднее",
    "median": "медиана",
    "min": "минимум",
    "max": "максимум",
    "share": "доля от итога, %",
}
ROW_AGGREGATIONS = ("count", "share")  # what makes sense for «число строк»
ROWS_MEASURE = "число строк"
DATE_PARTS: dict[str, str] = {
    "year": "год",
    "quarter": "квартал",
    "month": "месяц",
    "weekday": "день недели",
    "hour": "час",
}
MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")
WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
QUARTERS = ("I квартал", "II квартал", "III квартал", "IV квартал")
EMPTY_LABEL = "(пусто)"
OTHER_LABEL = "прочее"
SINGLE_ROW_LABEL = "(группа из одной строки)"  # its value is one cell: not named in a prompt
MAX_DIMENSION_VALUES = 50  # for numeric/text columns used as a dimension
MAX_CATEGORY_VALUES = 200
TOP_N = 10
TABLE_ROWS = 500
PAYLOAD_LEADERS = 3
PAYLOAD_OUTSIDERS = 3
MIN_VALUES_FOR_AVERAGES = 30  # default minimum group size (filled values) for means and medians


@dataclass(frozen=True)
class GroupRow:
    keys: tuple[str, ...]
    value: float | None
    rows: int
    values: int | None = None  # filled values of the measure; None when the measure is the row count

    @property
    def label(self) -> str:
        return " · ".join(self.keys)

    @property
    def size(self) -> int:
        """What the minimum group size is checked against: filled measure values, else rows."""
        return self.rows if self.values is None else self.values


@dataclass(frozen=True)
class GroupFacts(FactSheet):
    kind = "groups"

    dimensions: tuple[str, ...] = ()
    measure: str | None = None
    aggregation: str = "count"
    rows: int = 0
    total: float | None = None  # the aggregation over all rows
    groups: int = 0
    table: tuple[GroupRow, ...] = ()  # sorted by value, largest first; at most TABLE_ROWS
    top: tuple[GroupRow, ...] = ()  # the chart's bars
    other: GroupRow | None = None  # all groups outside `top` together
    other_groups: int = 0
    min_rows: int = 1  # groups with fewer rows (filled measure values) are not ranked; they count in «прочее»
    small_groups: int = 0
    leaders: tuple[GroupRow, ...] = ()
    outsiders: tuple[GroupRow, ...] = ()  # smallest value first
    gap: float | None = None  # best leader − worst outsider
    ratio: float | None = None  # best leader / worst outsider, when both are positive
    gap_test: str | None = None  # the test of the gap, in Russian; None for sums, counts, minima and maxima
    gap_p: float | None = None  # its p-value, Bonferroni-adjusted for the `comparisons` pairs one could have picked
    comparisons: int = 0

    @property
    def gap_significant(self) -> bool | None:
        """Whether the leader–outsider gap survives its test at 0.05; None when no test fits the aggregate."""
        return None if self.gap_p is None else self.gap_p < 0.05

    @property
    def is_empty(self) -> bool:
        return self.groups == 0

    @property
    def dimension_labels(self) -> tuple[str, ...]:
        return tuple(dimension_label(d) for d in self.dimensions)

    @property
    def measure_label(self) -> str:
        return self.measure or ROWS_MEASURE

    @property
    def size_unit(self) -> str:
        """What `min_rows` counts, in the genitive plural: rows, or filled values of the measure."""
        return "строк" if self.measure is None else "значений показателя"

    def payload(self) -> dict[str, Any]:
        value_key = self.value_key

        def item(row: GroupRow) -> dict[str, Any]:
            label = row.label if row.rows >= MIN_SHARED_COUNT else SINGLE_ROW_LABEL  # a one-row group is a cell
            shown = {"группа": label, value_key: self._shown(row.value), "строк": row.rows}
            if row.values is not None and row.values != row.rows:
                shown["значений показателя"] = row.values
            return shown

        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "группировка": " × ".join(self.dimension_labels),
            "показатель": self.measure_label,
            "агрегат": AGGREGATIONS[self.aggregation],
            "строк": self.rows,
            "групп": self.groups,
        }
        if self.aggregation != "share":
            payload["по всем строкам"] = self._shown(self.total)
        if self.filters:
            payload["фильтры"] = filters_payload(self.filters)
        outsiders = self.outsiders[:PAYLOAD_OUTSIDERS]
        payload["наибольшие"] = [item(r) for r in self.table[: min(PAYLOAD_LEADERS, self.groups - len(outsiders))]]
        if outsiders:
            payload["наименьшие"] = [item(r) for r in outsiders]
        if self.gap is not None:
            payload["разрыв, %" if self.aggregation == "share" else "разрыв"] = self._shown(self.gap)
        if self.ratio is not None and self.outsiders and self._shown(self.outsiders[0].value):
            # against an outsider the page shows as 0 the ratio would be a meaningless «в 2·10¹⁴³ раза»
            payload["во сколько раз"] = display_round(self.ratio)
        if self.outsiders:
            payload["лидер"] = item(self.leaders[0])["группа"]
            payload["аутсайдер"] = item(self.outsiders[0])["группа"]
            payload["разрыв значим"] = self.gap_significant
            if self.gap_test is not None and self.gap_p is not None:
                payload["критерий"] = self.gap_test
                payload["p-значение меньше" if self.gap_p < 0.001 else "p-значение"] = shown_p_value(self.gap_p)
                payload["сравнений"] = self.comparisons
        if self.other is not None:
            payload["прочее"] = {"групп": self.other_groups, **item(self.other)}
            del payload["прочее"]["группа"]
        if self.small_groups:
            payload["не в рейтинге"] = {"групп": self.small_groups, f"меньше {self.size_unit}, чем": self.min_rows}
        return payload

    @property
    def value_key(self) -> str:
        """Payload key of a group's value: shares are percents, and the key says so."""
        return "доля, %" if self.aggregation == "share" else "значение"

    def _shown(self, value: float | None) -> float | int | None:
        return percent(value) if self.aggregation == "share" else display_round(value)


_CALENDAR_ORDER = {label: i for names in (MONTHS, WEEKDAYS, QUARTERS) for i, label in enumerate(names)}


def label_order(label: str) -> tuple[int, float | str]:
    """Sort key for group labels on an axis: calendar names in calendar order, numbers in numeric
    order, then text."""
    if label in _CALENDAR_ORDER:
        return (0, _CALENDAR_ORDER[label])
    try:
        return (1, float(label))
    except ValueError:
        return (2, label)


def split_dimension(dimension: str, columns: Iterable[object] = ()) -> tuple[str, str | None]:
    """(column, date part or None). A column of the frame is always plain, whatever its name holds; else
    `column@part` is split at the last «@» only when `part` is a known date part."""
    if dimension in set(columns):
        return dimension, None
    column, _, part = dimension.rpartition("@")
    return (column, part) if column and part in DATE_PARTS else (dimension, None)


def dimension_label(dimension: str, columns: Iterable[object] = ()) -> str:
    column, part = split_dimension(dimension, columns)
    return f"{column} ({DATE_PARTS[part]})" if part else column


def _part_numbers(values: pd.Series, part: str) -> pd.Series:
    """The date part of each row as a number (year, quarter 1–4, month 1–12, weekday 0–6, hour)."""
    if part == "weekday":
        return values.dt.day_of_week
    return getattr(values.dt, part)


def _part_name(part: str, number: int) -> str:
    if part == "quarter":
        return QUARTERS[number - 1]
    if part == "month":
        return MONTHS[number - 1]
    if part == "weekday":
        return WEEKDAYS[number]
    return f"{number:02d}" if part == "hour" else str(number)


def _label_codes(series: pd.Series, part: str | None = None) -> tuple[np.ndarray, list[str]]:
    """Each row's label as an integer code into distinct labels, in order of first appearance (missing is
    «(пусто)»): the values are factorized once and only the distinct ones are turned into text, so a
    dimension costs one hashing pass, not a string per row."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if part is not None:
        names = [_part_name(part, int(number)) for number in uniques]
    else:
        names = [str(label) for label in labels(pd.Series(uniques, dtype=series.dtype)).tolist()]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append(EMPTY_LABEL)
    merged, distinct = pd.factorize(pd.Series(names, dtype=object))  # «1» and 1 are one label
    if len(distinct) < len(names):
        codes = merged[codes]
        names = [str(name) for name in distinct]
    return codes.astype("int64", copy=False), names


def dimension_codes(frame: pd.DataFrame, dimension: str) -> tuple[np.ndarray, list[str]]:
    """(each row's label code, the distinct labels) of a dimension; missing is «(пусто)»."""
    column, part = split_dimension(dimension, frame.columns)
    series = frame[column]
    return _label_codes(_part_numbers(series, part) if part else series, part)


def dimension_values(frame: pd.DataFrame, dimension: str) -> pd.Series:
    """Text labels of a dimension for every row; missing becomes «(пусто)»."""
    codes, names = dimension_codes(frame, dimension)
    return pd.Series(np.asarray(names, dtype=object)[codes], index=frame.index, dtype="string")


def _known_dimension(frame: pd.DataFrame, dimension: str) -> bool:
    column, part = split_dimension(dimension, frame.columns)
    if column not in frame.columns:
        return False
    return part is None or ptypes.is_datetime64_any_dtype(frame[column].dtype)


def group_choices(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(dimensions, measures) a user may pick: category/bool columns with at most 200 distinct values,
    numeric columns with at most 50, then the parts of datetime columns that take more than one value;
    numeric columns as measures. Text and identifier columns are not offered: their values are rows' data."""
    dimensions: list[str] = []
    date_parts: list[str] = []
    measures: list[str] = []
    for name in frame.columns:
        series = frame[name]
        kind = column_kind(series)
        if kind == "numeric":
            measures.append(str(name))
        if kind == "datetime":
            date_parts += [f"{name}@{part}" for part in DATE_PARTS
                           if _part_numbers(series, part).nunique() > 1]  # no «час» for plain dates
            continue
        limit = MAX_CATEGORY_VALUES if kind in ("category", "bool") else MAX_DIMENSION_VALUES
        if kind not in UNSHARED_KINDS and 1 < series.nunique() <= limit:  # text/id values are rows' data
            dimensions.append(str(name))
    return dimensions + date_parts, measures


def _aggregate(values: pd.Series, codes: np.ndarray, aggregation: str, rows_measure: bool) -> pd.DataFrame:
    """The aggregate per group code, groups in order of first appearance."""
    grouped = values.groupby(codes, sort=False)
    sizes = grouped.size()
    if rows_measure or aggregation == "count":
        result = sizes if rows_measure else grouped.count()
    elif aggregation == "share":
        result = grouped.sum()
    else:
        result = grouped.agg(aggregation)
    filled = sizes if rows_measure else grouped.count()
    return pd.DataFrame({"value": result.astype("float64"), "rows": sizes, "values": filled})


def _overall(values: pd.Series, aggregation: str, rows_measure: bool) -> float | None:
    if rows_measure:
        return float(len(values))
    if aggregation == "count":
        return float(values.count())
    if aggregation == "share":
        return float(values.sum())
    return clean(values.agg(aggregation)) if values.notna().any() else None


def default_min_rows(aggregation: str) -> int:
    """The minimum group size when none is chosen: 30 values for a mean or median (a handful of values
    «leads» by chance), 1 otherwise."""
    return MIN_VALUES_FOR_AVERAGES if aggregation in ("mean", "median") else 1


def _gap_test(values: pd.Series, codes: np.ndarray, leader: tuple[GroupRow, int], outsider: tuple[GroupRow, int],
              aggregation: str, rows_measure: bool, binary: bool) -> GapTest | None:
    """The leader–outsider test fit for the aggregate: Welch's t for means (two-proportion z for a 0/1
    measure), Mann–Whitney U for medians, the z-test of two shares of the same rows for row shares; none
    for sums, counts, minima, maxima and shares of a sum."""
    if rows_measure:
        if aggregation != "share":
            return None
        return two_shares_of_one_total(leader[0].rows, outsider[0].rows, len(values))
    if aggregation not in ("mean", "median"):
        return None
    numbers = values.to_numpy(dtype="float64")
    a = numbers[codes == leader[1]]
    b = numbers[codes == outsider[1]]
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if aggregation == "median":
        return mann_whitney(a, b)
    if binary:
        return two_proportions(int(a.sum()), len(a), int(b.sum()), len(b))
    if len(a) < 2 or len(b) < 2:
        return None
    return welch(float(a.mean()), float(a.std(ddof=1)), len(a), float(b.mean()), float(b.std(ddof=1)), len(b))


def _binary(values: np.ndarray) -> bool:
    """Whether every present value is 0 or 1 (a flag whose mean is a share)."""
    return bool(np.all((values == 0.0) | (values == 1.0) | np.isnan(values)))


def group_facts(
    frame: pd.DataFrame,
    scope: Scope,
    dimensions: tuple[str, ...] = (),
    measure: str | None = None,
    aggregation: str = "count",
    top_n: int = TOP_N,
    min_rows: int | None = None,
) -> GroupFacts:
    """`aggregation` of `measure` (rows when None) per value of one or two `dimensions`, over all rows.

    Groups with fewer than `min_rows` rows — for a measure, filled values of it — are left out of the ranking
    (a one-value group would otherwise lead by chance) and counted in «прочее»; the table lists them after
    the ranked ones. `min_rows` None or below 1 means `default_min_rows(aggregation)`.

    The gap between the leader and the outsider is tested (see `_gap_test`); its p-value is multiplied by the
    number of group pairs (Bonferroni), since the two extremes are picked after looking at every group."""
    dimensions = tuple(d for d in dimensions if _known_dimension(frame, d))[:2]
    if measure is not None and measure not in frame.columns:
        measure = None
    rows_measure = measure is None
    if aggregation not in AGGREGATIONS or (rows_measure and aggregation not in ROW_AGGREGATIONS):
        aggregation = "count"
    min_rows = default_min_rows(aggregation) if min_rows is None or int(min_rows) < 1 else int(min_rows)
    options = {"dimensions": list(dimensions), "measure": measure, "aggregation": aggregation, "top_n": top_n,
               "min_rows": min_rows}
    base = {**scope.sheet_fields(), "options": options, "dimensions": dimensions, "measure": measure,
            "aggregation": aggregation, "rows": len(frame), "min_rows": min_rows}
    if not dimensions or frame.empty:
        return GroupFacts(**base)
    dims = [dimension_codes(frame, d) for d in dimensions]
    second = len(dims[1][1]) if len(dims) == 2 else 1
    codes = dims[0][0] if len(dims) == 1 else dims[0][0] * second + dims[1][0]

    def keys_of(code: int) -> tuple[str, ...]:
        if len(dims) == 1:
            return (dims[0][1][code],)
        return (dims[0][1][code // second], dims[1][1][code % second])

    if rows_measure:
        values = pd.Series(1.0, index=frame.index)
    else:
        values = finite_numbers(frame[measure])
        if ptypes.is_bool_dtype(frame[measure].dtype):
            values = frame[measure].astype("float64")
    table = _aggregate(values, codes, aggregation, rows_measure)
    total = overall = _overall(values, aggregation, rows_measure)
    if aggregation == "share":
        table["value"] = table["value"] / total if total else float("nan")
        total = 1.0 if total else None
    table = table.dropna(subset=["value"]).sort_values(["value", "rows"], ascending=[False, False], kind="stable")
    groups = [GroupRow(keys_of(int(code)), float(v), int(n), None if rows_measure else int(m))
              for code, v, n, m in zip(table.index, table["value"], table["rows"], table["values"], strict=True)]
    code_of = {group.keys: int(code) for group, code in zip(groups, table.index, strict=True)}
    ranked = [g for g in groups if g.size >= min_rows]
    small = [g for g in groups if g.size < min_rows]
    if not ranked:
        return GroupFacts(**base, total=total, small_groups=len(small))
    top, rest = ranked[:top_n], ranked[top_n:] + small
    other = None
    if rest:
        in_top = np.zeros(int(codes.max()) + 1, dtype=bool)
        in_top[[code_of[g.keys] for g in top]] = True
        rest_values = values[~in_top[codes]]
        value = _overall(rest_values, aggregation, rows_measure)
        if aggregation == "share" and value is not None and total and overall:
            value = value / overall
        other = GroupRow((OTHER_LABEL,), value, int(len(rest_values)),
                         None if rows_measure else int(rest_values.count()))
    k = min(3, len(ranked) // 2)
    leaders = tuple(ranked[: max(k, 1)])
    outsiders = tuple(reversed(ranked[-k:])) if k else ()
    gap = ratio = None
    tested: GapTest | None = None
    comparisons = len(ranked) * (len(ranked) - 1) // 2
    if outsiders:
        binary = not rows_measure and _binary(values.to_numpy(dtype="float64"))
        tested = _gap_test(values, codes, (leaders[0], code_of[leaders[0].keys]),
                           (outsiders[0], code_of[outsiders[0].keys]), aggregation, rows_measure, binary)
        lead, last = leaders[0].value, outsiders[0].value
        if lead is not None and last is not None:  # ranked groups always have a value
            gap = lead - last
            if lead > 0 and last > 0:
                ratio = lead / last
    return GroupFacts(
        **base,
        total=total,
        groups=len(ranked),
        table=tuple((ranked + small)[:TABLE_ROWS]),
        top=tuple(top),
        other=other,
        other_groups=len(rest),
        small_groups=len(small),
        leaders=leaders,
        outsiders=outsiders,
        gap=gap,
        ratio=ratio,
        gap_test=None if tested is None else tested.test,
        gap_p=None if tested is None else bonferroni(tested.p_value, comparisons),
        comparisons=comparisons,
    )

"""Data quality: missing values by column, duplicate rows, constant and near-constant columns,
high-cardinality columns, mixed-type columns, infinite values and IQR outliers, summed up as alerts with a severity.
Exact on all rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from lib.facts.base import FactSheet, Scope, percent, shareable_value
from lib.facts.shared import ColumnWork, shared_work
from lib.filters import filters_payload
from lib.vocab import SEVERITY_LABELS, Severity

SEVERITIES: dict[Severity, str] = SEVERITY_LABELS  # most serious first
_SEVERITY_ORDER = {severity: i for i, severity in enumerate(Severity)}
PROBLEMS: dict[str, str] = {
    "empty": "столбец пуст",
    "missing": "пропуски",
    "duplicates": "строки-дубликаты",
    "constant": "постоянное значение",
    "near_constant": "почти постоянное значение",
    "high_cardinality": "много различных значений",
    "mixed_types": "смешанные типы",
    "infinite": "бесконечные значения",
    "outliers": "выбросы по правилу IQR",
}
MISSING_HIGH, MISSING_MEDIUM = 0.5, 0.2
DUPLICATES_MEDIUM = 0.01
NEAR_CONSTANT_SHARE = 0.95
HIGH_CARDINALITY = 50  # distinct values in a category/text column (ydata-profiling's threshold)
OUTLIERS_MEDIUM, OUTLIERS_LOW = 0.05, 0.01
INFINITE_DETAIL = "в статистике не учитываются"
PAYLOAD_MISSING = 3  # columns with gaps named in the payload, the most missing first (the page lists all)
MEASURE_MIN_INTEGERS = 31  # integer columns with at most this many values are codes or calendar parts
YEARS = (1800, 2100)
# Identifier and code names; «flight»/«рейс» are flight numbers (codes, not quantities).
_NUMBER_START = re.compile(r"[+-]?(\d|\.\d|inf)", re.IGNORECASE)  # after strip: what to_numeric may parse
_CODE_NAME = re.compile(r"(^|[_\s.-])(id|uuid|guid|key|code|no|num|number|flight|код|ид|номер|рейс)$"
                        r"|^(id|код|номер)[_\s.-]", re.IGNORECASE)
PAYLOAD_ALERTS = 4  # other alerts named in the payload, by severity then problem (the page lists all)


@dataclass(frozen=True)
class ColumnShare:
    column: str
    count: int
    share: float


@dataclass(frozen=True)
class Alert:
    severity: Severity
    code: str  # a key of PROBLEMS
    column: str | None  # None for the whole table
    count: int  # rows (or values) concerned; distinct values for cardinality/constant checks
    share: float | None = None  # of the rows (or valid values)
    detail: str | None = None  # e.g. the constant value, or the mixed types

    @property
    def problem(self) -> str:
        return PROBLEMS[self.code]


@dataclass(frozen=True)
class QualityFacts(FactSheet):
    kind = "quality"

    rows: int = 0
    columns: int = 0
    missing_cells: int = 0
    missing_share: float = 0.0
    duplicate_rows: int = 0
    duplicate_share: float = 0.0
    missing: tuple[ColumnShare, ...] = ()  # columns with gaps, most first
    constant: tuple[str, ...] = ()
    near_constant: tuple[str, ...] = ()
    high_cardinality: tuple[str, ...] = ()
    mixed_types: tuple[str, ...] = ()
    infinite: tuple[ColumnShare, ...] = ()  # numeric columns with ±inf, most first (share of non-missing values)
    outliers: tuple[ColumnShare, ...] = ()  # measure-like numeric columns with IQR outliers, most first
    skipped_columns: int = 0  # columns past MAX_COLUMNS, not checked one by one
    alerts: tuple[Alert, ...] = ()  # most severe first

    @property
    def is_empty(self) -> bool:
        return self.rows == 0

    def severity_counts(self) -> dict[Severity, int]:
        return {key: sum(a.severity == key for a in self.alerts) for key in Severity}

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "строк": self.rows,
            "столбцов": self.columns,
        }
        if self.filters:
            payload["фильтры"] = filters_payload(self.filters)
        payload.update(
            {
                "пустых ячеек": self.missing_cells,
                "пустых ячеек, %": percent(self.missing_share),
                "строк-дубликатов": self.duplicate_rows,
                "строк-дубликатов, %": percent(self.duplicate_share),
                "столбцов с пропусками": len(self.missing),
                "пропуски": [
                    {"столбец": m.column, "пропусков": m.count, "доля, %": percent(m.share)}
                    for m in self.missing[:PAYLOAD_MISSING]
                ],
            }
        )
        if len(self.missing) > PAYLOAD_MISSING:
            payload["не вошли ещё столбцов с пропусками"] = len(self.missing) - PAYLOAD_MISSING
        # Gaps are listed above; the alerts list carries the other problems, most severe first.
        others = [a for a in self.alerts if a.code != "missing"]
        payload["предупреждений"] = {SEVERITIES[k]: n for k, n in self.severity_counts().items()}
        payload["предупреждения"] = [_alert_payload(a) for a in others[:PAYLOAD_ALERTS]]
        if len(others) > PAYLOAD_ALERTS:
            payload["не вошли ещё предупреждений"] = len(others) - PAYLOAD_ALERTS
        if self.skipped_columns:
            payload["проверены только первые столбцы"] = self.columns - self.skipped_columns
        return payload


def _alert_payload(alert: Alert) -> dict[str, Any]:
    item: dict[str, Any] = {"важность": SEVERITIES[alert.severity], "проблема": alert.problem}
    if alert.column is not None:
        item["столбец"] = alert.column
    if alert.code in ("constant", "high_cardinality"):
        item["различных значений"] = alert.count
    elif alert.code != "empty":
        item["число"] = alert.count
    if alert.share is not None:
        item["доля, %"] = percent(alert.share)
    if alert.detail:
        item["подробно"] = alert.detail
    return item


def _python_type(value: Any) -> str:
    if isinstance(value, bool):
        return "логическое"
    if isinstance(value, (int, float)):
        return "число"
    if isinstance(value, str):
        return "текст"
    if hasattr(value, "isoformat"):
        return "дата"
    return type(value).__name__


def mixed_type_detail(series: pd.Series, counts: pd.Series | None = None) -> str | None:
    """Which kinds of values share a text/object column: Python types of an object column, or numbers
    among text in a string column (a numeric column spoiled by a few words counts too). `counts`: the
    column's value counts when already known (shared work), so only distinct values are examined."""
    if counts is None:
        counts = series.value_counts(dropna=True)
    counts = counts[counts > 0]
    if counts.empty:
        return None
    if series.dtype == object:
        kinds = sorted({_python_type(v) for v in counts.index})
        if len(kinds) > 1:
            return ", ".join(kinds)
        if kinds != ["текст"]:
            return None
    if not (series.dtype == object or ptypes.is_string_dtype(series.dtype)):
        return None
    index = counts.index
    if not (ptypes.is_string_dtype(index.dtype) and not ptypes.is_object_dtype(index.dtype)):
        index = pd.Index([str(v) for v in index])
    texts = index.str.strip().str.replace(",", ".", regex=False)
    # only text that starts like a number («-1.5», «.5», «1e3», «inf») can parse as one: the rest is not
    # handed to to_numeric one value at a time (tail numbers, names, codes with letters first)
    numeric = np.zeros(len(texts), dtype=bool)
    starts = np.asarray(texts.str.match(_NUMBER_START), dtype=bool)
    if starts.any():
        candidates = pd.Series(np.asarray(texts[starts], dtype=object))
        numeric[starts] = pd.to_numeric(candidates, errors="coerce").notna().to_numpy()
    numeric_rows = int(counts.to_numpy()[numeric].sum())
    if 0 < numeric_rows < int(counts.sum()):
        return "число, текст"
    return None


def measure_like(work: ColumnWork) -> bool:
    """Whether the IQR rule means something for a numeric column: a measured quantity, not a code.
    Left out: identifier-like names, integer columns with few distinct values that repeat (at most
    MEASURE_MIN_INTEGERS, on average twice or more: months, days, hours, flags), years (integers
    1800–2100) and columns whose name says identifier, number or code (`flight`, `номер`)."""
    if work.numeric is None or not work.numeric.count:
        return False
    if _CODE_NAME.search(work.name):
        return False
    if not work.integers:
        return True
    if work.unique <= MEASURE_MIN_INTEGERS and work.unique * 2 <= work.numeric.count:  # repeating codes
        return False
    low, high = work.numeric.min, work.numeric.max
    return not (low is not None and high is not None and YEARS[0] <= low and high <= YEARS[1])


def _alerts(
    frame: pd.DataFrame, rows: int, duplicates: int, missing: list[ColumnShare], checks: dict[str, Any]
) -> list[Alert]:
    alerts: list[Alert] = []
    for m in missing:
        if m.count == rows:
            alerts.append(Alert(Severity.HIGH, "empty", m.column, m.count, 1.0))
        else:
            severity = (Severity.HIGH if m.share > MISSING_HIGH else Severity.MEDIUM if m.share > MISSING_MEDIUM
                        else Severity.LOW)
            alerts.append(Alert(severity, "missing", m.column, m.count, m.share))
    if duplicates:
        share = duplicates / rows
        severity = Severity.MEDIUM if share > DUPLICATES_MEDIUM else Severity.LOW
        alerts.append(Alert(severity, "duplicates", None, duplicates, share))
    for column, value in checks["constant"]:
        alerts.append(Alert(Severity.MEDIUM, "constant", column, 1, None, value))
    for column, value, share in checks["near_constant"]:
        alerts.append(Alert(Severity.LOW, "near_constant", column, checks["top_counts"][column], share, value))
    for column, unique in checks["high_cardinality"]:
        alerts.append(Alert(Severity.LOW, "high_cardinality", column, unique))
    for column, detail in checks["mixed"]:
        alerts.append(Alert(Severity.HIGH, "mixed_types", column, int(frame[column].notna().sum()), None, detail))
    for c in checks["infinite"]:
        alerts.append(Alert(Severity.MEDIUM, "infinite", c.column, c.count, c.share, INFINITE_DETAIL))
    for o in checks["outliers"]:
        if o.share >= OUTLIERS_LOW:
            severity = Severity.MEDIUM if o.share >= OUTLIERS_MEDIUM else Severity.LOW
            alerts.append(Alert(severity, "outliers", o.column, o.count, o.share))
    order = {code: i for i, code in enumerate(PROBLEMS)}
    return sorted(alerts, key=lambda a: (_SEVERITY_ORDER[a.severity], order[a.code], -(a.share or 0), a.column or ""))


def quality_facts(frame: pd.DataFrame, scope: Scope) -> QualityFacts:
    """Quality checks over all rows of `frame`; see the module docstring. A column that the filters
    narrow to one value is constant by the user's choice and gets no constant-value alert. Columns past
    MAX_COLUMNS count in the table-wide figures only."""
    work = shared_work(frame)
    rows, columns = work.rows, work.columns
    pinned = {c for c, values in scope.filters.get("categories", {}).items() if len(values) == 1}
    base = {**scope.sheet_fields(), "rows": rows, "columns": columns, "skipped_columns": work.skipped_columns}
    if rows == 0:
        return QualityFacts(**base)
    missing = sorted(
        (ColumnShare(c.name, c.missing, c.missing / rows) for c in work.profiled if c.missing),
        key=lambda m: (-m.count, m.column),
    )
    checks: dict[str, Any] = {"constant": [], "near_constant": [], "high_cardinality": [], "mixed": [],
                              "outliers": [], "infinite": [], "top_counts": {}}
    for column in work.profiled:
        _column_checks(frame, column, pinned, checks)
    outliers = sorted(checks["outliers"], key=lambda o: (-o.share, o.column))
    checks["outliers"] = outliers
    checks["infinite"] = sorted(checks["infinite"], key=lambda c: (-c.count, c.column))
    duplicates = work.duplicate_rows
    return QualityFacts(
        **base,
        missing_cells=work.missing_cells,
        missing_share=work.missing_cells / (rows * columns) if columns else 0.0,
        duplicate_rows=duplicates,
        duplicate_share=duplicates / rows,
        missing=tuple(missing),
        constant=tuple(c for c, _ in checks["constant"]),
        near_constant=tuple(c for c, _, _ in checks["near_constant"]),
        high_cardinality=tuple(c for c, _ in checks["high_cardinality"]),
        mixed_types=tuple(c for c, _ in checks["mixed"]),
        infinite=tuple(checks["infinite"]),
        outliers=tuple(outliers),
        alerts=tuple(_alerts(frame, rows, duplicates, missing, checks)),
    )


def _column_checks(frame: pd.DataFrame, work: ColumnWork, pinned: set[str], checks: dict[str, Any]) -> None:
    column, kind = work.name, work.kind
    if kind == "empty":
        return
    valid = work.valid
    distinct = work.unique
    named = work.mode if work.mode is not None and shareable_value(kind, work.mode_count) else None
    if distinct == 1:
        if column not in pinned:
            checks["constant"].append((column, named))
    elif valid and work.mode_count / valid >= NEAR_CONSTANT_SHARE:
        checks["near_constant"].append((column, named, work.mode_count / valid))
        checks["top_counts"][column] = work.mode_count
    if kind in ("category", "text") and distinct > HIGH_CARDINALITY:
        checks["high_cardinality"].append((column, distinct))
    if kind in ("category", "text", "id", "bool"):
        detail = mixed_type_detail(frame[column] if column in frame.columns else pd.Series(dtype=object),
                                   work.counts)
        if detail:
            checks["mixed"].append((column, detail))
    if kind == "numeric":
        if work.infinite:
            checks["infinite"].append(ColumnShare(column, work.infinite, work.infinite / valid))
        if distinct > 1 and measure_like(work) and work.outliers is not None and work.outliers.count:
            checks["outliers"].append(ColumnShare(column, work.outliers.count, work.outliers.share))

"""Work several pages need, computed once per frame (dataset and filter state) and shared (issue 15).

Обзор, Качество and Столбцы all need each column's kind, missing count, distinct values, value counts and
numeric summary, and both Обзор and Качество need the duplicate rows. `shared_work(frame)` computes them
in one pass over the columns and keeps the result in a small LRU keyed by the frame object itself (the UI
hands every page the same frame for one dataset and filter state), so the second page reads it for free.

Only the first MAX_COLUMNS columns are profiled (the stated rule for very wide files, shown on the pages
and said in the payloads); table-wide counts (missing cells, duplicate rows) always cover every column.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from lib.facts.codes import Codes, Factors, cached_codes, cached_factors, clear_codes, column_codes, column_factors
from lib.schema import Kind, column_kind

MAX_COLUMNS = 500  # columns profiled per table: the first ones, in table order
CACHE_ENTRIES = 8
IQR_FACTOR = 1.5


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
class Outliers:
    """Values outside [Q1 − 1,5·IQR; Q3 + 1,5·IQR]."""

    lower_fence: float
    upper_fence: float
    below: int
    above: int
    share: float  # of the valid values
    whisker_low: float  # smallest value inside the fences (box-plot whisker)
    whisker_high: float

    @property
    def count(self) -> int:
        return self.below + self.above


@dataclass(frozen=True, eq=False)
class ColumnWork:
    """One column's shared facts. `counts`: occurrences of each valid value, most frequent first (numeric
    columns: None, their distinct values are counted without building the table); `mode` and `mode_count`:
    the most frequent valid value as text and its rows (numeric columns: only a value that may hold three
    quarters of the rows, the one a near-constant check needs)."""

    name: str
    kind: Kind
    dtype: str
    rows: int
    missing: int
    unique: int
    counts: pd.Series | None = None
    mode: str | None = None
    mode_count: int = 0
    numeric: NumericSummary | None = None
    outliers: Outliers | None = None
    finite: np.ndarray | None = None  # valid finite values as float64, in row order (numeric columns)
    infinite: int = 0
    integers: bool = False  # numeric columns whose finite values are all whole numbers
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None

    @property
    def valid(self) -> int:
        return self.rows - self.missing


@dataclass(frozen=True, eq=False)
class SharedWork:
    rows: int
    columns: int  # all columns of the table
    memory_bytes: int
    missing_cells: int  # over every column
    duplicate_rows: int  # over every column
    profiled: tuple[ColumnWork, ...]  # the first MAX_COLUMNS columns

    @property
    def skipped_columns(self) -> int:
        """Columns past MAX_COLUMNS: counted in the table-wide figures, not profiled one by one."""
        return self.columns - len(self.profiled)

    def column(self, name: str) -> ColumnWork | None:
        return next((c for c in self.profiled if c.name == name), None)


def skipped_columns_note(columns: int, skipped: int) -> str | None:
    """The pages' note when a table is wider than MAX_COLUMNS; None otherwise."""
    if not skipped:
        return None
    from lib.fmt import fmt_int

    return (f"В таблице {fmt_int(columns)} столбцов: по отдельности описаны первые {fmt_int(columns - skipped)}, "
            f"остальные {fmt_int(skipped)} учтены только в общих числах (пустые ячейки, строки-дубликаты).")


def float_values(series: pd.Series) -> np.ndarray:
    """The column as float64 with NaN for missing and text (±inf kept)."""
    if ptypes.is_bool_dtype(series.dtype) or ptypes.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def finite_numbers(series: pd.Series) -> pd.Series:
    """`series` as float64 on the same index; text, missing and ±inf (Parquet, JSON `Infinity`) become NaN,
    so no statistic is infinite and no histogram or fit breaks on an infinite value."""
    values = float_values(series)
    return pd.Series(np.where(np.isfinite(values), values, np.nan), index=series.index, name=series.name)


def _clean(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def summary_of(values: np.ndarray) -> NumericSummary:
    """Summary of finite float values (no NaN): the same figures as pandas' mean/std/quantile (linear)."""
    if values.size == 0:
        return NumericSummary(0, None, None, None, None, None, None, None)
    q25, median, q75 = np.quantile(values, [0.25, 0.5, 0.75])
    with np.errstate(over="ignore", invalid="ignore"):
        mean = values.mean()
        if not np.isfinite(mean):  # the sum overflowed (values near ±1e308): average the scaled values
            mean = (values / values.size).sum()
        std = values.std(ddof=1) if values.size > 1 else np.nan
    return NumericSummary(int(values.size), _clean(mean), _clean(std), float(values.min()), _clean(q25),
                          _clean(median), _clean(q75), float(values.max()))


def outliers_of(values: np.ndarray, summary: NumericSummary | None = None) -> Outliers | None:
    """IQR rule on finite float values; None when there are none (or the quartiles overflow)."""
    if values.size == 0:
        return None
    if summary is None:
        q1, q3 = np.quantile(values, [0.25, 0.75])
    else:
        q1, q3 = summary.q25, summary.q75
    if q1 is None or q3 is None:
        return None
    iqr = q3 - q1
    low, high = q1 - IQR_FACTOR * iqr, q3 + IQR_FACTOR * iqr
    below, above = int((values < low).sum()), int((values > high).sum())
    inside = values[(values >= low) & (values <= high)]
    if inside.size == 0 or not (np.isfinite(low) and np.isfinite(high)):
        return None
    return Outliers(float(low), float(high), below, above, (below + above) / values.size,
                    float(inside.min()), float(inside.max()))


def value_counts(series: pd.Series) -> pd.Series:
    """Occurrences of each valid value, most first; categories that never occur are left out, and
    categorical columns are counted on their codes, not converted to text row by row."""
    counts = series.value_counts(dropna=True, sort=True)
    return counts[counts > 0]


def _numeric_work(series: pd.Series, base: dict[str, Any], keep_values: bool,
                  codes: Callable[[], Codes | None] | None = None) -> ColumnWork:
    if ptypes.is_integer_dtype(series.dtype):
        counted = _integer_work(series, base, keep_values, codes)
        if counted is not None:
            return counted
    raw = float_values(series)
    present = raw[~np.isnan(raw)]
    infinite = np.isinf(present)
    finite = present[~infinite] if infinite.any() else present
    summary = summary_of(finite)
    mode, mode_count = None, 0
    if summary.count and summary.median is not None and summary.q25 == summary.q75:
        # Only a value in at least three quarters of the rows can be near-constant, and it is the median.
        candidate = summary.median
        mode_count = int((present == candidate).sum())
        mode = str(int(candidate)) if ptypes.is_integer_dtype(series.dtype) else str(candidate)
    integers = ptypes.is_integer_dtype(series.dtype) or ptypes.is_bool_dtype(series.dtype) or bool(
        np.array_equal(finite, np.trunc(finite)))
    return ColumnWork(**base, unique=len(pd.unique(present)), mode=mode, mode_count=mode_count, numeric=summary,
                      outliers=outliers_of(finite, summary), finite=finite if keep_values else None,
                      integers=integers, infinite=int(infinite.sum()))


COUNTED_RANGE = 1 << 20  # integer columns spanning at most this many values are counted with np.bincount


def _lerp(a: float, b: float, t: float) -> float:
    """numpy's linear interpolation between order statistics, term for term (so quantiles match pandas)."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def _integer_work(series: pd.Series, base: dict[str, Any], keep_values: bool,
                  codes: Callable[[], Codes | None] | None = None) -> ColumnWork | None:
    """Integer columns over a small range (codes, clock times, delays, distances): one np.bincount gives the
    distinct values, the exact mode, quantiles, outlier counts and whiskers without sorting or hashing.
    None when the range is too wide or sums could leave the exactly representable integers."""
    shared = codes() if codes is not None else None
    if shared is not None and shared.offset:  # the frame's shared codes: their counts are the table
        n, low = shared.present, int(shared.low)
        high = low + shared.size - 1
        if max(abs(low), abs(high)) * n >= 2**53:
            return None
        counts = shared.counts
        finite = shared.codes[shared.codes >= 0] + float(low) if keep_values else None
    else:
        values = series.dropna().to_numpy(dtype="int64")
        n = values.size
        if n == 0:
            return None
        low, high = int(values.min()), int(values.max())
        if high - low > COUNTED_RANGE or max(abs(low), abs(high)) * n >= 2**53:
            return None
        counts = np.bincount(values - low)
        finite = values.astype("float64") if keep_values else None
    occupied = np.flatnonzero(counts)
    cumulative = np.cumsum(counts)

    def order_statistic(k: int) -> float:
        return float(low + int(np.searchsorted(cumulative, k, side="right")))

    def quantile(q: float) -> float:
        h = (n - 1) * q
        i = int(np.floor(h))
        return _lerp(order_statistic(i), order_statistic(min(i + 1, n - 1)), h - i)

    q25, median, q75 = quantile(0.25), quantile(0.5), quantile(0.75)
    bins = np.arange(low, high + 1, dtype="float64")
    total = int(np.dot(counts, np.arange(low, high + 1, dtype="int64")))
    mean = total / n
    std = float(np.sqrt(np.dot(counts, (bins - mean) ** 2) / (n - 1))) if n > 1 else None
    summary = NumericSummary(n, mean, std, float(low), q25, median, q75, float(high))
    iqr = q75 - q25
    fence_low, fence_high = q25 - IQR_FACTOR * iqr, q75 + IQR_FACTOR * iqr
    values_at = occupied + low
    inside = values_at[(values_at >= fence_low) & (values_at <= fence_high)]
    below = int(counts[values_at[values_at < fence_low] - low].sum())
    above = int(counts[values_at[values_at > fence_high] - low].sum())
    outliers = Outliers(float(fence_low), float(fence_high), below, above, (below + above) / n,
                        float(inside.min()), float(inside.max())) if inside.size else None
    top = int(np.argmax(counts))
    return ColumnWork(**base, unique=int(occupied.size), mode=str(low + top), mode_count=int(counts[top]),
                      numeric=summary, outliers=outliers, integers=True,
                      finite=finite)


def column_work(series: pd.Series, kind: Kind | None = None, keep_values: bool = True,
                codes: Callable[[], Codes | None] | None = None,
                factors: Callable[[], Factors] | None = None) -> ColumnWork:
    """One column's shared facts; `keep_values=False` leaves out the per-row array of finite values; `codes`
    gives the frame's shared codes of a numeric column, `factors` those of a date column (lib.facts.codes),
    made only when they are needed."""
    counts = None
    if kind is None and ptypes.is_string_dtype(series.dtype) and not ptypes.is_object_dtype(series.dtype):
        counts = value_counts(series)  # a text column's counts give its kind's distinct values too
        kind = column_kind(series, distinct=len(counts))
    kind = kind or column_kind(series)
    rows = len(series)
    # a numpy integer or boolean column cannot hold a missing value: no pass to count them
    holes = not (isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub")
    base: dict[str, Any] = {"name": str(series.name), "kind": kind, "dtype": str(series.dtype), "rows": rows,
            "missing": int(series.isna().sum()) if holes else 0}
    if kind == "numeric":
        return _numeric_work(series, base, keep_values, codes)
    if kind == "datetime":
        if factors is not None:
            uniques = factors().uniques
            return ColumnWork(**base, unique=len(uniques), first=uniques.min(), last=uniques.max())
        values = series.dropna()
        return ColumnWork(**base, unique=int(values.nunique()), first=values.min(), last=values.max())
    if kind == "empty":
        return ColumnWork(**base, unique=0)
    counts = value_counts(series) if counts is None else counts
    mode = str(counts.index[0]) if len(counts) else None
    return ColumnWork(**base, unique=len(counts), counts=counts, mode=mode,
                      mode_count=int(counts.iloc[0]) if len(counts) else 0)


PREFILTER_COLUMNS = 3  # columns combined before the first look for rows that are already unique
MOSTLY_CANDIDATES = 0.5
KEY_LIMIT = 2**62


def duplicate_rows(frame: pd.DataFrame, distinct: dict[str, int] | None = None) -> int:
    """Rows equal to an earlier row (pandas `duplicated()`), exact by construction and linear in the rows.

    Each column is factorized as `duplicated()` does (missing equal to missing), and the codes are combined
    column by column into one key per row, renumbered whenever the next column would overflow it. After the
    first few columns — the most varied ones (`distinct`: distinct values per column, when known), cheap to
    factorize (numbers, dates, categories) before text — rows whose key is already unique cannot be
    duplicates, so only the others go on (usually a handful); every row unique ends the count at 0.

    From then on the rows that agree so far form classes, each with one representative row. A column that
    holds one value in every class splits none of them and is not combined at all (a table of copies:
    after a few columns, every further column is such a one); only the others grow the key. Memory holds
    one key and one column's codes at a time, never a table of every cell."""
    rows_total, width = frame.shape
    if not rows_total or not width:
        return 0
    counts = distinct or {}
    dtypes = list(frame.dtypes)  # `frame.dtypes` builds a Series at every call

    def rank(i: int) -> tuple[bool, bool, int]:
        count = counts.get(str(frame.columns[i]), 0)
        return bool(counts) and count <= 1, _text_like(dtypes[i]), -count

    rows: np.ndarray | None = None  # positions still in question; None for all
    key = np.zeros(rows_total, dtype="int64")
    size = 1  # key values lie in [0, size)
    representative: np.ndarray | None = None  # after the first columns: a row of each row's class
    try:
        for step, i in enumerate(sorted(range(width), key=rank), start=1):
            codes, span, shift = _column_codes(frame, i, dtypes[i], rows)
            if representative is not None:
                # a column with one value in every class is not combined (classes only get finer, so an older
                # representative will do)
                if not _same_in_classes(codes, representative):
                    key, size = _split(key, size, codes, span, representative)
                    representative = _representatives(key, size)
                continue
            if size * span >= KEY_LIMIT:
                key, size = _renumber(key, size)
            key *= span  # in place: a table's worth of fresh memory costs more than the arithmetic
            key += codes
            if shift:
                key += shift
            size *= span
            if step == PREFILTER_COLUMNS:
                estimate = _distinct_if_mostly_repeated(key, size)
                if estimate is not None:  # a table of copies: no row can be left out, so no rounds
                    key, size = _renumber_hashed(key, estimate)
                else:
                    # rounds of a different hash each (exact once the keys are dense), while they halve the rows
                    rounds = 0
                    repeated = _maybe_repeated(key, size)
                    while repeated.mean() <= MOSTLY_CANDIDATES:  # go on with the rows that may still repeat
                        kept = np.flatnonzero(repeated)
                        if not len(kept):  # every row already unique
                            return 0
                        rows = kept if rows is None else rows[kept]
                        key = key[kept]
                        rounds += 1
                        repeated = _maybe_repeated(key, size, rounds)
                        if repeated.all():
                            break
                    key, size = _renumber(key, size)
                representative = _representatives(key, size)
    except TypeError:  # unhashable cells (lists): pandas compares them, if it can
        return int(frame.duplicated().sum())
    if representative is None:  # fewer columns than the first few
        return len(key) - _renumber(key, size)[1]
    return len(key) - int(np.count_nonzero(np.bincount(key, minlength=size)))


def _column_codes(frame: pd.DataFrame, i: int, dtype: Any,
                  rows: np.ndarray | None) -> tuple[np.ndarray, int, int]:
    """Column i's codes for `duplicate_rows` (of `rows` only, when given) as `codes + shift` in [0, span): the
    profile's int32 offset codes when a page has made them, a date column's factors, a category's own codes
    (missing −1, shift 1: no widened copy, the key's arithmetic widens them), else `_codes`."""
    shared = cached_codes(frame, i) if ptypes.is_integer_dtype(dtype) else None
    if shared is not None and shared.offset:
        return (shared.codes if rows is None else shared.codes[rows]), shared.size + 1, 1
    factors = cached_factors(frame, i) if ptypes.is_datetime64_any_dtype(dtype) else None
    if factors is not None:
        return (factors.codes if rows is None else factors.codes[rows]), len(factors.uniques) + 1, 1
    column = frame.iloc[:, i]
    if isinstance(dtype, pd.CategoricalDtype):  # the category codes are there already: no take of the rows
        codes = column.cat.codes.to_numpy()
        return (codes if rows is None else codes[rows]), len(dtype.categories) + 1, 1
    return (*_codes(column if rows is None else column.iloc[rows]), 0)


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Codes 0 … span − 1 of a column's values, 0 for missing, equal codes for values `duplicated()` takes
    as equal: small integer ranges as they are, other values factorized (categories never come here:
    `_column_codes` reads their own codes)."""
    dtype = column.dtype
    if ptypes.is_integer_dtype(dtype) and not ptypes.is_bool_dtype(dtype) and column.notna().any():
        low, high = int(column.min()), int(column.max())
        if high - low <= 4 * len(column) and max(abs(low), abs(high)) < KEY_LIMIT:  # uint64 may not fit int64
            values = column.to_numpy(dtype="int64", na_value=low - 1)  # may be the frame's own memory
            return values - (low - 1), high - low + 2
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    codes = codes.astype("int64", copy=False)
    codes += 1
    return codes, len(uniques) + 1


COMPARED_ROWS = 1 << 16  # rows compared at a time: the gathered block stays in the processor's cache


def _same_in_classes(codes: np.ndarray, representative: np.ndarray) -> bool:
    """Whether every row's code equals its class representative's, block by block: a column that splits a
    class is usually found in the first block, and no table-long copy of the codes is made."""
    for start in range(0, len(codes), COMPARED_ROWS):
        block = slice(start, start + COMPARED_ROWS)
        if not np.array_equal(codes[representative[block]], codes[block]):
            return False
    return True


def _split(key: np.ndarray, size: int, codes: np.ndarray, span: int,
           representative: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense class keys refined by a column that holds more than one value in some classes: only the rows of
    those classes get new keys (after the old ones, so the keys stay within about twice the rows)."""
    split = np.zeros(size, dtype=bool)
    split[key[codes != codes[representative]]] = True
    rows = np.flatnonzero(split[key])
    uniques, inverse = np.unique(key[rows] * span + codes[rows], return_inverse=True)
    key = key.copy()
    key[rows] = size + inverse
    size += len(uniques)
    if size > 2 * len(key):  # many splits: the holes the old keys left are closed
        key, size = _renumber(key, size)
    return key, size


def _representatives(key: np.ndarray, size: int) -> np.ndarray:
    """For each row, a row with the same key (dense keys in [0, size)): whichever one the assignment keeps."""
    first = np.empty(size, dtype="int64")
    first[key] = np.arange(len(key))
    return first[key]


# odd 64-bit multipliers, one per round of `_maybe_repeated`: a round's strangers rarely collide again
_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)


SAMPLE_BUCKETS = 64  # 1/64 of the hash space: its rows estimate how many rows repeat


def _distinct_if_mostly_repeated(key: np.ndarray, size: int) -> int | None:
    """About how many distinct keys there are when most rows' keys occur again, else None: found exactly on
    the rows whose hash falls in the first 1/SAMPLE_BUCKETS of the hash space (equal keys hash alike, so a
    sampled key comes with all its rows). Only for long tables whose keys are too wide to count."""
    if size <= 4 * len(key) or len(key) < 64 * SAMPLE_BUCKETS:
        return None
    mixed = key.view(np.uint64) * np.uint64(_MULTIPLIERS[-1])
    sample = key[mixed < np.uint64(2**64 // SAMPLE_BUCKETS)]
    if not len(sample):
        return None
    uniques, inverse, counts = np.unique(sample, return_inverse=True, return_counts=True)
    if (counts[inverse] > 1).mean() <= MOSTLY_CANDIDATES:
        return None
    return len(uniques) * SAMPLE_BUCKETS


def _maybe_repeated(key: np.ndarray, size: int, round_: int = 0) -> np.ndarray:
    """Rows whose key may occur again: exactly those when the keys are dense enough to be counted (`size`
    within a few times the rows); else the rows whose bucket is shared, the bucket being the top bits of
    the key times an odd constant (multiplicative hashing into at least 2n buckets: one multiplication and
    one shift, several times cheaper than a remainder). Equal keys share a bucket, so no repeated row is
    missed; the strangers that collide go to the next round, the next columns and the exact count."""
    if size <= 4 * len(key):
        return np.bincount(key, minlength=size)[key] > 1
    bits = (2 * len(key)).bit_length()
    mixed = key.view(np.uint64) * np.uint64(_MULTIPLIERS[round_ % len(_MULTIPLIERS)])  # wraps modulo 2⁶⁴
    mixed >>= np.uint64(64 - bits)
    bucket = mixed.view(np.int64)
    return np.bincount(bucket, minlength=1 << bits)[bucket] > 1


def _renumber(key: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """The keys (values in [0, size)) as 0 … k − 1 (k distinct), so the next column fits: a table of the
    occupied values when `size` is within a few times the rows, else one sort. (A hash table of mostly
    distinct keys misses the cache at every row: on flights it is 2–3 times slower than the sort.)"""
    if size <= 4 * len(key):
        return _dense(key, size)
    uniques, inverse = np.unique(key, return_inverse=True)
    return inverse.astype("int64", copy=False), len(uniques)


def _dense(key: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Keys in [0, size) as 0 … k − 1 in their order, through a table of flags of the occupied values and
    their running count (one byte and four bytes a value: on flights ×3 four times faster than counts)."""
    occupied = np.zeros(size, dtype=bool)
    occupied[key] = True
    numbers = np.cumsum(occupied, dtype="int32" if size < 2**31 else "int64")
    numbers -= 1
    return numbers[key].astype("int64", copy=False), int(numbers[-1]) + 1 if size else 0


def _renumber_hashed(key: np.ndarray, distinct: int) -> tuple[np.ndarray, int]:
    """`_renumber` for keys of which there are about `distinct` (far fewer than the rows): each key's slot in
    a table of about 4 × `distinct` slots (multiplicative hashing) stands for it, unless another key took the
    slot; only the keys that lost their slot are sorted, numbered after the slots, and the slots in use are
    then numbered densely. The table stays within the processor's cache where a sort of every row would not
    (flights ×9: 140 → 40 ms); exact whatever the estimate, which sizes the table only."""
    bits = min(max((4 * distinct).bit_length(), 10), (2 * len(key)).bit_length())
    mixed = key.view(np.uint64) * np.uint64(_MULTIPLIERS[0])
    mixed >>= np.uint64(64 - bits)
    slot = mixed.view(np.int64)
    owner = np.empty(1 << bits, dtype="int64")
    owner[slot] = key  # one of the keys that hash to a slot owns it
    lost = np.flatnonzero(owner[slot] != key)
    size = 1 << bits
    if len(lost):  # keys distinct from their slot's owner, numbered after the slots
        uniques, inverse = np.unique(key[lost], return_inverse=True)
        slot[lost] = size + inverse
        size += len(uniques)
    return _dense(slot, size)


def _text_like(dtype: Any) -> bool:
    return ptypes.is_object_dtype(dtype) or ptypes.is_string_dtype(dtype)


PARALLEL_ROWS = 50_000  # from this many rows the columns that are not numbers are profiled on a second thread


def _profile(frame: pd.DataFrame) -> tuple[ColumnWork, ...]:
    """Each of the first MAX_COLUMNS columns' work, in table order. On a long table the columns that are not
    numbers (text, dates, categories: hashed by Arrow and pandas, which release the GIL) are profiled on a
    second thread while this one counts the numeric columns (flights: 47 → 34 ms). Only that thread is
    added: the numeric columns' codes, kept for the other pages, are made here, in the memory the file's
    parser freed (two threads for all columns were as fast but each had a malloc arena of its own: the peak
    of load + six sheets on flights rose from 287 to 316 MB)."""
    series = [frame.iloc[:, i].rename(str(name)) for i, name in enumerate(frame.columns[:MAX_COLUMNS])]

    def work(i: int) -> ColumnWork:
        # the cached profile keeps no per-row arrays: a page that needs a column's values reads the frame
        dated = ptypes.is_datetime64_any_dtype(series[i].dtype)
        return column_work(series[i], keep_values=False, codes=partial(column_codes, frame, i, offset_only=True),
                           factors=partial(column_factors, frame, i) if dated else None)

    hashed = [i for i, s in enumerate(series) if not ptypes.is_numeric_dtype(s.dtype) or ptypes.is_bool_dtype(s.dtype)]
    if len(frame) < PARALLEL_ROWS or not hashed or len(hashed) == len(series):
        return tuple(work(i) for i in range(len(series)))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="svodka-profile") as pool:
        later = {i: pool.submit(work, i) for i in hashed}
        done = {i: work(i) for i in range(len(series)) if i not in later}
        done.update((i, future.result()) for i, future in later.items())
    return tuple(done[i] for i in range(len(series)))


def _compute(frame: pd.DataFrame) -> SharedWork:
    rows, columns = frame.shape
    profiled = _profile(frame)
    return SharedWork(
        rows=int(rows),
        columns=int(columns),
        memory_bytes=int(frame.memory_usage(deep=True).sum()),
        # the profiled columns' own counts, the rest counted one column at a time (no table of flags)
        missing_cells=sum(c.missing for c in profiled) + sum(int(frame.iloc[:, i].isna().sum())
                                                             for i in range(len(profiled), columns)),
        duplicate_rows=duplicate_rows(frame, {c.name: c.unique for c in profiled}),
        profiled=profiled,
    )


_cache: OrderedDict[int, tuple[weakref.ref, SharedWork]] = OrderedDict()
_lock = threading.Lock()


def shared_work(frame: pd.DataFrame) -> SharedWork:
    """`frame`'s shared work, from the LRU when this very frame object was seen (a frame is never
    mutated once loaded; a new filter state gives a new frame object)."""
    key = id(frame)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0]() is frame:
            _cache.move_to_end(key)
            return hit[1]
    work = _compute(frame)
    with _lock:
        _cache[key] = (weakref.ref(frame), work)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return work


def clear_shared_work() -> None:
    """Forget every frame's shared work and codes (the bench's cold runs)."""
    with _lock:
        _cache.clear()
    clear_codes()

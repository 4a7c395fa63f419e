"""Numeric columns as order-preserving integer codes, made once per frame and shared (issue 15).

The shared profile counts an integer column's values, the duplicate-row key combines every column's codes, and
Связи correlates the numeric columns through their codes and ranks them from the codes' counts. All three read
the same `Codes` of a column from here: the first page that needs them makes them, the others reuse them.

Only the most recent frames keep their codes (`CACHE_FRAMES`): they are one int32 per row and column. Date
columns are kept factorized the same way (`Factors`), for the same pages.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

CACHE_FRAMES = 2


@dataclass(frozen=True, eq=False)
class Codes:
    """A numeric column as codes: −1 for a missing value (text, NaN, ±inf), else 0 … size − 1 in the order
    of the values. Whole numbers in a range no wider than twice the rows are offset by their minimum
    (`offset`: the value of code c is low + c); other values index `table`, their sorted distinct values."""

    codes: np.ndarray
    size: int
    counts: np.ndarray  # rows of each code
    low: float  # the smallest value
    table: np.ndarray | None = None

    @property
    def offset(self) -> bool:
        return self.table is None

    @property
    def present(self) -> int:
        return int(len(self.codes) - self.missing)

    @property
    def missing(self) -> int:
        return int(len(self.codes) - int(self.counts.sum()))


def code_dtype(rows: int) -> str:
    return "int32" if rows < 2**30 else "int64"


def _narrow(low: float, high: float, rows: int) -> bool:
    """Whether whole numbers in [low, high] take offset codes: a range no wider than twice the rows (so the
    tables of codes stay as small as the column), within the exactly representable integers."""
    return high - low <= 2 * rows + 1 and max(abs(low), abs(high)) < 2**53


def _integers(series: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """An integer column's own values and missing mask (None: no mask), without copies where pandas allows:
    a nullable column's values and mask are read from the masked array (pandas has no public accessor that
    does not copy them; the values under the mask are arbitrary). Another array type pays one copy."""
    if isinstance(series.dtype, np.dtype):  # a numpy integer column has no missing value
        return series.to_numpy(), None
    array = series.array
    data, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
    if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray) and data.shape == mask.shape == (len(series),):
        return data, mask
    mask = series.isna().to_numpy()
    return series.to_numpy(dtype="int64", na_value=0), mask


def integer_codes(series: pd.Series) -> Codes | None:
    """Offset codes of an integer column (nullable or not) straight from its own values (no int64 or float
    copy: on 3 M rows that copy was a fresh 24 MB array per column); None for other dtypes, for a range too
    wide (see `_narrow`) and for a column with no value."""
    if not ptypes.is_integer_dtype(series.dtype) or ptypes.is_bool_dtype(series.dtype):
        return None
    data, mask = _integers(series)
    missing = 0 if mask is None else int(np.count_nonzero(mask))
    if missing == len(series):
        return None
    if mask is not None and missing:
        present = ~mask
        bounds = np.iinfo(data.dtype)
        low = int(np.min(data, where=present, initial=bounds.max))
        high = int(np.max(data, where=present, initial=bounds.min))
    else:
        low, high = int(data.min()), int(data.max())
    if not _narrow(low, high, len(series)):
        return None
    codes = np.empty(len(data), dtype=code_dtype(len(data)))
    # in int64 whatever the column's width (int8 − low could wrap); present values fall in [0, 2n + 1]
    np.subtract(data, low, out=codes, dtype="int64", casting="unsafe")
    if mask is not None and missing:
        codes[mask] = -1
    size = high - low + 1
    return Codes(codes, size, _counts(codes, size, missing), float(low))


COUNTED_BLOCK = 1 << 16  # rows counted at a time when the codes are few: the block's copies stay in the cache


def _counts(codes: np.ndarray, size: int, missing: int) -> np.ndarray:
    """Rows of each code 0 … size − 1 (−1, missing, not counted). Few codes are counted block by block: a
    table-long `np.bincount` would make two table-long copies (shifted past −1, then widened to intp), which
    on 3 M rows cost more than the counting (flights arr_delay: 23 → 5 ms)."""
    if size == 1:  # one value: counting would add one to the same cell row after row
        return np.array([len(codes) - missing])
    shift = 1 if missing else 0  # −1 counted in front, then dropped
    if size > COUNTED_BLOCK or len(codes) <= COUNTED_BLOCK:
        return np.bincount(codes + shift if shift else codes, minlength=size + shift)[shift:]
    counts = np.zeros(size + shift, dtype="int64")
    for start in range(0, len(codes), COUNTED_BLOCK):
        block = codes[start:start + COUNTED_BLOCK]
        counts += np.bincount(block + shift if shift else block, minlength=size + shift)
    return counts[shift:]


def float_codes(values: np.ndarray) -> Codes | None:
    """Codes of float values (NaN and ±inf missing; `values` is overwritten); None when none is finite.
    Whole numbers in a narrow range are offset by their minimum (a few linear passes, no sort); other values
    are sorted once."""
    with np.errstate(invalid="ignore"):
        values[np.isinf(values)] = np.nan
    missing = np.isnan(values)
    if bool(missing.all()):
        return None
    low, high = float(np.fmin.reduce(values)), float(np.fmax.reduce(values))  # fmin/fmax skip NaN
    dtype = code_dtype(len(values))
    if _narrow(low, high, len(values)) and low == np.floor(low):
        shifted = values - low
        shifted[missing] = 0.0
        if bool(np.all(shifted == np.floor(shifted))):  # whole numbers: low + code is each value exactly
            shifted[missing] = -1.0
            codes = shifted.astype(dtype)
            size = int(high - low) + 1
            return Codes(codes, size, _counts(codes, size, int(np.count_nonzero(missing))), low)
    codes = np.full(len(values), -1, dtype=dtype)
    table, inverse, counts = np.unique(values[~missing], return_inverse=True, return_counts=True)
    codes[~missing] = inverse
    return Codes(codes, len(table), counts, low, table)


def make_codes(series: pd.Series) -> Codes | None:
    """A numeric column's codes: straight from integers when they are narrow, else from a float copy."""
    codes = integer_codes(series)
    if codes is not None:
        return codes
    return float_codes(series.to_numpy(dtype="float64", na_value=np.nan, copy=True))


@dataclass(frozen=True, eq=False)
class Factors:
    """A column factorized as `pd.factorize` does it: `codes` −1 for missing, else the position of the row's
    value in `uniques` (the distinct values in order of appearance). Made for date columns, whose distinct
    values the profile counts, the duplicate-row key combines and Динамика converts to wall time."""

    codes: np.ndarray
    uniques: pd.Index


def make_factors(series: pd.Series) -> Factors:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return Factors(codes.astype(code_dtype(len(codes)), copy=False), uniques)


_Entry = tuple[weakref.ref, dict[int, Codes | None], dict[int, Factors]]
_cache: OrderedDict[int, _Entry] = OrderedDict()
_lock = threading.RLock()  # re-entrant: a frame collected while the lock is held calls `_forget`


def cached_codes(frame: pd.DataFrame, position: int) -> Codes | None:
    """The column's codes when a page has already made them; None otherwise (nothing is computed)."""
    with _lock:
        hit = _cache.get(id(frame))
        return hit[1].get(position) if hit is not None and hit[0]() is frame else None


def cached_factors(frame: pd.DataFrame, position: int) -> Factors | None:
    """The column's factors when a page has already made them; None otherwise (nothing is computed)."""
    with _lock:
        hit = _cache.get(id(frame))
        return hit[2].get(position) if hit is not None and hit[0]() is frame else None


def column_factors(frame: pd.DataFrame, position: int) -> Factors:
    """The factors of the column at `position` of `frame`, made once per frame object (see `column_codes`)."""
    found = cached_factors(frame, position)
    if found is not None:
        return found
    factors = make_factors(frame.iloc[:, position])
    with _lock:
        _entry(frame)[2][position] = factors
    return factors


def _entry(frame: pd.DataFrame) -> _Entry:
    """The frame's cache entry, made when missing, as the most recent one (the lock is held)."""
    key = id(frame)
    hit = _cache.get(key)
    if hit is None or hit[0]() is not frame:
        hit = (weakref.ref(frame, _forget(key)), {}, {})
        _cache[key] = hit
    _cache.move_to_end(key)
    while len(_cache) > CACHE_FRAMES:
        _cache.popitem(last=False)
    return hit


def column_codes(frame: pd.DataFrame, position: int, offset_only: bool = False) -> Codes | None:
    """The codes of the numeric column at `position` of `frame`, made once per frame object (a loaded frame
    is never mutated; a new filter state is a new frame). The caller checks that the column is numeric.
    `offset_only`: only offset codes are wanted, so a column that would need a sort is left for later."""
    key = id(frame)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0]() is frame:
            _cache.move_to_end(key)
            if position in hit[1]:
                return hit[1][position]
    series = frame.iloc[:, position]
    codes = integer_codes(series) if offset_only else make_codes(series)
    if codes is None and offset_only:
        return None
    with _lock:
        _entry(frame)[1][position] = codes
    return codes


def _forget(key: int) -> Callable[[weakref.ref], None]:
    """Drop a frame's codes as soon as the frame is gone, not when the cache next evicts it."""
    def forget(ref: weakref.ref) -> None:
        with _lock:
            hit = _cache.get(key)
            if hit is not None and hit[0] is ref:
                del _cache[key]
    return forget


def clear_codes() -> None:
    with _lock:
        _cache.clear()

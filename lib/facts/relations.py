"""Relations between numeric columns: Pearson and Spearman matrices (pairwise complete rows), each pair's
tests, the strongest pairs in words, the pairs derived from each other, and one chosen pair with its
statistics on all rows plus a labelled random sample of points for drawing only.

Words follow the tests: a pair's strength («сильная» |r| ≥ 0.7, «умеренная» ≥ 0.3, else «слабая») is
Pearson's r, named only when the pair has at least 10 complete rows and the Fisher-z 95 % interval of r
excludes 0; otherwise «связь не подтверждается». The direction («прямая»/«обратная») comes only with a
strength word. Spearman's ρ gets its own word on the same scale when n ≥ 10 and its p-value < 0.05.
Pairs of at least 10 complete rows that are functions of each other (|r| or |ρ| ≥ 0.999, or one column's
value determined by the other's, like `hour` by `sched_dep_time`) are «производные»: listed apart, never
among the strongest pairs and never the pair drawn by default."""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from threadpoolctl import ThreadpoolController

from lib.facts.base import FactSheet, Scope, display_round
from lib.facts.codes import Codes, column_codes
from lib.filters import filters_payload
from lib.schema import column_kind
from lib.stats import ALPHA, Correlation, pearson, shown_p_value, spearman

MAX_COLUMNS = 15
MIN_ROWS = 3
MIN_ROWS_FOR_WORDS = 10
STRONGEST = 10
PAYLOAD_STRONGEST = 3
PAYLOAD_DERIVED = 3
PAYLOAD_SKIPPED = 5
SAMPLE_POINTS = 3000
SAMPLE_SEED = 0
DERIVED_CORRELATION = 0.999
CHUNK_ROWS = 16384  # rows per block of the accumulated matrix products
PARALLEL_ROWS = 50_000  # from this many rows Pearson and Spearman run on two threads
FUNCTION_CHECK_SAMPLE = 5000  # rows a "one column determines the other" check looks at before the full check
STRENGTH_WORDS = ((0.7, "сильная"), (0.3, "умеренная"), (0.0, "слабая"))
NOT_CONFIRMED = "связь не подтверждается"
STRENGTH_RULE = "по r Пирсона: сильная ≥ 0.7, умеренная ≥ 0.3, иначе слабая; если 95 % интервал без 0"
RANKING_RULE = "по |r|"


@dataclass(frozen=True)
class Pair:
    x: str
    y: str
    pearson: float | None
    spearman: float | None
    rows: int  # rows where both values are present
    pearson_p: float | None = None
    pearson_low: float | None = None  # Fisher-z 95 % interval of r
    pearson_high: float | None = None
    spearman_p: float | None = None
    derived: str | None = None  # why the pair is a function of itself, in Russian; None for a real pair

    @property
    def confirmed(self) -> bool:
        """Pearson's r is told in words: enough rows and an interval that excludes 0."""
        return (self.rows >= MIN_ROWS_FOR_WORDS and self.pearson_low is not None and self.pearson_high is not None
                and (self.pearson_low > 0 or self.pearson_high < 0))

    @property
    def strength(self) -> str:
        return strength_word(self.pearson) if self.confirmed else NOT_CONFIRMED

    @property
    def direction(self) -> str | None:
        """«прямая»/«обратная», only with a strength word."""
        if not self.confirmed or not self.pearson:
            return None
        return "прямая" if self.pearson > 0 else "обратная"

    @property
    def spearman_confirmed(self) -> bool:
        return self.rows >= MIN_ROWS_FOR_WORDS and self.spearman_p is not None and self.spearman_p < ALPHA

    @property
    def spearman_strength(self) -> str:
        return strength_word(self.spearman) if self.spearman_confirmed else NOT_CONFIRMED

    @property
    def spearman_direction(self) -> str | None:
        if not self.spearman_confirmed or not self.spearman:
            return None
        return "прямая" if self.spearman > 0 else "обратная"

    @property
    def rank_key(self) -> tuple[bool, float, float]:
        return (not self.confirmed, -abs(self.pearson or 0.0), -abs(self.spearman or 0.0))


@dataclass(frozen=True)
class ChosenPair:
    pair: Pair
    slope: float | None  # least squares y = slope·x + intercept, on all complete rows
    intercept: float | None
    sample_x: tuple[float, ...] = ()
    sample_y: tuple[float, ...] = ()

    @property
    def sampled(self) -> bool:
        return len(self.sample_x) < self.pair.rows


@dataclass(frozen=True)
class RelationFacts(FactSheet):
    kind = "relations"

    rows: int = 0
    columns: tuple[str, ...] = ()  # in the matrices, table order
    skipped: tuple[str, ...] = ()  # numeric columns left out (constant, too few values, over the cap)
    pearson: tuple[tuple[float | None, ...], ...] = ()
    spearman: tuple[tuple[float | None, ...], ...] = ()
    strongest: tuple[Pair, ...] = ()  # real pairs ranked by RANKING_RULE, at most 10
    derived: tuple[Pair, ...] = ()  # pairs that are functions of each other
    pairs: int = 0  # real (not derived) pairs with a coefficient
    confirmed_pairs: int = 0
    chosen: ChosenPair | None = None

    @property
    def is_empty(self) -> bool:
        return len(self.columns) < 2

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "набор": self.dataset_name,
            "строк": self.rows,
            "числовых столбцов": len(self.columns),
        }
        if self.filters:
            payload["фильтры"] = filters_payload(self.filters)
        if self.skipped:  # the first few by table order, and how many in all, so a wide table keeps the budget
            payload["не вошли"] = list(self.skipped[:PAYLOAD_SKIPPED])
            if len(self.skipped) > PAYLOAD_SKIPPED:
                payload["не вошли, всего"] = len(self.skipped)
        payload["сила связи"] = STRENGTH_RULE
        payload["пар"] = self.pairs
        payload["подтверждённых связей"] = self.confirmed_pairs
        first_is_chosen = self.chosen is None or (
            bool(self.strongest) and (self.strongest[0].x, self.strongest[0].y) == (self.chosen.pair.x,
                                                                                     self.chosen.pair.y))
        # a chosen pair of its own takes one of the places, so the prompt stays within its budget
        shown = self.strongest[: PAYLOAD_STRONGEST if first_is_chosen else PAYLOAD_STRONGEST - 1]
        payload["сильнейшие связи"] = [_pair_payload(p) for p in shown]
        if self.pairs > len(shown):
            payload["порядок"] = RANKING_RULE
            payload["пар не показано"] = self.pairs - len(shown)
        if self.derived:
            payload["производные"] = [{"пара": f"{p.x} — {p.y}", "почему": p.derived}
                                      for p in self.derived[:PAYLOAD_DERIVED]]
            if len(self.derived) > PAYLOAD_DERIVED:
                payload["производных не показано"] = len(self.derived) - PAYLOAD_DERIVED
        if self.chosen is not None:
            chosen: dict[str, Any] = (
                {"пара": f"{self.chosen.pair.x} — {self.chosen.pair.y}", "см.": "первая из сильнейших"}
                if first_is_chosen else _pair_payload(self.chosen.pair))
            if self.chosen.pair.derived:  # a function of itself: coefficients, but no words about strength
                pair = self.chosen.pair
                chosen = {"пара": f"{pair.x} — {pair.y}", "строк": pair.rows, "Пирсон": display_round(pair.pearson),
                          "Спирмен": display_round(pair.spearman), "производная": pair.derived}
            if self.chosen.slope is not None:
                chosen["наклон"] = display_round(self.chosen.slope)
            chosen["точек на графике"] = len(self.chosen.sample_x)
            payload["выбранная пара"] = chosen
        return payload


def _p_entry(key: str, p_value: float | None) -> dict[str, Any]:
    if p_value is None:
        return {}
    return {f"{key} меньше" if p_value < 0.001 else key: shown_p_value(p_value)}


def _pair_payload(pair: Pair) -> dict[str, Any]:
    """One pair: Pearson's r with its 95 % interval («интервал») and p-value («p»), the words, Spearman's ρ
    with its p-value («p Спирмена»)."""
    item: dict[str, Any] = {"пара": f"{pair.x} — {pair.y}", "строк": pair.rows, "Пирсон": display_round(pair.pearson)}
    if pair.pearson_low is not None and pair.pearson_high is not None:
        item["интервал"] = [display_round(pair.pearson_low), display_round(pair.pearson_high)]
    item.update(_p_entry("p", pair.pearson_p))
    item["сила"] = pair.strength
    if pair.direction:
        item["направление"] = pair.direction
    item["Спирмен"] = display_round(pair.spearman)
    if pair.spearman_strength != pair.strength or pair.spearman_direction != pair.direction:
        item.update(_p_entry("p Спирмена", pair.spearman_p))
        item["сила по Спирмену"] = pair.spearman_strength
        if pair.spearman_direction:
            item["направление по Спирмену"] = pair.spearman_direction
    return item


def strength_word(value: float | None) -> str:
    magnitude = abs(value or 0.0)
    return next(word for bound, word in STRENGTH_WORDS if magnitude >= bound)


@dataclass(frozen=True)
class _Column:
    """A numeric column as order-preserving integer codes (−1 for missing) and the value of each code: the
    one form every matrix, check and the chosen pair read, so no float copy of the column is kept."""

    name: str
    codes: np.ndarray
    size: int  # number of codes
    sample_codes: np.ndarray  # codes of evenly spaced rows, for the cheap first "determines" check
    sample_order: np.ndarray  # the order that sorts them
    complete: bool  # no missing value
    low: float  # whole numbers: the value of code c is low + c
    table: np.ndarray | None  # other values: the value of each code (the sorted distinct values)
    counts: np.ndarray  # rows of each code

    @property
    def present(self) -> np.ndarray:
        return self.codes >= 0

    def values_into(self, codes: np.ndarray, out: np.ndarray, shift: float = 0.0) -> None:
        """The values of `codes` less `shift` into `out` (a code −1 gives some finite value: the caller masks
        it). Lookups wrap: unlike the default mode, that neither converts nor checks every int32 index."""
        if self.table is None:
            np.add(codes, self.low - shift, out=out)
        else:
            np.take(self.table, codes, out=out, mode="wrap")
            if shift:
                out -= shift


def _from_codes(name: str, codes: Codes) -> _Column:
    """The column, with the evenly spaced sample of its codes the first «determines» check reads."""
    sample = codes.codes[:: max(1, len(codes.codes) // FUNCTION_CHECK_SAMPLE)]
    return _Column(name, codes.codes, codes.size, sample, np.argsort(sample, kind="stable"), codes.missing == 0,
                   codes.low, codes.table, codes.counts)


def _relation_columns(frame: pd.DataFrame) -> tuple[list[_Column], list[str]]:
    """(the used columns, the skipped names: constant, fewer than MIN_ROWS values, or over the cap). Text,
    missing and ±inf values are missing. The codes are the frame's shared ones (lib.facts.codes)."""
    used: list[_Column] = []
    skipped: list[str] = []
    for position, name in enumerate(frame.columns):
        series = frame.iloc[:, position]
        # only numeric dtypes can be of kind «numeric»; the dtype test first spares a scan of every text column
        if not ptypes.is_numeric_dtype(series.dtype) or column_kind(series) != "numeric":
            continue
        codes = column_codes(frame, position) if len(used) < MAX_COLUMNS else None
        if codes is None or codes.present < MIN_ROWS or codes.size < 2:
            skipped.append(str(name))
        else:
            used.append(_from_codes(str(name), codes))
    return used, skipped


def _pearson_matrix(columns: list[_Column], masks: _Masks, counts: np.ndarray) -> np.ndarray:
    """Pearson's r of every pair of columns, exact on pairwise complete rows (`counts`: their number).

    With x zero where missing, the cross sums over the rows where both are present are x·yᵀ: one product
    accumulated over blocks of rows, so memory stays flat and time linear. The sums of x and x² over the rows
    where the other column is present need no pass: over all of x's rows they come from its code counts, and
    the rows the other column misses (few) are subtracted. Each column is first shifted by the mean of its
    first block, so the moments lose no precision to a large level."""
    k, n = len(columns), len(columns[0].codes)
    shift = np.array([_level(c) for c in columns])
    # sums[i, g], squares_sum[i, g]: Σ x_i and Σ x_i² over the rows of set g of present rows (0: every row)
    sums, squares_sum = np.empty((k, len(masks.present))), np.empty((k, len(masks.present)))
    outside = [np.flatnonzero(~mask) for mask in masks.present[1:]]
    for p, column in enumerate(columns):
        values = np.empty(column.size)
        column.values_into(np.arange(column.size), values, shift[p])
        sums[p, 0], squares_sum[p, 0] = column.counts @ values, column.counts @ np.square(values)
        for g, rows in enumerate(outside, start=1):
            codes = column.codes[rows]
            gone = values[codes[codes >= 0]]
            sums[p, g], squares_sum[p, g] = sums[p, 0] - gone.sum(), squares_sum[p, 0] - np.square(gone).sum()
    cross = np.zeros((k, k))
    data = np.empty((k, min(CHUNK_ROWS, n)))
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        block = data[:, : stop - start]
        for p, column in enumerate(columns):
            codes = column.codes[start:stop]
            column.values_into(codes, block[p], shift[p])
            if not column.complete:
                block[p][codes < 0] = 0.0
        cross += np.dot(block, block.T)  # np.dot releases the GIL for BLAS; the `@` ufunc keeps it
    of = np.array(masks.of)
    sums, squares_sum = sums[:, of], squares_sum[:, of]  # [i, j]: over the rows where j is present
    with np.errstate(all="ignore"):
        comoment = cross - sums * sums.T / counts
        spread = squares_sum - sums**2 / counts  # spread[i, j]: Σ (x_i − mean)² over the pair's rows
        r = np.clip(comoment / np.sqrt(spread * spread.T), -1.0, 1.0)
        flat = (spread <= 1e-12 * squares_sum) | (spread.T <= 1e-12 * squares_sum.T)
    r[flat | (counts < MIN_ROWS)] = np.nan
    return r


def _level(column: _Column) -> float:
    """The mean of the column's values in its first block of rows."""
    codes = column.codes[:CHUNK_ROWS]
    codes = codes[codes >= 0]
    if not len(codes):
        return 0.0
    values = np.empty(len(codes))
    column.values_into(codes, values)
    return float(values.mean())


def _rank_table(counts: np.ndarray) -> tuple[np.ndarray, float]:
    """Average rank (ties share their mean rank) of each code from the codes' counts, centred on (n + 1)/2
    (average ranks of n rows always sum to n(n + 1)/2), and the sum of the squared centred ranks over the
    rows: from the table alone, no sort and no pass over the rows."""
    ranks = np.cumsum(counts) - (counts - 1) / 2.0 - (counts.sum() + 1) / 2.0
    return ranks, float(counts @ np.square(ranks))


@dataclass(frozen=True)
class _Masks:
    """The distinct sets of present rows: `present[0]` is every row; `of[p]` is column p's set."""

    present: list[np.ndarray]
    keys: list[bytes]
    of: list[int]


def _masks(columns: list[_Column]) -> _Masks:
    n = len(columns[0].codes)
    ids: dict[bytes, int] = {b"all": 0}
    present, keys, of = [np.ones(n, dtype=bool)], [b"all"], []
    for column in columns:
        if column.complete:
            of.append(0)
            continue
        mask = column.present
        key = _mask_key(mask)
        if key not in ids:
            ids[key] = len(present)
            present.append(mask)
            keys.append(key)
        of.append(ids[key])
    return _Masks(present, keys, of)


def _mask_groups(columns: list[_Column], masks: _Masks) -> dict[bytes, tuple[np.ndarray, list[tuple[int, int]]]]:
    """Pairs grouped by their set of complete rows, so each group is one matrix product; each pair of
    distinct sets of present rows is intersected once."""
    joined: dict[tuple[int, int], tuple[bytes, np.ndarray]] = {}
    by_mask: dict[bytes, tuple[np.ndarray, list[tuple[int, int]]]] = {}
    for i in range(len(columns)):
        for j in range(i + 1, len(columns)):
            a, b = sorted((masks.of[i], masks.of[j]))
            if (a, b) not in joined:
                if a == 0 or a == b:
                    joined[a, b] = (masks.keys[b], masks.present[b])
                else:
                    mask = masks.present[a] & masks.present[b]
                    joined[a, b] = (_mask_key(mask), mask)
            key, mask = joined[a, b]
            by_mask.setdefault(key, (mask, []))[1].append((i, j))
    return by_mask


def _mask_key(mask: np.ndarray) -> bytes:
    return hashlib.sha1(np.packbits(mask).tobytes()).digest()


def _spearman_group(columns: list[_Column], mask: np.ndarray, pairs: list[tuple[int, int]],
                    rows: int) -> list[tuple[int, int, float]]:
    """Spearman's ρ of the pairs that share the set of complete rows `mask` (`rows` of them): Pearson's r of
    the average ranks within those rows, one product accumulated over blocks of rows.

    Each column's code counts over its present rows are its codes' counts; within the group's rows they are
    those counts less the few rows the group leaves out, so a column's ranks there cost one lookup per row.
    Every pair has a member in `left` (all columns for the rows where every column is present, else the
    columns with missing values); those members' ranks are zero outside the group's rows, so the product runs
    over whole blocks without compacting them."""
    n = len(columns[0].codes)
    if rows < MIN_ROWS:
        return []
    whole = rows == n
    outside = np.flatnonzero(~mask)
    members = sorted({i for pair in pairs for i in pair})
    # the members of `left` first, so the block's first rows are theirs (a view, not a copy)
    involved = [i for i in members if whole or not columns[i].complete]
    left = list(range(len(involved)))
    involved += [i for i in members if i not in involved]
    tables = []
    for i in involved:
        codes = columns[i].codes[outside]
        counts = columns[i].counts - np.bincount(codes[codes >= 0], minlength=columns[i].size)
        tables.append(_rank_table(counts))
    gram = np.zeros((len(left), len(involved)))
    block = np.empty((len(involved), min(CHUNK_ROWS, n)))
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        ranks = block[:, : stop - start]
        for p, i in enumerate(involved):
            np.take(tables[p][0], columns[i].codes[start:stop], out=ranks[p], mode="wrap")  # −1: zeroed below
        selected = ranks[: len(left)]
        if not whole:
            gone = outside[np.searchsorted(outside, start):np.searchsorted(outside, stop)] - start
            selected[:, gone] = 0.0
        gram += np.dot(selected, ranks.T)
    squares = np.array([squared for _, squared in tables])
    flat = squares <= 0
    scale = np.sqrt(np.where(flat, 1.0, squares))
    result = np.clip(gram / np.outer(scale[left], scale), -1.0, 1.0)
    result[flat[left], :] = np.nan
    result[:, flat] = np.nan
    row_of = {involved[p]: r for r, p in enumerate(left)}
    position = {c: p for p, c in enumerate(involved)}
    return [(i, j, float(result[row_of[i], position[j]] if i in row_of else result[row_of[j], position[i]]))
            for i, j in pairs]


_BLAS = ThreadpoolController()  # found once: each `threadpool_limits()` call would scan the loaded libraries


def _pairwise(columns: list[_Column]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pearson, Spearman and complete-row counts. The products are at most 15 × 15 over blocks of rows: more
    BLAS threads would only wait for each other, so BLAS gets one; on a long table Pearson and the Spearman
    groups are shared out between this thread and one more instead (`_on_two_threads`)."""
    k = len(columns)
    masks = _masks(columns)
    groups = list(_mask_groups(columns, masks).values())
    counts = np.empty((k, k), dtype="int64")  # complete rows of each pair: its group's rows
    np.fill_diagonal(counts, [int(c.counts.sum()) for c in columns])
    for mask, pairs in groups:
        both = int(np.count_nonzero(mask))
        for i, j in pairs:
            counts[i, j] = counts[j, i] = both
    tasks: list[Callable[[], Any]] = [partial(_pearson_matrix, columns, masks, counts)]
    tasks += [partial(_spearman_group, columns, mask, pairs, int(counts[pairs[0]])) for mask, pairs in groups]
    with _BLAS.limit(limits=1, user_api="blas"):
        pearson_m, *ranked = _on_two_threads(tasks) if len(columns[0].codes) >= PARALLEL_ROWS else [
            task() for task in tasks]
    rho = np.full((k, k), np.nan)
    for found in ranked:
        for i, j, value in found:
            rho[i, j] = rho[j, i] = value
    for m in (pearson_m, rho):
        np.fill_diagonal(m, 1.0)
    return pearson_m, rho, counts


def _on_two_threads(tasks: list[Callable[[], Any]]) -> list[Any]:
    """The tasks' results in task order, run on this thread and one more, each taking the next task when it
    is free. Their products go through `np.dot`, which releases the GIL (the `@` ufunc does not), so one
    thread multiplies while the other looks values and ranks up: flights 59 → 42 ms, 3 M rows 0,50 → 0,30 s."""
    results: list[Any] = [None] * len(tasks)
    upcoming = iter(range(len(tasks)))
    lock = threading.Lock()

    def drain() -> None:
        while True:
            with lock:
                i = next(upcoming, None)
            if i is None:
                return
            results[i] = tasks[i]()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="svodka-relations") as pool:
        helper = pool.submit(drain)
        drain()
        helper.result()
    return results


def _single_valued(x: _Column, y: _Column) -> bool:
    """Every code of `x` comes with one code of `y` (rows missing either are ignored), and `x` repeats (at
    most half as many distinct values as rows, at least 2) — otherwise any all-distinct column would
    "determine" the rest of its row. Linear: each x code's first y code, then one comparison per row; two
    complete columns are read as they are, with x's distinct values from its counts."""
    cx, cy = x.codes, y.codes
    if x.complete and y.complete:
        distinct_x = int(np.count_nonzero(x.counts))
    else:
        both = (cx >= 0) & (cy >= 0)
        cx, cy = cx[both], cy[both]
        distinct_x = int(np.count_nonzero(np.bincount(cx, minlength=x.size)))
    if len(cx) < MIN_ROWS_FOR_WORDS or distinct_x < 2 or distinct_x * 2 > len(cx):
        return False
    first = np.empty(x.size, dtype=cy.dtype)
    first[cx] = cy  # each x code keeps one of its rows' y codes: whichever, a second y code disagrees with it
    return bool(np.array_equal(first[cx], cy))


def _sample_functions(columns: list[_Column]) -> np.ndarray:
    """passes[i, j]: on the evenly spaced sample of rows where both are present, column j takes one value per
    value of column i, and column i repeats (at most half as many distinct values as those rows, at least 2):
    the cheap first check of `_determines`, for every pair at once. The samples are sorted by column i
    together; within each run of one i value, the smallest and largest present j codes must agree."""
    k = len(columns)
    samples = np.stack([c.sample_codes for c in columns], axis=1)  # one sampled row per row, a column each
    present = samples >= 0
    weights = present.astype("float64")
    both_rows = weights.T @ weights  # rows where both of a pair are present
    passes = np.zeros((k, k), dtype=bool)
    for i, x in enumerate(columns):
        ordered = samples[x.sample_order]
        ordered = ordered[int(np.searchsorted(ordered[:, i], 0)):]  # x's missing codes (−1) sort first
        sx = ordered[:, i]
        if len(sx) < MIN_ROWS_FOR_WORDS:
            continue
        starts = np.flatnonzero(np.concatenate(([True], sx[1:] != sx[:-1])))
        high = np.maximum.reduceat(ordered, starts, axis=0)  # −1: no present code in the run
        low = np.minimum.reduceat(np.where(ordered >= 0, ordered, np.iinfo(ordered.dtype).max), starts, axis=0)
        runs = np.count_nonzero(high >= 0, axis=0)  # distinct x values among the rows where both are present
        rows = both_rows[i]
        agree = np.all((high < 0) | (low == high), axis=0)
        passes[i] = agree & (rows >= MIN_ROWS_FOR_WORDS) & (runs >= 2) & (runs * 2 <= rows)
    np.fill_diagonal(passes, False)
    return passes


def _determines(x: _Column, y: _Column, sampled: bool) -> bool:
    """Whether `y` is computed from `x` (one value of `y` for each repeated value of `x`) on the rows where
    both are present: `sampled` is the check on evenly spaced rows, the full check runs only when it passes."""
    return sampled and (len(x.codes) == len(x.sample_codes) or _single_valued(x, y))


def _derived_reason(columns: list[_Column], i: int, j: int, functions: np.ndarray, r: float | None,
                    rho: float | None) -> str | None:
    x, y = columns[i], columns[j]
    if _determines(x, y, bool(functions[i, j])):
        return f"{y.name} — функция от {x.name}"
    if _determines(y, x, bool(functions[j, i])):
        return f"{x.name} — функция от {y.name}"
    if max(abs(r or 0.0), abs(rho or 0.0)) >= DERIVED_CORRELATION:
        return "|коэффициент| ≥ 0.999"
    return None


def _opt(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _pair(columns: list[_Column], i: int, j: int, pearson_m: np.ndarray, spearman_m: np.ndarray,
          counts: np.ndarray, functions: np.ndarray) -> Pair:
    r, rho, n = _opt(pearson_m[i, j]), _opt(spearman_m[i, j]), int(counts[i, j])
    tested: Correlation | None = None if r is None else pearson(r, n)
    ranked: Correlation | None = None if rho is None else spearman(rho, n)
    return Pair(
        columns[i].name, columns[j].name, r, rho, n,
        pearson_p=None if tested is None else tested.p_value,
        pearson_low=None if tested is None else tested.low,
        pearson_high=None if tested is None else tested.high,
        spearman_p=None if ranked is None else ranked.p_value,
        derived=_derived_reason(columns, i, j, functions, r, rho) if n >= MIN_ROWS_FOR_WORDS else None,
    )


def relation_facts(
    frame: pd.DataFrame, scope: Scope, x: str | None = None, y: str | None = None
) -> RelationFacts:
    """Correlations of the numeric columns of `frame` on all rows; the pair (`x`, `y`) — by default the
    strongest real (not derived) one — with its regression line and a random sample of at most 3000
    points for the scatter."""
    columns, skipped = _relation_columns(frame)
    used = [c.name for c in columns]
    options = {"x": x, "y": y}
    base = {**scope.sheet_fields(), "options": options, "rows": len(frame), "skipped": tuple(skipped)}
    if len(used) < 2:
        return RelationFacts(**base, columns=tuple(used))
    pearson_m, spearman_m, counts = _pairwise(columns)
    functions = _sample_functions(columns)
    pairs = [_pair(columns, i, j, pearson_m, spearman_m, counts, functions)
             for i in range(len(used)) for j in range(i + 1, len(used))]
    measured = [p for p in pairs if p.pearson is not None or p.spearman is not None]
    real = sorted((p for p in measured if p.derived is None), key=lambda p: p.rank_key)
    derived = tuple(sorted((p for p in measured if p.derived is not None), key=lambda p: p.rank_key))
    chosen = None
    if x in used and y in used and x != y:
        i, j = used.index(x), used.index(y)
        picked = _pair(columns, min(i, j), max(i, j), pearson_m, spearman_m, counts, functions)
        if i > j:
            picked = _swapped(picked)
        chosen = _chosen(columns, picked)
    elif real:
        chosen = _chosen(columns, real[0])
    return RelationFacts(
        **base,
        columns=tuple(used),
        pearson=tuple(tuple(_opt(v) for v in row) for row in pearson_m),
        spearman=tuple(tuple(_opt(v) for v in row) for row in spearman_m),
        strongest=tuple(real[:STRONGEST]),
        derived=derived,
        pairs=len(real),
        confirmed_pairs=sum(p.confirmed for p in real),
        chosen=chosen,
    )


def _swapped(pair: Pair) -> Pair:
    reason = pair.derived
    return Pair(pair.y, pair.x, pair.pearson, pair.spearman, pair.rows, pair.pearson_p, pair.pearson_low,
                pair.pearson_high, pair.spearman_p, reason)


def _chosen(columns: list[_Column], pair: Pair) -> ChosenPair:
    by_name = {c.name: c for c in columns}
    x, y = by_name[pair.x], by_name[pair.y]
    both = (x.codes >= 0) & (y.codes >= 0)  # the rows where both are present, in row order
    xs, ys = np.empty(int(np.count_nonzero(both))), np.empty(int(np.count_nonzero(both)))
    x.values_into(x.codes[both], xs)
    y.values_into(y.codes[both], ys)
    slope = intercept = None
    if len(xs) >= 2 and xs.min() != xs.max():
        with np.errstate(all="ignore"):  # least squares in closed form: cov(x, y) / var(x)
            mean_x, mean_y = float(xs.mean()), float(ys.mean())
            dx = xs - mean_x
            fitted_slope = float(dx @ (ys - mean_y) / (dx @ dx))
            fitted_intercept = mean_y - fitted_slope * mean_x
        if math.isfinite(fitted_slope) and math.isfinite(fitted_intercept):
            slope, intercept = fitted_slope, fitted_intercept
    if len(xs) > SAMPLE_POINTS:
        rows = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(xs), SAMPLE_POINTS, replace=False))
        xs, ys = xs[rows], ys[rows]
    return ChosenPair(pair=pair, slope=slope, intercept=intercept,
                      sample_x=tuple(float(v) for v in xs), sample_y=tuple(float(v) for v in ys))


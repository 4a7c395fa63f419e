"""Relations between numeric columns: Pearson and Spearman matrices (pairwise complete rows), the
strongest pairs in words, and one chosen pair with its statistics on all rows plus a labelled random
sample of points for drawing only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lib.facts.base import FactSheet, Scope, display_round
from lib.facts.overview import finite_numbers
from lib.filters import filters_payload
from lib.schema import column_kind

MAX_COLUMNS = 15
MIN_ROWS = 3
STRONGEST = 10
PAYLOAD_STRONGEST = 5
SAMPLE_POINTS = 3000
SAMPLE_SEED = 0
# Chaddock scale, the usual one in Russian statistics textbooks.
STRENGTH_WORDS = ((0.9, "очень высокая"), (0.7, "высокая"), (0.5, "заметная"), (0.3, "умеренная"),
                  (0.1, "слабая"), (0.0, "практически отсутствует"))


@dataclass(frozen=True)
class Pair:
    x: str
    y: str
    pearson: float | None
    spearman: float | None
    rows: int  # rows where both values are present

    @property
    def strongest(self) -> float:
        """The coefficient with the larger magnitude (Pearson or Spearman)."""
        values = [v for v in (self.pearson, self.spearman) if v is not None]
        return max(values, key=abs) if values else 0.0

    @property
    def strength(self) -> str:
        return strength_word(self.strongest)

    @property
    def direction(self) -> str:
        return "прямая" if self.strongest > 0 else "обратная" if self.strongest < 0 else "нет"


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
    strongest: tuple[Pair, ...] = ()
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
        if self.skipped:
            payload["не вошли"] = list(self.skipped)
        payload["сильнейшие связи"] = [_pair_payload(p) for p in self.strongest[:PAYLOAD_STRONGEST]]
        if self.chosen is not None:
            chosen = {**_pair_payload(self.chosen.pair), "строк": self.chosen.pair.rows}
            if self.chosen.slope is not None:
                chosen["наклон"] = display_round(self.chosen.slope)
            chosen["точек на графике"] = len(self.chosen.sample_x)
            payload["выбранная пара"] = chosen
        return payload


def _pair_payload(pair: Pair) -> dict[str, Any]:
    return {
        "пара": f"{pair.x} — {pair.y}",
        "Пирсон": display_round(pair.pearson),
        "Спирмен": display_round(pair.spearman),
        "сила": pair.strength,
        "направление": pair.direction,
    }


def strength_word(value: float | None) -> str:
    magnitude = abs(value or 0.0)
    return next(word for bound, word in STRENGTH_WORDS if magnitude >= bound)


def relation_columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(used, skipped): numeric columns with at least 3 values and more than one distinct value,
    the first 15 in table order."""
    used: list[str] = []
    skipped: list[str] = []
    for name in frame.columns:
        series = frame[name]
        if column_kind(series) != "numeric":
            continue
        values = finite_numbers(series)
        if values.count() < MIN_ROWS or values.nunique() < 2 or len(used) >= MAX_COLUMNS:
            skipped.append(str(name))
        else:
            used.append(str(name))
    return used, skipped


def _correlation_block(rows: np.ndarray) -> np.ndarray:
    """Correlations between the rows of a (variables × observations) array: centre each row, scale it
    to length 1 and take dot products. Rows without spread get NaN."""
    centred = rows - rows.mean(axis=1, keepdims=True)
    norms = np.sqrt(np.einsum("ij,ij->i", centred, centred))
    flat = norms == 0
    unit = centred / np.where(flat, 1.0, norms)[:, None]
    block = np.clip(unit @ unit.T, -1.0, 1.0)
    block[flat, :] = np.nan
    block[:, flat] = np.nan
    return block


class _Ranker:
    """Average ranks (ties share their mean rank) of one column within any subset of its rows.
    The column is sorted once; each subset then costs one `bincount`, not another sort."""

    def __init__(self, values: np.ndarray) -> None:
        valid = ~np.isnan(values)
        uniques, inverse = np.unique(values[valid], return_inverse=True)
        self.size = len(uniques)
        self.codes = np.full(len(values), -1, dtype="int64")
        self.codes[valid] = inverse

    def ranks(self, mask: np.ndarray) -> np.ndarray:
        codes = self.codes[mask]
        counts = np.bincount(codes, minlength=self.size)
        average = np.cumsum(counts) - (counts - 1) / 2.0
        return average[codes]


def pairwise_correlations(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pearson, Spearman and complete-row counts for every pair of columns, exact on pairwise
    complete rows (as `DataFrame.corr`). Pairs with the same set of complete rows are computed together
    as one matrix product, so a table with few missing-value patterns costs a few passes, not one per pair."""
    names = list(data.columns)
    k = len(names)
    values = [finite_numbers(data[c]).to_numpy() for c in names]
    present = [~np.isnan(v) for v in values]
    rankers = [_Ranker(v) for v in values]
    pearson = np.full((k, k), np.nan)
    spearman = np.full((k, k), np.nan)
    counts = np.zeros((k, k), dtype="int64")
    by_mask: dict[bytes, tuple[np.ndarray, list[tuple[int, int]]]] = {}
    for i in range(k):
        for j in range(i + 1, k):
            mask = present[i] & present[j]
            key = hashlib.sha1(np.packbits(mask).tobytes()).digest()
            by_mask.setdefault(key, (mask, []))[1].append((i, j))
    for mask, pairs in by_mask.values():
        n = int(mask.sum())
        for i, j in pairs:
            counts[i, j] = counts[j, i] = n
        if n < MIN_ROWS:
            continue
        involved = sorted({i for pair in pairs for i in pair})
        position = {c: p for p, c in enumerate(involved)}
        raw = _correlation_block(np.stack([values[i][mask] for i in involved]))
        ranked = _correlation_block(np.stack([rankers[i].ranks(mask) for i in involved]))
        for i, j in pairs:
            a, b = position[i], position[j]
            pearson[i, j] = pearson[j, i] = raw[a, b]
            spearman[i, j] = spearman[j, i] = ranked[a, b]
    np.fill_diagonal(pearson, 1.0)
    np.fill_diagonal(spearman, 1.0)
    return pearson, spearman, counts


def _opt(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def relation_facts(
    frame: pd.DataFrame, scope: Scope, x: str | None = None, y: str | None = None
) -> RelationFacts:
    """Correlations of the numeric columns of `frame` on all rows; the pair (`x`, `y`) — by default the
    strongest — with its regression line and a random sample of at most 3000 points for the scatter."""
    used, skipped = relation_columns(frame)
    options = {"x": x, "y": y}
    base = {**scope.sheet_fields(), "options": options, "rows": len(frame), "skipped": tuple(skipped)}
    if len(used) < 2:
        return RelationFacts(**base, columns=tuple(used))
    pearson, spearman, counts = pairwise_correlations(frame[used])
    pairs = [
        Pair(used[i], used[j], _opt(pearson[i, j]), _opt(spearman[i, j]), int(counts[i, j]))
        for i in range(len(used))
        for j in range(i + 1, len(used))
    ]
    ranked = sorted((p for p in pairs if p.pearson is not None or p.spearman is not None),
                    key=lambda p: abs(p.strongest), reverse=True)
    chosen = None
    if x in used and y in used and x != y:
        i, j = used.index(x), used.index(y)
        chosen = _chosen(frame, Pair(x, y, _opt(pearson[i, j]), _opt(spearman[i, j]), int(counts[i, j])))
    elif ranked:
        chosen = _chosen(frame, ranked[0])
    return RelationFacts(
        **base,
        columns=tuple(used),
        pearson=tuple(tuple(_opt(v) for v in row) for row in pearson),
        spearman=tuple(tuple(_opt(v) for v in row) for row in spearman),
        strongest=tuple(ranked[:STRONGEST]),
        chosen=chosen,
    )


def _chosen(frame: pd.DataFrame, pair: Pair) -> ChosenPair:
    both = frame[[pair.x, pair.y]].apply(finite_numbers).dropna()
    slope = intercept = None
    if len(both) >= 2 and both[pair.x].nunique() > 1:
        slope, intercept = (float(v) for v in np.polyfit(both[pair.x].to_numpy(), both[pair.y].to_numpy(), 1))
    sample = both.sample(SAMPLE_POINTS, random_state=SAMPLE_SEED) if len(both) > SAMPLE_POINTS else both
    return ChosenPair(
        pair=pair,
        slope=slope,
        intercept=intercept,
        sample_x=tuple(float(v) for v in sample[pair.x]),
        sample_y=tuple(float(v) for v in sample[pair.y]),
    )

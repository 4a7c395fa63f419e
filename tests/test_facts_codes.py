"""The shared numeric codes (lib.facts.codes): what they hold, checked against plain pandas, and that every page
gives the same facts whether another page made the codes first or not."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

from lib.facts import codes as codes_module
from lib.facts.base import Scope
from lib.facts.codes import cached_codes, clear_codes, column_codes, make_codes
from lib.facts.overview import overview_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.shared import clear_shared_work, shared_work

SCOPE = Scope.of("test:codes", "Коды")


def decoded(series: pd.Series) -> np.ndarray:
    """The values the codes stand for, NaN where missing."""
    made = make_codes(series)
    assert made is not None
    values = made.codes + made.low if made.offset else made.table[np.maximum(made.codes, 0)]
    return np.where(made.codes >= 0, values, np.nan)


@pytest.mark.parametrize("series", [
    pd.Series([5, -3, 5, 0, 12], dtype="int64"),
    pd.Series([5, None, -3, 5, None], dtype="Int64"),
    pd.Series([1.5, np.nan, -2.25, 1.5, np.inf, -np.inf]),
    pd.Series([0, 10**12, 7, 10**12], dtype="int64"),  # a range far wider than the rows: sorted values
    pd.Series([3.0, 4.0, np.nan, 3.0]),  # whole floats in a narrow range: offset codes
])
def test_codes_stand_for_the_values_in_order_and_count_them(series):
    made = make_codes(series)
    assert made is not None
    expected = series.astype("float64").replace([np.inf, -np.inf], np.nan).to_numpy()
    np.testing.assert_array_equal(decoded(series), expected)
    present = made.codes[made.codes >= 0]
    values = expected[~np.isnan(expected)]
    # order-preserving: codes sort like the values
    assert (np.argsort(present, kind="stable") == np.argsort(values, kind="stable")).all()
    counts = pd.Series(values).value_counts().sort_index().to_numpy()
    assert made.counts[made.counts > 0].tolist() == counts.tolist()
    assert made.missing == int(np.isnan(expected).sum())


def test_offset_codes_are_the_value_less_the_minimum():
    made = make_codes(pd.Series([7, None, 4, 9], dtype="Int64"))
    assert made is not None and made.offset
    assert made.codes.tolist() == [3, -1, 0, 5] and made.size == 6 and made.low == 4.0
    assert made.counts.tolist() == [1, 0, 0, 1, 0, 1]


@pytest.mark.parametrize("series", [
    pd.Series([*range(-100, 101, 2), None], dtype="Int8"),  # 100 − (−100) does not fit int8
    pd.Series([2**40 + 3, None, 2**40], dtype="UInt64"),
    pd.Series(np.arange(120, -121, -2, dtype="int8")),
    pd.Series(pd.array([3, 1, 2], dtype="int64[pyarrow]")),  # no masked array under it
])
def test_codes_of_every_integer_width_are_exact(series):
    made = make_codes(series)
    assert made is not None and made.offset
    present = series.notna().to_numpy()
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    assert made.low == values[present].min()
    assert (made.codes[present] == values[present] - values[present].min()).all()
    assert (made.codes[~present] == -1).all()


def test_values_hidden_under_a_nullable_columns_mask_are_not_read():
    """A masked array keeps arbitrary numbers under its missing cells: they must move neither bound."""
    series = pd.Series(pd.arrays.IntegerArray(np.array([7, -10**15, 4, 10**15]), np.array([False, True, False, True])))
    made = make_codes(series)
    assert made is not None and made.offset
    assert made.codes.tolist() == [3, -1, 0, -1] and made.size == 4 and made.low == 4.0
    assert made.counts.tolist() == [1, 0, 0, 1]


def test_a_column_without_values_has_no_codes():
    assert make_codes(pd.Series([None, None], dtype="Int64")) is None
    assert make_codes(pd.Series([np.nan, np.inf])) is None


def test_codes_are_made_once_per_frame_and_dropped_with_it():
    clear_codes()
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [1.5, 2.5, 1.5]})
    first = column_codes(frame, 1)
    assert column_codes(frame, 1) is first and cached_codes(frame, 1) is first
    assert cached_codes(frame, 0) is None  # nothing is made by a look
    other = frame.copy()
    assert cached_codes(other, 1) is None and column_codes(other, 1) is not first
    key = id(frame)
    del frame, first
    gc.collect()
    assert key not in codes_module._cache


def test_offset_only_leaves_a_sort_for_later():
    clear_codes()
    frame = pd.DataFrame({"wide": [0, 10**12, 5]})
    assert column_codes(frame, 0, offset_only=True) is None
    assert cached_codes(frame, 0) is None
    assert column_codes(frame, 0) is not None and cached_codes(frame, 0) is not None


def test_pages_agree_whichever_makes_the_codes_first():
    rng = np.random.default_rng(5)
    rows = 3000
    frame = pd.DataFrame({
        "a": pd.array(np.where(rng.random(rows) < 0.1, None, rng.integers(-50, 50, rows)), dtype="Int64"),
        "b": rng.integers(0, 7, rows),
        "c": np.round(rng.normal(0, 3, rows), 1),
        "d": rng.integers(0, 10**9, rows),
        "t": rng.choice(["x", "y"], rows),
    })
    frame.loc[rng.choice(rows, 40, replace=False), "c"] = np.nan
    frame = pd.concat([frame, frame.iloc[:25]], ignore_index=True)  # 25 duplicate rows

    def sheets(order: list[str]) -> dict[str, dict]:
        clear_shared_work()
        compute = {"overview": overview_facts, "relations": relation_facts, "quality": quality_facts}
        return {name: compute[name](frame, SCOPE).payload() for name in order}

    forward = sheets(["overview", "relations", "quality"])
    backward = sheets(["relations", "quality", "overview"])
    assert forward == backward
    assert shared_work(frame).duplicate_rows == int(frame.duplicated().sum()) == 25
    expected = frame[["a", "b", "c", "d"]].astype("float64").corr(method="spearman")
    facts = relation_facts(frame, SCOPE)
    got = pd.DataFrame(np.array(facts.spearman, dtype="float64"), index=facts.columns, columns=facts.columns)
    pd.testing.assert_frame_equal(got.loc[expected.index, expected.columns], expected, check_exact=False, rtol=1e-9)


def test_codes_of_a_long_column_are_counted_block_by_block_exactly():
    """More rows than one block and few codes (counted block by block), with and without missing rows, and
    many codes (counted at once): each code's count is the count of the present values equal to it."""
    from lib.facts.codes import COUNTED_BLOCK, integer_codes

    rng = np.random.default_rng(8)
    n = 3 * COUNTED_BLOCK + 17
    for low, high in ((-40, 900), (0, 4 * COUNTED_BLOCK)):
        values = rng.integers(low, high, n)
        for holes in (False, True):
            series = pd.Series(values, dtype="Int64")
            if holes:
                series[rng.random(n) < 0.1] = pd.NA
            made = integer_codes(series)
            assert made is not None
            present = series.dropna().to_numpy(dtype="int64")
            expected = np.bincount(present - present.min())
            assert np.array_equal(made.counts, expected)

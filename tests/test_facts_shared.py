"""Shared per-frame work (issue 15): exact against pandas, computed once per frame, capped in columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.facts.base import Scope
from lib.facts.overview import overview_facts
from lib.facts.quality import quality_facts
from lib.facts.shared import MAX_COLUMNS, clear_shared_work, duplicate_rows, shared_work, summary_of

SCOPE = Scope.of("test:shared", "общий")


def test_duplicate_rows_match_pandas_with_missing_values_and_categories():
    frame = pd.DataFrame(
        {
            "a": [1, 1, 2, None, None, 1],
            "b": pd.Categorical(["x", "x", "y", "z", "z", "x"]),
            "c": pd.Series(["u", "u", None, "w", "w", "v"], dtype="string"),
        }
    )
    assert duplicate_rows(frame) == int(frame.duplicated().sum()) == 2


def test_duplicate_rows_when_hashes_collide_are_compared_exactly():
    """An int 1 and a text «1» in an object column may hash alike; only equal rows count."""
    frame = pd.DataFrame({"a": pd.Series([1, "1", 1], dtype="object"), "b": [0, 0, 0]})
    assert duplicate_rows(frame) == int(frame.duplicated().sum()) == 1


def test_shared_work_is_computed_once_per_frame_object():
    frame = pd.DataFrame({"a": [1, 2, 3]})
    assert shared_work(frame) is shared_work(frame)
    other = frame.copy()
    assert shared_work(other) is not shared_work(frame)


def test_overview_and_quality_read_the_same_shared_work():
    frame = pd.DataFrame({"a": [1.0, None, 1.0], "b": ["x", "y", "x"]})
    overview, quality = overview_facts(frame, SCOPE), quality_facts(frame, SCOPE)
    assert overview.missing_cells == quality.missing_cells == int(frame.isna().sum().sum()) == 1
    assert overview.duplicate_rows == quality.duplicate_rows == int(frame.duplicated().sum()) == 1


def test_summary_matches_pandas():
    values = pd.Series(np.random.default_rng(1).normal(10, 3, 1001))
    summary = summary_of(values.to_numpy())
    q25, median, q75 = values.quantile([0.25, 0.5, 0.75])
    assert (summary.q25, summary.median, summary.q75) == (q25, median, q75)
    assert summary.mean == values.mean()
    assert abs(summary.std - values.std()) < 1e-12
    assert (summary.min, summary.max) == (values.min(), values.max())


def test_only_the_first_columns_are_profiled_and_the_rest_is_counted():
    width = MAX_COLUMNS + 37
    frame = pd.DataFrame(np.zeros((3, width)), columns=[f"c{i}" for i in range(width)])
    frame.iloc[0, -1] = np.nan  # a gap past the cap still counts in the table-wide figures
    overview = overview_facts(frame, SCOPE)
    assert len(overview.column_facts) == MAX_COLUMNS
    assert overview.column_facts[-1].name == f"c{MAX_COLUMNS - 1}"
    assert overview.skipped_columns == 37 and overview.columns == width
    assert overview.missing_cells == 1
    quality = quality_facts(frame, SCOPE)
    assert quality.skipped_columns == 37 and quality.missing_cells == 1


def test_the_page_note_says_how_many_columns_were_profiled():
    from lib.facts.shared import skipped_columns_note

    assert skipped_columns_note(19, 0) is None
    assert skipped_columns_note(10_000, 9_500) == (
        "В таблице 10\u00a0000 столбцов: по отдельности описаны первые 500, остальные 9500 учтены только "
        "в общих числах (пустые ячейки, строки-дубликаты).")


def test_integer_columns_counted_by_bincount_match_pandas_and_the_sorting_path():
    from lib.facts.shared import column_work, outliers_of

    rng = np.random.default_rng(11)
    for size in (2, 3, 7, 1000):  # every fifth value missing; at least one left
        series = pd.Series(rng.integers(-40, 300, size), dtype="Int64")
        series[::5] = pd.NA
        work = column_work(series)
        values = series.dropna().astype("float64")
        summary = work.numeric
        assert (summary.q25, summary.median, summary.q75) == tuple(values.quantile([0.25, 0.5, 0.75]))
        assert (summary.count, summary.mean, summary.min, summary.max) == (
            len(values), values.mean(), values.min(), values.max())
        assert work.unique == series.nunique()
        counts = series.value_counts()
        assert work.mode_count == counts.iloc[0] and int(work.mode) in counts[counts == counts.iloc[0]].index
        assert work.outliers == outliers_of(values.to_numpy())


def test_duplicate_rows_prefiltered_on_the_most_varied_columns_stay_exact():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({f"c{i}": rng.integers(0, 3 if i < 4 else 1000, 500) for i in range(6)})
    frame = pd.concat([frame, frame.iloc[[3, 7, 7]]], ignore_index=True)
    frame.loc[len(frame)] = [*frame.iloc[0, :5], -1]  # equal to row 0 except in one low-variety column
    distinct = {c: int(frame[c].nunique()) for c in frame.columns}
    assert duplicate_rows(frame, distinct) == int(frame.duplicated().sum()) == 3


def test_duplicate_rows_of_a_table_repeated_three_times():
    frame = pd.DataFrame({f"c{i}": np.arange(40) * (i + 1) for i in range(5)})
    tripled = pd.concat([frame] * 3, ignore_index=True)
    distinct = {c: 40 for c in tripled.columns}
    assert duplicate_rows(tripled, distinct) == int(tripled.duplicated().sum()) == 80
    assert duplicate_rows(tripled) == 80


def test_duplicate_rows_with_a_hash_collision_among_many_repeats():
    """Rows repeated many times (every row a candidate) beside an int 1 and a text «1» that hash alike: the
    colliding rows are compared exactly, the rest counted as repeats of their first row."""
    base = pd.DataFrame({"a": pd.Series([1, "1", 2.5, None], dtype="object"), "b": [0, 0, None, 3]})
    frame = pd.concat([base] * 5 + [base.iloc[[1]]], ignore_index=True)
    # by hand: 5 × 4 + 1 = 21 rows, 4 distinct (1 and «1» differ): every row after the first four repeats one
    assert duplicate_rows(frame) == 17 == int(frame.duplicated().sum())
    distinct = {"a": 3, "b": 2, "c": 1, "d": 1}
    wide = frame.assign(c=0, d=0)
    assert duplicate_rows(wide, distinct) == 17 == int(wide.duplicated().sum())


def test_duplicate_rows_of_typed_columns_repeated_match_pandas():
    """Every column kind the comparison reads in its numpy form: categories with a missing code, datetimes
    with NaT and a time zone, numpy ints, floats with NaN and −0.0, nullable ints, floats and booleans."""
    base = pd.DataFrame({
        "cat": pd.Categorical(["a", None, "b", "a"]),
        "when": pd.to_datetime(["2024-01-01", None, "2024-01-02", "2024-01-01"]).tz_localize("Europe/Moscow"),
        "int": [1, 2, 3, 1],
        "float": [0.0, np.nan, 1.5, -0.0],
        "nullable": pd.array([1, None, 2, 1], dtype="Int64"),
        "nfloat": pd.array([0.5, None, 0.5, 0.5], dtype="Float64"),
        "flag": pd.array([True, None, False, True], dtype="boolean"),
        "text": pd.Series(["x", None, "y", "x"], dtype="string"),
    })
    frame = pd.concat([base] * 4, ignore_index=True)
    # rows 0 and 3 are equal (−0.0 equals 0.0), so base has 3 distinct rows and the 16 rows 13 repeats
    assert int(base.duplicated().sum()) == 1
    assert duplicate_rows(frame) == 13 == int(frame.duplicated().sum())
    changed = frame.copy()
    changed.loc[15, "nfloat"] = pd.NA  # the last row differs from every earlier one now
    assert duplicate_rows(changed) == 12 == int(changed.duplicated().sum())


def test_duplicate_rows_equal_pandas_on_random_small_alphabets():
    """Frames drawn from a few values per column (many repeats, missing values, −0.0 and 0.0, 1 and «1» in an
    object column, categories, nullable types, text, dates with NaT): the count is pandas' own on each."""
    rng = np.random.default_rng(7)
    for size in (1, 2, 5, 40, 400, 3000):
        def pick(values: list, size: int = size) -> list:
            return [values[i] for i in rng.integers(0, len(values), size)]

        frame = pd.DataFrame({
            "i": rng.integers(-2, 3, size),
            "f": pick([0.0, -0.0, 1.5, np.nan]),
            "o": pd.Series(pick([1, "1", 1.0, None, "x"]), dtype="object"),
            "c": pd.Categorical(pick(["a", "b", None])),
            "n": pd.array(pick([1, 2, None]), dtype="Int64"),
            "b": pd.array(pick([True, False, None]), dtype="boolean"),
            "s": pd.Series(pick(["u", "v", None]), dtype="string"),
            "d": pd.to_datetime(pick(["2024-01-01", None, "2024-03-01"])),
            "w": rng.integers(0, 10**12, size) % 7 * 10**11,  # a wide integer range
        })
        expected = int(frame.duplicated().sum())
        assert duplicate_rows(frame) == expected
        distinct = {c.name: c.unique for c in shared_work(frame).profiled}
        assert duplicate_rows(frame, distinct) == expected


def test_duplicate_rows_of_unsigned_integers_beyond_int64():
    frame = pd.DataFrame({"u": np.array([2**64 - 1, 2**64 - 2, 2**64 - 1], dtype="uint64"), "k": [1, 1, 1]})
    assert duplicate_rows(frame) == 1 == int(frame.duplicated().sum())


def test_duplicate_rows_of_copies_whose_first_columns_agree_but_later_ones_differ():
    """A table repeated four times, whose three most varied columns leave rows that differ later (a low-variety
    column, a text column, a gap): the classes of rows that agree so far are split only where a later column
    differs, and the count is pandas' own — with the profile's integer codes shared and without them."""
    rng = np.random.default_rng(11)
    n = 600
    base = pd.DataFrame({
        "hour": rng.integers(0, 40, n), "flight": rng.integers(0, 30, n), "gate": rng.integers(0, 20, n),
        "day": rng.integers(0, 3, n),
        "tail": pd.Series(rng.choice(["N1", "N2", None], n), dtype="string"),
        "delay": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(-5, 5, n)), dtype="Int64"),
    })
    frame = pd.concat([base] * 4, ignore_index=True)
    expected = int(frame.duplicated().sum())
    assert expected > 3 * n - 50 and int(frame[["hour", "flight", "gate"]].duplicated().sum()) > expected
    clear_shared_work()
    assert duplicate_rows(frame) == expected
    assert shared_work(frame).duplicate_rows == expected  # the profile made the codes first


def test_a_long_table_profiled_on_two_threads_matches_pandas(monkeypatch):
    """From PARALLEL_ROWS rows the text, date and category columns are profiled on a second thread: each
    column's figures stay those of pandas, in table order."""
    import lib.facts.shared as shared

    monkeypatch.setattr(shared, "PARALLEL_ROWS", 1_000)
    rng = np.random.default_rng(7)
    n = 3_000
    frame = pd.DataFrame({
        "city": pd.Series(rng.choice(["Омск", "Тула", "Пермь", None], n), dtype="string"),
        "amount": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(-50, 50, n)), dtype="Int64"),
        "kind": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        "price": rng.normal(100, 15, n),
        "day": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 40, n), unit="D"),
    })
    profiled = shared.shared_work(frame).profiled
    assert [c.name for c in profiled] == list(frame.columns)
    for column in profiled:
        series = frame[column.name]
        assert column.missing == int(series.isna().sum())
        assert column.unique == series.nunique()
    city = profiled[0]
    assert city.counts is not None and city.counts.to_dict() == frame["city"].value_counts().to_dict()
    assert profiled[1].numeric is not None and profiled[1].numeric.mean == frame["amount"].mean()
    assert profiled[4].first == frame["day"].min() and profiled[4].last == frame["day"].max()


def test_duplicate_rows_through_several_hash_rounds_match_pandas():
    """Wide-ranging first columns (their combined key far beyond the rows, so candidates are found by hashed
    buckets, round after round), with copies and rows that differ from a copy only in the last column."""
    rng = np.random.default_rng(11)
    n = 20_000
    frame = pd.DataFrame({"a": rng.integers(0, 5_000, n), "b": rng.integers(-10**6, 10**6, n),
                          "c": rng.integers(0, 3_000, n), "d": rng.integers(0, 2, n)})
    copies = frame.iloc[rng.choice(n, 300)]
    near = frame.iloc[rng.choice(n, 200)].assign(d=7)
    table = pd.concat([frame, copies, near, copies.iloc[:50]], ignore_index=True)
    distinct = {c: int(table[c].nunique()) for c in table.columns}
    assert duplicate_rows(table, distinct) == int(table.duplicated().sum())
    assert duplicate_rows(table) == int(table.duplicated().sum())


def test_duplicate_rows_of_a_long_table_of_copies_skip_the_hash_rounds_and_match_pandas(monkeypatch):
    """Mostly copies (a sample of the hash space says so): the bucket rounds are skipped, and the rows that
    are not copies — new rows, and copies changed in the last column only — still count as pandas counts."""
    import lib.facts.shared as shared

    decisions: list[bool] = []
    original = shared._distinct_if_mostly_repeated

    def spy(key: np.ndarray, size: int) -> int | None:
        distinct = original(key, size)
        decisions.append(distinct is not None)
        return distinct

    monkeypatch.setattr(shared, "_distinct_if_mostly_repeated", spy)
    rng = np.random.default_rng(5)
    n = 6_000
    base = pd.DataFrame({"a": rng.integers(0, 10**6, n), "b": rng.integers(-10**6, 10**6, n),
                         "c": rng.integers(0, 10**5, n), "d": rng.integers(0, 2, n)})
    fresh = pd.DataFrame({c: rng.integers(0, 10**6, 1_500) for c in "abcd"})
    near = base.iloc[:400].assign(d=5)
    table = pd.concat([base, base, fresh, near, base.iloc[:1_000]], ignore_index=True)
    # by hand: the second copy of base (6 000) and the third copy of its first 1 000 rows repeat earlier rows;
    # fresh rows (values up to 10⁶ in four columns) and near rows (d = 5 appears nowhere else) do not
    expected = int(table.duplicated().sum())
    assert expected == 7_000
    assert duplicate_rows(table) == expected
    assert decisions == [True]
    decisions.clear()
    unique = pd.concat([base, fresh], ignore_index=True)
    assert duplicate_rows(unique) == int(unique.duplicated().sum()) == 0
    assert decisions == [False]


def test_keys_renumbered_through_a_hashed_table_keep_equal_and_distinct_keys_apart_whatever_the_estimate():
    """Whether the estimate of distinct keys is right, far too low (most keys lose their slot to another) or
    too high, rows get equal new keys exactly when their keys are equal, and the new keys are 0 … k − 1."""
    from lib.facts.shared import _renumber_hashed

    rng = np.random.default_rng(3)
    key = np.tile(rng.integers(0, 2**61, 5_000), 3)[rng.permutation(15_000)]
    expected = pd.factorize(key)[0]  # rows numbered by their key's first appearance
    for estimate in (5_000, 1, 1_000_000):
        renumbered, size = _renumber_hashed(key.copy(), estimate)
        assert size == 5_000 and renumbered.min() == 0 and renumbered.max() == 4_999
        assert np.array_equal(pd.factorize(renumbered)[0], expected)

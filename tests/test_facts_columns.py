"""Column facts against hand-checked small frames and independent pandas/numpy computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.facts.base import Scope
from lib.facts.columns import _histogram, column_facts

SCOPE = Scope.of("test:small", "Малый набор")


def test_numeric_profile_of_sales(small_frame):
    facts = column_facts(small_frame, SCOPE, column="sales")
    assert (facts.column_kind, facts.rows, facts.valid, facts.missing) == ("numeric", 10, 9, 1)
    n = facts.numeric
    # sorted values: 10 20 30 50 60 70 80 90 100
    assert n.mean == pytest.approx(510 / 9)
    assert (n.median, n.min, n.max, n.q25, n.q75) == (60, 10, 100, 30, 80)
    assert facts.outliers.count == 0
    assert (facts.outliers.lower_fence, facts.outliers.upper_fence) == (-45, 155)


def test_iqr_outliers_and_whiskers_on_a_known_series():
    frame = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]})
    facts = column_facts(frame, SCOPE, column="x")
    o = facts.outliers
    # Q1 = 3.25, Q3 = 7.75, IQR = 4.5 → fences −3.5 and 14.5
    assert (o.lower_fence, o.upper_fence) == (-3.5, 14.5)
    assert (o.below, o.above, o.share) == (0, 1, 0.1)
    assert (o.whisker_low, o.whisker_high) == (1, 9)
    assert facts.payload()["выбросы (правило IQR)"] == {
        "нижняя граница": -3.5, "верхняя граница": 14.5, "ниже": 0, "выше": 1, "всего": 1, "доля, %": 10.0,
    }


def test_small_integer_range_gets_one_histogram_bar_per_value(small_frame):
    facts = column_facts(small_frame, SCOPE, column="units")
    assert [b.count for b in facts.histogram] == [1] * 10
    assert [(b.left + b.right) / 2 for b in facts.histogram] == list(range(1, 11))


def test_category_top_values_share_of_filled_values(small_frame):
    facts = column_facts(small_frame, SCOPE, column="city")
    assert facts.column_kind == "category"
    assert [(t.value, t.count) for t in facts.top] == [("Москва", 5), ("Казань", 2), ("Омск", 2)]
    assert facts.top[0].share == pytest.approx(5 / 9)
    assert facts.other_count == 0
    payload = facts.payload()
    assert payload["частые значения"][0] == {"значение": "Москва", "строк": 5, "доля, %": 55.6}
    assert "прочие значения" not in payload


def test_rest_of_values_beyond_the_top():
    frame = pd.DataFrame({"c": [f"v{i}" for i in range(12) for _ in range(12 - i)]})  # v0 ×12 … v11 ×1
    facts = column_facts(frame, SCOPE, column="c")
    assert len(facts.top) == 10
    assert facts.other_count == 2 + 1  # v10 and v11
    payload = facts.payload()
    shown = sum(range(8, 13))  # v0..v4 in the payload: 12+11+10+9+8
    assert payload["прочие значения"]["строк"] == len(frame) - shown


def test_datetime_range_and_daily_timeline(small_frame):
    facts = column_facts(small_frame, SCOPE, column="day")
    assert facts.first.startswith("2024-01-01") and facts.last.startswith("2024-01-10")
    assert facts.span_days == 9
    assert facts.period == "day"
    assert [p.count for p in facts.timeline] == [1] * 10
    assert facts.payload()["с"] == "2024-01-01"


def test_all_missing_column_is_empty_and_zero_rows_too(small_frame):
    frame = small_frame.assign(blank=pd.Series([None] * 10, dtype="object"))
    facts = column_facts(frame, SCOPE, column="blank")
    assert facts.is_empty and facts.missing == 10
    assert column_facts(small_frame.iloc[0:0], SCOPE, column="sales").is_empty


def test_unknown_column_falls_back_to_the_first(small_frame):
    assert column_facts(small_frame, SCOPE, column="nope").column == "city"


def test_flights_arr_delay_matches_numpy(flights):
    frame = flights.frame
    facts = column_facts(frame, SCOPE, column="arr_delay")
    values = frame["arr_delay"].dropna().to_numpy(dtype="float64")
    q1, q3 = np.percentile(values, [25, 75])
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    assert facts.missing == int(frame["arr_delay"].isna().sum())
    assert facts.numeric.mean == pytest.approx(values.mean())
    assert facts.outliers.below == int((values < low).sum())
    assert facts.outliers.above == int((values > high).sum())
    assert sum(b.count for b in facts.histogram) == values.size


def test_flights_carrier_top_values_match_value_counts(flights):
    frame = flights.frame
    facts = column_facts(frame, SCOPE, column="carrier")
    counts = frame["carrier"].astype(str).value_counts()
    assert [(t.value, t.count) for t in facts.top] == list(counts.head(10).items())
    assert facts.other_count == counts.iloc[10:].sum()
    assert sum(t.count for t in facts.top) + facts.other_count == len(frame)


def test_flights_time_hour_is_counted_by_month(flights):
    facts = column_facts(flights.frame, SCOPE, column="time_hour")
    assert facts.period == "month"
    by_month = flights.frame["month"].value_counts().sort_index()
    assert [p.count for p in facts.timeline] == by_month.tolist()


def test_infinite_values_are_left_out_of_the_profile_and_histogram():
    frame = pd.DataFrame({"a": [1.0, np.inf, 3.0, -np.inf, 5.0]})
    facts = column_facts(frame, SCOPE, column="a")
    # by hand, finite values 1, 3, 5: mean 3, median 3, min 1, max 5; five one-wide bars from 0.5 to 5.5
    n = facts.numeric
    assert (n.count, n.mean, n.median, n.min, n.max) == (3, 3, 3, 1, 5)
    assert [(b.left, b.right, b.count) for b in facts.histogram] == [
        (0.5, 1.5, 1), (1.5, 2.5, 0), (2.5, 3.5, 1), (3.5, 4.5, 0), (4.5, 5.5, 1)]
    assert (facts.rows, facts.missing) == (5, 0)
    assert facts.outliers.count == 0


def test_infinite_json_values_do_not_break_the_profile():
    from lib.sources.reading import read_table

    table = read_table(b'[{"a":1,"b":2},{"a":Infinity,"b":3},{"a":3,"b":5},{"a":-Infinity,"b":1}]', "x.json")
    facts = column_facts(table.frame, SCOPE, column="a")
    assert (facts.numeric.count, facts.numeric.mean, facts.numeric.max) == (2, 2, 3)
    assert sum(b.count for b in facts.histogram) == 2


@pytest.mark.parametrize("low, high, rows", [(-86, 1272, 100_000), (0, 5, 50), (-3, 10**6, 1000), (7, 8, 30)])
def test_histogram_of_whole_numbers_equals_numpy_on_the_values(low, high, rows):
    """Whole numbers are histogrammed from the count of each value: the same bars as np.histogram of all rows."""
    values = np.random.default_rng(low + high).integers(low, high, rows).astype("float64")
    bins = _histogram(pd.Series(values), len(np.unique(values)))
    edges = np.array([b.left for b in bins] + [bins[-1].right])
    assert [b.count for b in bins] == np.histogram(values, bins=edges)[0].tolist()
    assert sum(b.count for b in bins) == rows


@pytest.mark.parametrize("high", [12, 3000])  # one bar per value, and even bars over a wider range
def test_an_integer_columns_histogram_from_its_shared_codes_equals_numpy(high):
    rng = np.random.default_rng(high)
    values = pd.array(np.where(rng.random(5000) < 0.1, None, rng.integers(-7, high, 5000)), dtype="Int64")
    frame = pd.DataFrame({"label": ["x"] * 5000, "value": values})
    facts = column_facts(frame, SCOPE, column="value")
    present = frame["value"].dropna().to_numpy(dtype="float64")
    edges = np.array([b.left for b in facts.histogram] + [facts.histogram[-1].right])
    assert [b.count for b in facts.histogram] == np.histogram(present, bins=edges)[0].tolist()
    assert sum(b.count for b in facts.histogram) == len(present) == facts.valid

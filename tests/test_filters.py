"""Global filters: the JSON spec, applying it, the candidates offered and the Russian description."""

from __future__ import annotations

import json

import pandas as pd

from lib.filters import apply_filters, describe_filters, filter_candidates, filters_payload, normalize_filters
from lib.fmt import fmt_date


def test_empty_spec_returns_the_frame_itself(small_frame):
    assert apply_filters(small_frame, {}) is small_frame
    assert apply_filters(small_frame, {"categories": {"city": []}, "date": {"column": "day"}}) is small_frame


def test_category_filter_keeps_matching_rows_and_drops_missing(small_frame):
    kept = apply_filters(small_frame, {"categories": {"city": ["Москва", "Омск"]}})
    assert list(kept.index) == [0, 2, 3, 4, 7, 8, 9]  # row 5 has no city, rows 1 and 6 are Казань


def test_date_range_includes_both_whole_days(small_frame):
    kept = apply_filters(small_frame, {"date": {"column": "day", "from": "2024-01-03", "to": "2024-01-05"}})
    assert kept["day"].dt.day.tolist() == [3, 4, 5]
    open_end = apply_filters(small_frame, {"date": {"column": "day", "from": "2024-01-09"}})
    assert open_end["day"].dt.day.tolist() == [9, 10]


def test_date_and_category_filters_combine(small_frame):
    spec = {"date": {"column": "day", "to": "2024-01-05"}, "categories": {"city": ["Москва"]}}
    assert list(apply_filters(small_frame, spec).index) == [0, 2, 4]


def test_boolean_and_numeric_columns_match_their_printed_values(small_frame):
    assert list(apply_filters(small_frame, {"categories": {"paid": ["False"]}}).index) == [1, 6]
    assert list(apply_filters(small_frame, {"categories": {"units": ["2", "10"]}}).index) == [1, 9]


def test_unknown_columns_are_ignored(small_frame):
    spec = {"categories": {"nope": ["x"]}, "date": {"column": "missing", "from": "2024-01-01"}}
    assert len(apply_filters(small_frame, spec)) == len(small_frame)


def test_filters_leaving_no_rows_give_an_empty_frame_with_the_same_columns(small_frame):
    empty = apply_filters(small_frame, {"categories": {"city": ["Сочи"]}})
    assert empty.empty and list(empty.columns) == list(small_frame.columns)


def test_spec_is_normalised_json(small_frame):
    spec = normalize_filters({"categories": {"b": ["y", "x", "x"], "a": ["1"], "c": []}, "date": {"column": "day"}})
    assert spec == {"categories": {"a": ["1"], "b": ["x", "y"]}}
    assert json.loads(json.dumps(spec)) == spec


def test_time_zone_aware_dates_filter_by_local_day(flights):
    frame = flights.frame
    spec = {"date": {"column": "time_hour", "from": "2013-01-01", "to": "2013-01-31"},
            "categories": {"carrier": ["AA", "UA"], "origin": ["JFK"]}}
    kept = apply_filters(frame, spec)
    expected = ((frame["month"] == 1) & frame["carrier"].isin(["AA", "UA"]) & (frame["origin"] == "JFK")).sum()
    assert len(kept) == expected


def test_candidates_on_flights_are_the_date_and_low_cardinality_categories(flights):
    candidates = filter_candidates(flights.frame)
    frame = flights.frame
    assert candidates.date_column == "time_hour"
    assert candidates.date_min == frame["time_hour"].min().date().isoformat()
    assert candidates.date_max == frame["time_hour"].max().date().isoformat()
    assert list(candidates.categories) == ["carrier", "origin", "dest"]  # tailnum has thousands of values
    assert candidates.categories["origin"] == sorted(frame["origin"].astype(str).unique())


def test_candidates_of_a_frame_without_dates_or_categories():
    candidates = filter_candidates(pd.DataFrame({"x": [1.0, 2.0, 3.0]}))
    assert candidates.date_column is None and candidates.categories == {}


def test_description_and_payload_are_russian_and_short():
    spec = {"date": {"column": "day", "from": "2024-01-03", "to": "2024-01-05"},
            "categories": {"city": ["A", "B", "C", "D", "E", "F", "G"]}}
    text = describe_filters(spec)
    assert text == f"day: с {fmt_date('2024-01-03')} по {fmt_date('2024-01-05')}; city: A, B, C, D, E и ещё 2"
    assert fmt_date("2024-01-03").startswith("3 января 2024")
    assert describe_filters({}) == "без фильтров"
    payload = filters_payload(spec)
    assert payload["период"] == {"столбец": "day", "с": "2024-01-03", "по": "2024-01-05"}
    assert payload["city"] == ["A", "B", "C", "D", "E", "и ещё 2"]


def test_a_day_whose_midnight_does_not_exist_is_still_whole():
    # America/Santiago skipped 2022-09-11 00:00 (clocks jumped to 01:00): that day has 23 hours.
    hours = pd.Series(pd.date_range("2022-09-10 12:00", periods=48, freq="h", tz="America/Santiago"))
    frame = pd.DataFrame({"t": hours})
    kept = apply_filters(frame, {"date": {"column": "t", "from": "2022-09-11", "to": "2022-09-11"}})
    assert len(kept) == (hours.dt.date == pd.Timestamp("2022-09-11").date()).sum() == 23


def test_a_date_filter_up_to_the_last_representable_day_keeps_every_later_row():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-06-01"])})
    kept = apply_filters(frame, {"date": {"column": "d", "from": "2024-02-01", "to": "9999-12-31"}})
    assert kept["d"].tolist() == [pd.Timestamp("2024-06-01")]

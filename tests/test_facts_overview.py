import json

import pandas as pd
import pytest

from lib.facts.base import SCHEMA_VERSION, Scope, display_round
from lib.facts.overview import ColumnSummary, OverviewFacts, TopValue, overview_facts

SCOPE = Scope.of("test:small", "Тест")


def by_name(facts, name):
    return next(c for c in facts.column_facts if c.name == name)


def test_small_frame_totals(small_frame):
    facts = overview_facts(small_frame, SCOPE)
    assert (facts.rows, facts.columns) == (10, 5)
    # by hand: city has 1 gap, sales 1, paid 1
    assert facts.missing_cells == 3
    assert facts.missing_share == pytest.approx(3 / 50)
    assert facts.duplicate_rows == 0
    assert facts.memory_bytes == int(small_frame.memory_usage(deep=True).sum())


def test_small_frame_numeric_summary(small_frame):
    sales = by_name(overview_facts(small_frame, SCOPE), "sales").numeric
    values = [10, 20, 30, 50, 60, 70, 80, 90, 100]
    assert sales.count == 9
    assert sales.mean == pytest.approx(sum(values) / 9)
    assert (sales.min, sales.median, sales.max) == (10, 60, 100)
    assert sales.q25 == 30 and sales.q75 == 80
    assert sales.std == pytest.approx(pd.Series(values, dtype=float).std())


def test_small_frame_top_categories(small_frame):
    city = by_name(overview_facts(small_frame, SCOPE), "city")
    assert city.kind == "category"
    assert (city.missing, city.unique) == (1, 3)
    assert [(t.value, t.count) for t in city.top] == [("Москва", 5), ("Казань", 2), ("Омск", 2)]
    assert city.top[0].share == pytest.approx(0.5)


def test_small_frame_datetime_range(small_frame):
    day = by_name(overview_facts(small_frame, SCOPE), "day")
    assert day.kind == "datetime"
    assert day.first.startswith("2024-01-01") and day.last.startswith("2024-01-10")


def test_duplicates_are_counted_after_first_occurrence():
    frame = pd.DataFrame({"a": [1, 1, 1, 2], "b": ["x", "x", "x", "y"]})
    assert overview_facts(frame, SCOPE).duplicate_rows == 2


def test_empty_frame_is_empty_not_an_error():
    facts = overview_facts(pd.DataFrame({"a": pd.Series([], dtype=float)}), SCOPE)
    assert facts.is_empty and facts.rows == 0 and facts.missing_share == 0


def test_all_missing_column_is_empty_kind():
    frame = pd.DataFrame({"a": [None, None], "b": [1, 2]})
    facts = overview_facts(frame, SCOPE)
    assert by_name(facts, "a").kind == "empty"
    assert facts.kind_counts["empty"] == 1


def test_sheet_is_json_with_version_and_scope(small_frame):
    scope = Scope.of("test:small", "Тест", {"categories": {"city": ["Москва"]}})
    facts = overview_facts(small_frame, scope)
    data = json.loads(facts.to_json())
    assert data["kind"] == "overview"
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["filters"] == {"categories": {"city": ["Москва"]}}
    assert data["dataset_id"] == "test:small"


def test_fingerprint_changes_with_data_and_filters(small_frame):
    base = overview_facts(small_frame, SCOPE).fingerprint()
    assert overview_facts(small_frame.head(9), SCOPE).fingerprint() != base
    assert overview_facts(small_frame, Scope.of("test:small", "Тест", {"x": 1})).fingerprint() != base
    assert overview_facts(small_frame, SCOPE).fingerprint() == base


def test_payload_carries_rounded_aggregates_only(small_frame):
    payload = overview_facts(small_frame, SCOPE).payload()
    assert payload["строк"] == 10
    assert payload["пустых ячеек, %"] == 6.0
    sales = next(c for c in payload["столбцы"] if c["имя"] == "sales")
    assert (sales["пропусков"], sales["пропусков, %"]) == (1, 10.0)
    text = json.dumps(payload, ensure_ascii=False)
    assert "2024-01-05" not in text  # a raw row value that is neither min nor max


@pytest.mark.parametrize(
    ("value", "shown"), [(12.644, 12.64), (1349.11, 1349.1), (336776.0, 336776), (-2.0, -2), (0.123456, 0.12), (7, 7)]
)
def test_display_round(value, shown):
    assert display_round(value) == shown


def test_flights_overview_is_exact(flights):
    frame = flights.frame
    facts = overview_facts(frame, Scope.of(flights.id, flights.name))
    assert facts.rows == 336776
    assert facts.columns == 19
    assert facts.missing_cells == int(frame.isna().to_numpy().sum())
    assert facts.duplicate_rows == int(frame.duplicated().sum())
    delay = by_name(facts, "dep_delay")
    assert delay.missing == int(frame["dep_delay"].isna().sum())
    assert delay.numeric.mean == pytest.approx(frame["dep_delay"].astype(float).mean())
    carrier = by_name(facts, "carrier")
    assert carrier.unique == 16
    counts = frame["carrier"].value_counts()
    assert (carrier.top[0].value, carrier.top[0].count) == (counts.index[0], int(counts.iloc[0]))


def test_infinite_values_are_left_out_of_the_numeric_summary():
    frame = pd.DataFrame({"a": [2.0, float("inf"), 4.0, float("-inf"), 9.0]})
    summary = by_name(overview_facts(frame, SCOPE), "a").numeric
    # by hand, finite values 2, 4, 9: mean 5, median 4, min 2, max 9
    assert (summary.count, summary.mean, summary.median, summary.min, summary.max) == (3, 5, 4, 2, 9)


def _column(name: str, missing: int, top_share: float | None = None, first: str | None = None) -> ColumnSummary:
    top = (TopValue("a", int(top_share * 100), top_share),) if top_share else ()
    return ColumnSummary(name, "category" if top else "datetime" if first else "numeric", "x", missing,
                         missing / 100, 3, top=top, first=first, last=first)


def test_overview_payload_names_the_notable_columns_by_its_rule_and_counts_the_rest():
    """Gaps first (most missing first, at most 3), then the first date column, then the two most concentrated
    category columns, then table order; at most 6; the number left out is said."""
    columns = (
        _column("n1", 0), _column("g_small", 2), _column("c_even", 0, 0.3), _column("g_big", 40),
        _column("d", 0, first="2024-01-01"), _column("g_mid", 10), _column("g_least", 1), _column("c_peak", 0, 0.9),
        _column("c_mid", 0, 0.5), _column("n2", 0),
    )
    facts = OverviewFacts("t", "t", rows=100, columns=10, column_facts=columns)
    payload = facts.payload()
    assert [c["имя"] for c in payload["столбцы"]] == ["g_big", "g_mid", "g_small", "d", "c_peak", "c_mid"]
    assert payload["не вошли ещё столбцов"] == 4
    assert [c["имя"] for c in payload["столбцы"] if "частые" in c] == ["c_peak", "c_mid"]


def test_overview_payload_filters_use_the_compact_russian_form():
    spec = {"categories": {"carrier": [f"C{i}" for i in range(12)]}}
    payload = overview_facts(pd.DataFrame({"carrier": ["C1", "C2"]}), Scope.of("t", "t", spec)).payload()
    assert payload["фильтры"] == {"carrier": ["C0", "C1", "C10", "C11", "C2", "и ещё 7"]}

"""Quality facts on a frame with planted problems and on flights (against independent pandas checks)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.facts.base import Scope
from lib.facts.quality import mixed_type_detail, quality_facts

SCOPE = Scope.of("test:small", "Малый набор")


@pytest.fixture
def messy() -> pd.DataFrame:
    n = 20
    return pd.DataFrame(
        {
            "order_id": range(1, n + 1),
            "const": ["x"] * n,
            "near": ["a"] * 19 + ["b"],
            "mostly_missing": [1.0, 2.0] * 4 + [None] * 12,
            "some_missing": [2.0, 3.0] * 5 + [4.0] * 5 + [None] * 5,
            "mixed": pd.Series([1, "два", 3.0, "четыре"] * 5, dtype="object"),
            "num_text": pd.Series([str(i) for i in range(19)] + ["нет данных"], dtype="string"),
            "value": [float(i) for i in range(1, 20)] + [1000.0],
        }
    )


def alert_codes(facts) -> dict[tuple[str, str | None], str]:
    return {(a.code, a.column): a.severity for a in facts.alerts}


def test_planted_problems_become_alerts_with_severity(messy):
    facts = quality_facts(messy, SCOPE)
    codes = alert_codes(facts)
    assert codes[("missing", "mostly_missing")] == "high"  # 60 %
    assert codes[("missing", "some_missing")] == "medium"  # 25 %
    assert codes[("constant", "const")] == "medium"
    assert codes[("near_constant", "near")] == "low"  # 95 % «a»
    assert codes[("mixed_types", "mixed")] == "high"
    assert codes[("mixed_types", "num_text")] == "high"
    assert codes[("outliers", "value")] == "medium"  # 1 of 20 = 5 %
    assert ("duplicates", None) not in codes
    assert facts.constant == ("const",) and facts.near_constant == ("near",)
    assert set(facts.mixed_types) == {"mixed", "num_text"}


def test_alerts_are_ordered_by_severity(messy):
    order = {"high": 0, "medium": 1, "low": 2}
    severities = [order[a.severity] for a in quality_facts(messy, SCOPE).alerts]
    assert severities == sorted(severities)


def test_missing_by_column_counts_and_shares(messy):
    facts = quality_facts(messy, SCOPE)
    assert [(m.column, m.count) for m in facts.missing] == [("mostly_missing", 12), ("some_missing", 5)]
    assert facts.missing_cells == 17
    assert facts.missing_share == pytest.approx(17 / (20 * 8))


def test_duplicate_rows(small_frame):
    doubled = pd.concat([small_frame, small_frame.iloc[:2]], ignore_index=True)
    facts = quality_facts(doubled, SCOPE)
    assert facts.duplicate_rows == 2
    assert alert_codes(facts)[("duplicates", None)] == "medium"  # 2 of 12 rows
    assert facts.payload()["строк-дубликатов, %"] == 16.7


def test_high_cardinality_category():
    frame = pd.DataFrame({"code": [f"k{i % 60}" for i in range(200)]})
    facts = quality_facts(frame, SCOPE)
    assert facts.high_cardinality == ("code",)
    assert alert_codes(facts)[("high_cardinality", "code")] == "low"


def test_clean_frame_has_no_alerts():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": ["x", "y", "x", "y"]})
    facts = quality_facts(frame, SCOPE)
    assert facts.alerts == ()
    assert facts.payload()["предупреждений"] == {"высокая": 0, "средняя": 0, "низкая": 0}


def test_all_empty_column_and_zero_rows(small_frame):
    frame = small_frame.assign(blank=pd.Series([None] * 10, dtype="object"))
    assert alert_codes(quality_facts(frame, SCOPE))[("empty", "blank")] == "high"
    assert quality_facts(small_frame.iloc[0:0], SCOPE).is_empty


def test_flights_quality_matches_pandas(flights):
    frame = flights.frame
    facts = quality_facts(frame, SCOPE)
    assert facts.duplicate_rows == int(frame.duplicated().sum())
    missing = frame.isna().sum()
    assert {m.column: m.count for m in facts.missing} == {c: int(n) for c, n in missing.items() if n}
    assert facts.constant == tuple(c for c in frame.columns if frame[c].nunique() == 1)
    assert {"tailnum", "dest"} <= set(facts.high_cardinality)
    values = frame["dep_delay"].dropna().to_numpy(dtype="float64")
    q1, q3 = np.percentile(values, [25, 75])
    outside = ((values < q1 - 1.5 * (q3 - q1)) | (values > q3 + 1.5 * (q3 - q1))).sum()
    assert {o.column: o.count for o in facts.outliers}["dep_delay"] == outside


def test_a_column_filtered_to_one_value_is_not_reported_constant(flights):
    from lib.filters import apply_filters

    spec = {"categories": {"carrier": ["UA"], "origin": ["EWR", "JFK"]}}
    facts = quality_facts(apply_filters(flights.frame, spec), Scope.of(flights.id, flights.name, spec))
    assert facts.constant == ("year",)  # carrier is constant only because the filter made it so


def test_infinite_values_get_an_alert_with_their_count():
    frame = pd.DataFrame({"a": [1.0, np.inf, 3.0, -np.inf, None, 5.0], "b": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    facts = quality_facts(frame, SCOPE)
    # by hand: two infinite values among five filled ones in «a», none in «b»
    infinite = [a for a in facts.alerts if a.code == "infinite"]
    assert [(a.column, a.count, a.share, a.severity) for a in infinite] == [("a", 2, 0.4, "medium")]
    assert infinite[0].problem == "бесконечные значения"
    assert [(c.column, c.count) for c in facts.infinite] == [("a", 2)]
    listed = facts.payload()["предупреждения"]
    assert {"важность": "средняя", "проблема": "бесконечные значения", "столбец": "a", "число": 2,
            "доля, %": 40.0, "подробно": "в статистике не учитываются"} in listed


def test_quality_template_with_infinite_values_passes_the_verifier():
    from lib.narration.templates import template_narrative
    from lib.verify import verify_numbers

    frame = pd.DataFrame({"a": [1.0, np.inf, 3.0, -np.inf, 5.0, 7.0], "b": list("xyzxyz")})
    facts = quality_facts(frame, SCOPE)
    text = template_narrative(facts)
    assert "бесконечные значения (значений: 2, 33,3\u00a0%)" in text
    assert verify_numbers(text, facts.payload()).ok, text


def test_a_single_infinite_value_is_not_read_as_a_number_of_columns():
    """Found by tests/test_fuzz.py: «столбец «x» — бесконечные значения (1, 50 %)» bound 1 to «столбцов» = 2."""
    from lib.narration.templates import template_narrative
    from lib.verify import verify_numbers

    facts = quality_facts(pd.DataFrame({"x": [0.0, np.inf], "id": [0.0, 1e308]}), SCOPE)
    text = template_narrative(facts)
    assert "Главное: столбец «x» — бесконечные значения (значений: 1, 50\u00a0%)." in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_iqr_outliers_only_for_measure_like_columns():
    """12.5: codes, years, months and identifiers get no outlier alert; a measured quantity does."""
    n = 200
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "flight": np.r_[np.arange(1, n), 9000],  # a flight number far above the others
            "year": np.r_[np.full(n - 1, 2013), 1990],
            "month": np.r_[np.tile(np.arange(1, 13), n // 12 + 1)[: n - 1], 12],
            "code_no": np.r_[np.arange(n - 1), 10_000],
            "weight": np.r_[rng.normal(70, 5, n - 1), 400.0],
        }
    )
    facts = quality_facts(frame, SCOPE)
    assert [o.column for o in facts.outliers] == ["weight"]
    values = frame["weight"]
    q1, q3 = values.quantile([0.25, 0.75])
    expected = int(((values < q1 - 1.5 * (q3 - q1)) | (values > q3 + 1.5 * (q3 - q1))).sum())
    assert facts.outliers[0].count == expected


def test_flights_outliers_leave_flight_numbers_and_clock_parts_out(flights):
    facts = quality_facts(flights.frame, Scope.of(flights.id, flights.name))
    columns = {o.column for o in facts.outliers}
    assert not columns & {"flight", "year", "month", "day", "hour", "minute"}
    assert "arr_delay" in columns


@pytest.mark.parametrize("value", [" +1,5", ".5", "-inf", "Infinity", "1e5", "  7 ", "-.5", "INF", "nan", "N123",
                                   "abc", "+", "-", "e5", "0x10", "1_000", "½", "١٢", "−5"])
@pytest.mark.parametrize("dtype", ["str", object])
def test_numbers_among_text_are_found_as_to_numeric_finds_them(value, dtype):
    """Only text starting like a number is parsed: the verdict is still pandas' own to_numeric's."""
    expected = bool(pd.to_numeric(pd.Series([value.strip().replace(",", ".")], dtype=object),
                                  errors="coerce").notna().iloc[0])
    series = pd.Series([value, "слово", "слово"], dtype=dtype)
    assert (mixed_type_detail(series) == "число, текст") is expected

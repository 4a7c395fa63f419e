"""Relation facts against DataFrame.corr (Pearson, Spearman) and hand-checked frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.facts.base import Scope
from lib.facts.relations import SAMPLE_POINTS, relation_facts, strength_word

SCOPE = Scope.of("test:small", "Малый набор")


def matrix(facts, method: str) -> pd.DataFrame:
    values = facts.pearson if method == "pearson" else facts.spearman
    return pd.DataFrame(np.array(values, dtype="float64"), index=facts.columns, columns=facts.columns)


def test_exact_line_and_monotonic_curve():
    x = np.arange(1.0, 21.0)
    frame = pd.DataFrame({"x": x, "line": 3 * x + 1, "cube": x**3, "down": -x})
    facts = relation_facts(frame, SCOPE)
    pearson, spearman = matrix(facts, "pearson"), matrix(facts, "spearman")
    assert pearson.loc["x", "line"] == pytest.approx(1.0)
    assert pearson.loc["x", "down"] == pytest.approx(-1.0)
    assert pearson.loc["x", "cube"] < 0.95  # not a straight line …
    assert spearman.loc["x", "cube"] == pytest.approx(1.0)  # … but perfectly monotonic
    down = next(p for p in facts.strongest if {p.x, p.y} == {"x", "down"})
    assert (down.strength, down.direction) == ("очень высокая", "обратная")


def test_pairwise_complete_rows_with_ties_match_pandas():
    frame = pd.DataFrame(
        {
            "a": [1, 2, 2, 3, None, 5, 6, 6, 8, 9],
            "b": [2.0, 1.0, 4.0, None, 5.0, 7.0, 6.0, 9.0, 8.0, 10.0],
            "c": [5, 5, 4, 4, 3, 3, 2, None, 1, 1],
        },
        dtype="Float64",
    )
    facts = relation_facts(frame, SCOPE)
    for method in ("pearson", "spearman"):
        expected = frame.astype("float64").corr(method=method)
        assert np.allclose(matrix(facts, method).to_numpy(), expected.to_numpy())
    ab = next(p for p in facts.strongest if {p.x, p.y} == {"a", "b"})
    assert ab.rows == 8  # rows 3 and 4 each miss one value


def test_constant_and_non_numeric_columns_are_left_out(small_frame):
    frame = small_frame.assign(same=7)
    facts = relation_facts(frame, SCOPE)
    assert facts.columns == ("sales", "units")
    assert facts.skipped == ("same",)


def test_fewer_than_two_numeric_columns_is_empty(small_frame):
    assert relation_facts(small_frame[["city", "sales"]], SCOPE).is_empty
    assert relation_facts(small_frame.iloc[0:0], SCOPE).is_empty


def test_chosen_pair_regression_on_all_rows(small_frame):
    facts = relation_facts(small_frame, SCOPE, x="units", y="sales")
    chosen = facts.chosen
    assert (chosen.pair.x, chosen.pair.y, chosen.pair.rows) == ("units", "sales", 9)
    assert (chosen.slope, chosen.intercept) == (pytest.approx(10.0), pytest.approx(0.0))  # sales = 10 · units
    assert not chosen.sampled
    assert facts.payload()["выбранная пара"]["точек на графике"] == 9


@pytest.mark.parametrize(("value", "word"), [(0.05, "практически отсутствует"), (-0.25, "слабая"),
                                             (0.3, "умеренная"), (0.69, "заметная"), (-0.8, "высокая"),
                                             (0.95, "очень высокая")])
def test_strength_words_follow_the_chaddock_scale(value, word):
    assert strength_word(value) == word


def test_flights_matrices_match_pandas_on_all_rows(flights):
    frame = flights.frame
    facts = relation_facts(frame, SCOPE)
    assert "year" in facts.skipped  # a single value
    used = list(facts.columns)
    numeric = frame[used].astype("float64")
    pearson, spearman = numeric.corr(), numeric.corr(method="spearman")
    assert np.allclose(matrix(facts, "pearson").to_numpy(), pearson.to_numpy())
    assert np.allclose(matrix(facts, "spearman").to_numpy(), spearman.to_numpy())
    off_diagonal = ~np.eye(len(used), dtype=bool)
    strongest = max(pearson.abs().where(off_diagonal).max().max(), spearman.abs().where(off_diagonal).max().max())
    assert abs(facts.strongest[0].strongest) == pytest.approx(strongest)


def test_flights_scatter_is_a_labelled_sample_but_the_line_uses_all_rows(flights):
    frame = flights.frame
    facts = relation_facts(frame, SCOPE, x="dep_delay", y="arr_delay")
    chosen = facts.chosen
    both = frame[["dep_delay", "arr_delay"]].dropna().astype("float64")
    assert chosen.pair.rows == len(both)
    assert chosen.sampled and len(chosen.sample_x) == SAMPLE_POINTS
    slope = both["dep_delay"].cov(both["arr_delay"]) / both["dep_delay"].var()
    assert chosen.slope == pytest.approx(slope)
    assert chosen.pair.pearson == pytest.approx(both.corr().iloc[0, 1])


def test_infinite_values_are_left_out_of_correlations_and_the_line():
    frame = pd.DataFrame({"a": [1.0, np.inf, 3.0, -np.inf, 5.0, 7.0], "b": [2.0, 3.0, 5.0, 1.0, 9.0, 15.0]})
    facts = relation_facts(frame, SCOPE)
    finite = frame[np.isfinite(frame["a"])]  # rows (1, 2), (3, 5), (5, 9), (7, 15): b = 2a - 1 except the last
    assert facts.columns == ("a", "b")
    assert facts.pearson[0][1] == pytest.approx(finite["a"].corr(finite["b"]))
    assert facts.spearman[0][1] == pytest.approx(1.0)
    assert facts.strongest[0].rows == 4
    slope, intercept = np.polyfit(finite["a"], finite["b"], 1)
    assert (facts.chosen.slope, facts.chosen.intercept) == (pytest.approx(slope), pytest.approx(intercept))
    assert sorted(facts.chosen.sample_x) == [1.0, 3.0, 5.0, 7.0]

"""Relation facts against DataFrame.corr (Pearson, Spearman) and hand-checked frames."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from lib.facts.base import Scope
from lib.facts.relations import SAMPLE_POINTS, relation_facts, strength_word
from lib.narration.prompt import build_prompt
from lib.narration.tasks import TASKS
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers

SCOPE = Scope.of("test:small", "Малый набор")


def matrix(facts, method: str) -> pd.DataFrame:
    values = facts.pearson if method == "pearson" else facts.spearman
    return pd.DataFrame(np.array(values, dtype="float64"), index=facts.columns, columns=facts.columns)


def test_exact_line_and_monotonic_curve_are_derived_pairs():
    x = np.arange(1.0, 21.0)
    frame = pd.DataFrame({"x": x, "line": 3 * x + 1, "cube": x**3, "down": -x})
    facts = relation_facts(frame, SCOPE)
    pearson, spearman = matrix(facts, "pearson"), matrix(facts, "spearman")
    assert pearson.loc["x", "line"] == pytest.approx(1.0)
    assert pearson.loc["x", "down"] == pytest.approx(-1.0)
    assert pearson.loc["x", "cube"] < 0.95  # not a straight line …
    assert spearman.loc["x", "cube"] == pytest.approx(1.0)  # … but perfectly monotonic
    # every pair is a function of the other (|r| or |ρ| ≥ 0.999): none is a finding, none is drawn by default
    assert len(facts.derived) == 6 and facts.strongest == () and facts.chosen is None
    assert facts.payload()["производные"][0]["почему"] == "|коэффициент| ≥ 0.999"


def test_a_noisy_line_gets_words_from_pearson_with_its_interval():
    rng = np.random.default_rng(5)
    x = rng.normal(size=50)
    frame = pd.DataFrame({"x": x, "up": x + rng.normal(0, 0.5, 50), "down": -x + rng.normal(0, 2, 50)})
    facts = relation_facts(frame, SCOPE)
    up = next(p for p in facts.strongest if {p.x, p.y} == {"x", "up"})
    expected = sps.pearsonr(frame["x"], frame["up"])
    interval = expected.confidence_interval(0.95)
    assert up.pearson == pytest.approx(expected.statistic) and up.pearson_p == pytest.approx(expected.pvalue)
    assert (up.pearson_low, up.pearson_high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    assert up.spearman_p == pytest.approx(sps.spearmanr(frame["x"], frame["up"]).pvalue)
    assert (up.strength, up.direction) == ("сильная", "прямая")  # r ≈ 0.9 on 50 rows
    down = next(p for p in facts.strongest if {p.x, p.y} == {"x", "down"})
    assert down.direction == "обратная" and down.pearson < 0
    assert facts.strongest[0] == up  # confirmed pairs first, by |r|


def test_two_hundred_noise_pairs_of_five_rows_get_no_strength_word():
    rng = np.random.default_rng(0)
    words = set()
    for _ in range(200):
        facts = relation_facts(pd.DataFrame({"a": rng.normal(size=5), "b": rng.normal(size=5)}), SCOPE)
        pair = facts.strongest[0]
        words.add((pair.strength, pair.direction))
        assert facts.payload()["сильнейшие связи"][0]["сила"] == "связь не подтверждается"
        assert "направление" not in facts.payload()["сильнейшие связи"][0]
    assert words == {("связь не подтверждается", None)}


def test_noise_of_thirty_rows_is_confirmed_only_when_the_interval_excludes_zero():
    rng = np.random.default_rng(1)
    confirmed = 0
    for _ in range(100):
        frame = pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30)})
        pair = relation_facts(frame, SCOPE).strongest[0]
        interval = sps.pearsonr(frame["a"], frame["b"]).confidence_interval(0.95)
        excludes = interval.low > 0 or interval.high < 0
        assert (pair.strength != "связь не подтверждается") == excludes
        confirmed += excludes
    assert confirmed <= 12  # about 5 of 100 by chance


def test_a_zero_correlation_has_no_direction():
    x = np.arange(-10.0, 11.0)
    facts = relation_facts(pd.DataFrame({"x": x, "square": x**2}), SCOPE)
    pair = facts.strongest[0]
    assert pair.pearson == pytest.approx(0.0, abs=1e-12)
    assert pair.strength == "связь не подтверждается" and pair.direction is None
    assert "прямая" not in template_narrative(facts)


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


@pytest.mark.parametrize(("value", "word"), [(0.05, "слабая"), (-0.25, "слабая"), (0.3, "умеренная"),
                                             (0.69, "умеренная"), (-0.7, "сильная"), (0.95, "сильная")])
def test_strength_words_by_the_size_of_r(value, word):
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
    derived = {frozenset({"sched_dep_time", "hour"}), frozenset({"sched_dep_time", "minute"})}
    ranked = sorted(((abs(pearson.loc[a, b]), frozenset({a, b})) for i, a in enumerate(used) for b in used[i + 1:]
                     if frozenset({a, b}) not in derived), key=lambda item: -item[0])
    assert abs(facts.strongest[0].pearson) == pytest.approx(ranked[0][0])
    assert frozenset({facts.strongest[0].x, facts.strongest[0].y}) == ranked[0][1]


def test_flights_pairs_computed_from_each_other_are_derived(flights):
    frame = flights.frame
    facts = relation_facts(frame, SCOPE)
    # hour and minute are sched_dep_time // 100 and % 100: checked independently here
    assert (frame["hour"] == frame["sched_dep_time"] // 100).all()
    assert (frame["minute"] == frame["sched_dep_time"] % 100).all()
    assert {frozenset({p.x, p.y}) for p in facts.derived} == {frozenset({"sched_dep_time", "hour"}),
                                                              frozenset({"sched_dep_time", "minute"})}
    named = {frozenset({p.x, p.y}) for p in facts.strongest}
    assert not named & {frozenset({p.x, p.y}) for p in facts.derived}
    assert frozenset({facts.chosen.pair.x, facts.chosen.pair.y}) not in {frozenset({p.x, p.y}) for p in facts.derived}
    payload = facts.payload()
    assert [d["пара"] for d in payload["производные"]] == ["sched_dep_time — hour", "sched_dep_time — minute"]
    assert payload["производные"][1]["почему"] == "minute — функция от sched_dep_time"


def test_flights_pair_tests_match_scipy(flights):
    both = flights.frame[["dep_delay", "arr_delay"]].dropna().astype("float64")
    facts = relation_facts(flights.frame, SCOPE, x="dep_delay", y="arr_delay")
    pair = facts.chosen.pair
    expected = sps.pearsonr(both["dep_delay"], both["arr_delay"])
    interval = expected.confidence_interval(0.95)
    assert (pair.pearson_low, pair.pearson_high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    assert pair.spearman == pytest.approx(sps.spearmanr(both["dep_delay"], both["arr_delay"]).statistic)
    assert (pair.strength, pair.direction, pair.spearman_strength) == ("сильная", "прямая", "умеренная")


@pytest.mark.parametrize("options", [{}, {"x": "dep_delay", "y": "arr_delay"}, {"x": "hour", "y": "minute"},
                                     {"x": "hour", "y": "sched_dep_time"}])
def test_flights_prompt_stays_under_1000_tokens_and_the_template_passes(flights, options):
    facts = relation_facts(flights.frame, SCOPE, **options)
    prompt = build_prompt(facts, TASKS["relations"])
    assert prompt.tokens <= 1000 and prompt.trimmed_items == 0
    payload = facts.payload()
    assert payload["пар не показано"] == payload["пар"] - len(payload["сильнейшие связи"])
    text = template_narrative(facts)
    assert verify_numbers(text, payload).ok, text  # numbers and claim words
    json.dumps(payload, allow_nan=False)
    if options.get("y") == "sched_dep_time":  # a derived pair drawn on request: no strength words for it
        assert "сила" not in payload["выбранная пара"] and "производная пара «hour — sched_dep_time»" in text


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


def test_a_150_column_table_keeps_the_prompt_within_budget():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({f"показатель_с_длинным_названием_{i}": rng.normal(size=300) for i in range(150)})
    facts = relation_facts(frame, SCOPE)
    assert len(facts.columns) == 15 and len(facts.skipped) == 135
    payload = facts.payload()
    assert len(payload["не вошли"]) == 5 and payload["не вошли, всего"] == 135
    assert build_prompt(facts, TASKS["relations"]).tokens <= 1000
    text = template_narrative(facts)
    assert "Не вошли в расчёт (всего 135)" in text and verify_numbers(text, payload).ok, text


@pytest.mark.parametrize("gaps", [False, True])
def test_a_function_is_checked_on_every_row_not_only_the_sample(gaps):
    """y = (7x) mod 11 is a function of x (|r| far below 0.999); one row off the function, outside the evenly
    spaced sample the first check reads (every 4th row of 20 000), makes the pair a real one again."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 50, 20_000).astype("float64")
    y = (7 * x) % 11
    if gaps:  # rows missing either column are ignored by the check
        x[rng.choice(20_000, 500, replace=False)] = np.nan
        y[rng.choice(20_000, 500, replace=False)] = np.nan
    frame = pd.DataFrame({"x": x, "y": y})
    assert [p.derived for p in relation_facts(frame, SCOPE).derived] == ["y — функция от x"]
    broken = frame.copy()
    row = 1 if not np.isnan(x[1]) and not np.isnan(y[1]) else 5
    broken.loc[row, "y"] = (y[row] + 1) % 11
    facts = relation_facts(broken, SCOPE)
    assert facts.derived == () and [(p.x, p.y) for p in facts.strongest] == [("x", "y")]


def _function_of(frame: pd.DataFrame, x: str, y: str) -> bool:
    """By hand with pandas: on the rows where both are present (at least 10), x repeats (2 ≤ distinct x ≤
    half the rows) and y has one value per value of x."""
    both = frame[[x, y]].dropna()
    distinct = both[x].nunique()
    return len(both) >= 10 and 2 <= distinct <= len(both) / 2 and bool((both.groupby(x)[y].nunique() <= 1).all())


@pytest.mark.parametrize("seed", range(12))
def test_derived_pairs_match_a_groupby_by_hand(seed):
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(12, 400))
    a = rng.integers(0, int(rng.integers(2, 30)), rows).astype("float64")
    frame = pd.DataFrame({
        "a": a,
        "f": (a * 3) % 7 + rng.choice([0.0, 0.0, 0.0, 1.0], rows) * (seed % 2),  # a function of a, or almost
        "b": rng.integers(0, 4, rows).astype("float64"),
        "c": rng.normal(0, 1, rows).round(int(rng.integers(0, 3))),
        "noise": rng.normal(0, 1, rows),  # all distinct: it "determines" nothing, for it does not repeat
    })
    for name in frame.columns:  # gaps in every column
        frame.loc[rng.random(rows) < rng.uniform(0, 0.3), name] = np.nan
    frame["g"] = np.where(a % 5 == 0, np.nan, a % 4)  # a function of a, missing wherever a is 0, 5, 10 …
    frame["k"] = np.where(a % 5 == 0, 1.0, 0.0)  # constant where g is present: it determines nothing there
    facts = relation_facts(frame, SCOPE)
    got = {(p.x, p.y): p.derived for p in facts.derived if "функция" in (p.derived or "")}
    expected = {}
    names = list(facts.columns)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            both = frame[[x, y]].dropna()
            if len(both) < 10 or both.nunique().min() < 2:  # no coefficient on a constant: not a pair at all
                continue
            if _function_of(frame, x, y):
                expected[x, y] = f"{y} — функция от {x}"
            elif _function_of(frame, y, x):
                expected[x, y] = f"{x} — функция от {y}"
    assert got == expected


def test_a_long_table_with_three_sets_of_missing_rows_matches_pandas_on_both_thread_paths(monkeypatch):
    """60 000 rows: decimals around a large level (sorted codes), whole numbers (offset codes) and columns
    missing in three different sets of rows, so every pair's sums leave out another set of rows. Both the
    two-thread path and the one-thread path give pandas' pairwise-complete matrices."""
    import lib.facts.relations as relations

    rng = np.random.default_rng(21)
    n = 60_000
    base = rng.normal(0, 1, n)
    frame = pd.DataFrame({
        "level": 1e6 + base + rng.normal(0, 0.5, n),
        "count": rng.integers(0, 40, n) + (base > 0) * 5,
        "price": np.round(rng.gamma(2.0, 3.0, n), 2),
        "gap1": np.where(rng.random(n) < 0.05, np.nan, base * 2 + rng.normal(0, 1, n)),
        "gap2": pd.array(np.where(rng.random(n) < 0.10, None, rng.integers(-20, 20, n)), dtype="Int64"),
        "gap3": np.where(rng.random(n) < 0.02, np.nan, np.round(-base + rng.normal(0, 2, n), 1)),
    })
    # pairwise complete rows by hand, centred before multiplying (pandas' corr loses ~1e-11 to the level)
    floats = frame.astype("float64")
    expected = {method: np.eye(6) for method in ("pearson", "spearman")}
    for i in range(6):
        for j in range(i + 1, 6):
            both = floats.iloc[:, [i, j]].dropna().to_numpy()
            ranks = np.column_stack([sps.rankdata(both[:, 0]), sps.rankdata(both[:, 1])])
            for method, values in (("pearson", both), ("spearman", ranks)):
                expected[method][i, j] = expected[method][j, i] = np.corrcoef(values.T)[0, 1]
    threaded = relation_facts(frame, SCOPE)
    monkeypatch.setattr(relations, "PARALLEL_ROWS", 10**9)
    single = relation_facts(frame, SCOPE)
    for facts in (threaded, single):
        assert list(facts.columns) == list(frame.columns)
        for method in ("pearson", "spearman"):
            np.testing.assert_allclose(matrix(facts, method).to_numpy(), expected[method], rtol=0, atol=1e-12)
    assert threaded.pearson == single.pearson and threaded.spearman == single.spearman

"""Group facts against hand-checked small frames and independent groupby computations on flights."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from lib.facts.base import Scope
from lib.facts.groups import MIN_VALUES_FOR_AVERAGES, dimension_label, group_choices, group_facts, label_order
from lib.narration.prompt import build_prompt
from lib.narration.tasks import TASKS
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers

SCOPE = Scope.of("test:small", "Малый набор")


def test_mean_by_city_with_missing_city_as_its_own_group(small_frame):
    facts = group_facts(small_frame, SCOPE, dimensions=("city",), measure="sales", aggregation="mean", min_rows=1)
    values = {row.keys[0]: row.value for row in facts.table}
    # Москва: 10, 30, 50, 80, 100 → 54; Казань: 20, 70 → 45; Омск: NaN, 90 → 90; no city: 60
    assert values == {"Москва": 54, "Казань": 45, "Омск": 90, "(пусто)": 60}
    assert [row.keys[0] for row in facts.table] == ["Омск", "(пусто)", "Москва", "Казань"]
    assert facts.total == pytest.approx(510 / 9)
    assert facts.leaders[0].keys == ("Омск",) and facts.outsiders[0].keys == ("Казань",)
    assert facts.gap == 45 and facts.ratio == 2


def test_row_count_and_share(small_frame):
    count = group_facts(small_frame, SCOPE, dimensions=("city",))
    assert {r.keys[0]: r.value for r in count.table} == {"Москва": 5, "Казань": 2, "Омск": 2, "(пусто)": 1}
    share = group_facts(small_frame, SCOPE, dimensions=("city",), aggregation="share")
    assert {r.keys[0]: r.value for r in share.table}["Москва"] == 0.5
    assert share.payload()["наибольшие"][0] == {"группа": "Москва", "доля, %": 50.0, "строк": 5}


def test_rows_measure_falls_back_to_count_for_other_aggregations(small_frame):
    facts = group_facts(small_frame, SCOPE, dimensions=("city",), measure=None, aggregation="mean")
    assert facts.aggregation == "count"


def test_sum_median_min_max(small_frame):
    def by_city(aggregation: str) -> dict[str, float]:
        facts = group_facts(small_frame, SCOPE, dimensions=("city",), measure="units", aggregation=aggregation,
                            min_rows=1)
        return {r.keys[0]: r.value for r in facts.table}

    # Москва units: 1, 3, 5, 8, 10; Казань: 2, 7; Омск: 4, 9; no city: 6
    assert by_city("sum")["Москва"] == 27
    assert by_city("median")["Москва"] == 5
    assert by_city("min")["Казань"] == 2
    assert by_city("max")["Омск"] == 9


def test_other_is_the_same_aggregation_over_the_remaining_rows():
    frame = pd.DataFrame({"g": list("aabbccdd"), "v": [1.0, 3.0, 10.0, 20.0, 5.0, 7.0, 100.0, 200.0]})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="mean", top_n=2, min_rows=1)
    assert [r.keys[0] for r in facts.top] == ["d", "b"]
    assert facts.other.value == pytest.approx((1 + 3 + 5 + 7) / 4)  # mean of the rows of a and c, not of means
    assert (facts.other.rows, facts.other_groups) == (4, 2)


def test_two_dimensions_and_a_datetime_part(small_frame):
    facts = group_facts(small_frame, SCOPE, dimensions=("city", "paid"))
    assert {r.keys: r.value for r in facts.table}[("Москва", "True")] == 4  # rows 0, 2, 7, 9
    weekday = group_facts(small_frame, SCOPE, dimensions=("day@weekday",))
    # 2024-01-01 was a Monday: ten days give two Mondays, two Tuesdays, two Wednesdays
    assert {r.keys[0]: r.value for r in weekday.table}["понедельник"] == 2
    assert weekday.groups == 7


def test_no_dimension_or_no_rows_is_empty(small_frame):
    assert group_facts(small_frame, SCOPE).is_empty
    assert group_facts(small_frame.iloc[0:0], SCOPE, dimensions=("city",)).is_empty


def test_choices_on_flights(flights):
    dimensions, measures = group_choices(flights.frame)
    assert {"carrier", "origin", "dest", "month", "time_hour@month"} <= set(dimensions)
    assert "tailnum" not in dimensions  # thousands of values
    assert "year" not in dimensions  # a single value
    assert "time_hour@year" not in dimensions and "time_hour@hour" in dimensions
    assert {"arr_delay", "dep_delay", "distance"} <= set(measures)
    assert "carrier" not in measures


def test_plain_dates_offer_no_hour(small_frame):
    dimensions, _ = group_choices(small_frame)
    # ten days of one January: weekdays vary, hour, month, quarter and year do not
    assert [d for d in dimensions if d.startswith("day@")] == ["day@weekday"]


def test_flights_per_carrier_sum_to_the_total(flights):
    frame = flights.frame
    facts = group_facts(frame, SCOPE, dimensions=("carrier",))
    assert sum(r.value for r in facts.table) == len(frame)
    assert facts.groups == frame["carrier"].nunique()


def test_busiest_origin_is_the_one_the_data_says(flights):
    frame = flights.frame
    facts = group_facts(frame, SCOPE, dimensions=("origin",))
    counts = frame["origin"].value_counts()
    assert facts.leaders[0].keys[0] == counts.idxmax()
    assert facts.leaders[0].value == counts.max()


def test_flights_mean_arrival_delay_by_carrier_matches_groupby(flights):
    frame = flights.frame
    facts = group_facts(frame, SCOPE, dimensions=("carrier",), measure="arr_delay", aggregation="mean")
    expected = frame.groupby("carrier", observed=True)["arr_delay"].mean().astype("float64")
    assert {r.keys[0]: r.value for r in facts.table} == pytest.approx(expected.to_dict())
    assert facts.leaders[0].keys[0] == expected.idxmax()
    assert facts.outsiders[0].keys[0] == expected.idxmin()
    assert facts.gap == pytest.approx(expected.max() - expected.min())
    rest = frame[~frame["carrier"].isin([r.keys[0] for r in facts.top])]["arr_delay"]
    assert facts.other.value == pytest.approx(rest.astype("float64").mean())


def test_flights_by_origin_and_month(flights):
    frame = flights.frame
    facts = group_facts(frame, SCOPE, dimensions=("origin", "month"))
    expected = frame.groupby(["origin", "month"], observed=True).size()
    assert facts.groups == len(expected) == 36
    top = facts.table[0]
    assert top.value == expected.max()
    assert (top.keys[0], int(top.keys[1])) == expected.idxmax()


def test_labels_sort_in_calendar_then_numeric_then_text_order():
    labels = ["март", "10", "январь", "b", "2", "декабрь", "a"]
    assert sorted(labels, key=label_order) == ["январь", "март", "декабрь", "2", "10", "a", "b"]


def test_small_groups_stay_out_of_the_ranking_and_count_in_other(small_frame):
    # mean sales by city: Омск 90 (1 filled value in 2 rows), (пусто) 60 (1), Москва 54 (5), Казань 45 (2)
    facts = group_facts(small_frame, SCOPE, dimensions=("city",), measure="sales", aggregation="mean", min_rows=2)
    assert facts.small_groups == 2 and facts.groups == 2
    assert [r.keys[0] for r in facts.table] == ["Москва", "Казань", "Омск", "(пусто)"]
    assert [(r.rows, r.values) for r in facts.table] == [(5, 5), (2, 2), (2, 1), (1, 1)]
    assert facts.leaders[0].keys == ("Москва",) and facts.outsiders[0].keys == ("Казань",)
    assert facts.payload()["не в рейтинге"] == {"групп": 2, "меньше значений показателя, чем": 2}


def test_row_count_groups_are_sized_by_rows(small_frame):
    # rows by city: Москва 5, Казань 2, Омск 2 (one without sales), (пусто) 1
    facts = group_facts(small_frame, SCOPE, dimensions=("city",), min_rows=2)
    assert facts.small_groups == 1 and facts.groups == 3
    assert [(r.keys[0], r.rows, r.values) for r in facts.table] == [
        ("Москва", 5, None), ("Казань", 2, None), ("Омск", 2, None), ("(пусто)", 1, None)]
    assert facts.payload()["не в рейтинге"] == {"групп": 1, "меньше строк, чем": 2}


def test_a_group_of_many_rows_but_one_value_does_not_lead():
    frame = pd.DataFrame({"g": ["A"] * 50 + ["B"] * 50, "v": [1000.0] + [float("nan")] * 49 + [10.0] * 50})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="mean", min_rows=20)
    # A has 50 rows but one value (1000); B has 50 values of 10
    assert [r.keys for r in facts.leaders] == [("B",)]
    assert (facts.groups, facts.small_groups) == (1, 1)
    assert (facts.other.keys, facts.other.value, facts.other.rows, facts.other.values) == (("прочее",), 1000, 50, 1)
    payload = facts.payload()
    assert payload["прочее"]["строк"] == 50 and payload["прочее"]["значений показателя"] == 1
    assert payload["наибольшие"] == [{"группа": "B", "значение": 10, "строк": 50}]


def test_small_groups_fall_into_other_with_their_rows():
    frame = pd.DataFrame({"g": list("aaabbbcd"), "v": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 100.0, 200.0]})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="mean", top_n=1, min_rows=2)
    assert [r.keys[0] for r in facts.top] == ["b"]
    # «прочее» = a's rows and the small groups c and d: mean of 1, 2, 3, 100, 200
    assert facts.other.value == pytest.approx(306 / 5)
    assert (facts.other.rows, facts.other_groups, facts.small_groups) == (5, 3, 2)


def test_only_small_groups_is_empty_but_says_how_many(small_frame):
    facts = group_facts(small_frame, SCOPE, dimensions=("city",), min_rows=50)
    assert facts.is_empty and facts.small_groups == 4


def test_infinite_measure_values_are_left_out_of_group_statistics():
    frame = pd.DataFrame({"g": ["A", "A", "A", "B", "B"], "v": [1.0, float("inf"), 3.0, float("-inf"), 6.0]})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="mean", min_rows=1)
    # by hand: A has finite 1, 3 → 2; B has finite 6 → 6; overall finite 1, 3, 6 → 10/3
    assert {row.keys[0]: row.value for row in facts.table} == {"A": 2, "B": 6}
    assert facts.total == pytest.approx(10 / 3)
    sums = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="sum")
    assert {row.keys[0]: row.value for row in sums.table} == {"A": 4, "B": 6}


def test_column_names_with_at_signs_are_plain_columns_or_split_at_a_date_part():
    frame = pd.DataFrame({"e@mail": ["a", "b", "a"], "x@month": ["p", "q", "p"],
                          "d@t": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-03"]), "v": [1.0, 2.0, 3.0]})
    dimensions, _ = group_choices(frame)
    assert {"e@mail", "x@month", "d@t@month"} <= set(dimensions)
    # by hand: a → 1 + 3, b → 2; «x@month» is a text column, not a month of «x»; p → 1 + 3, q → 2
    for name in ("e@mail", "x@month"):
        facts = group_facts(frame, SCOPE, dimensions=(name,), measure="v", aggregation="sum")
        assert facts.dimensions == (name,)
        assert [(row.keys[0], row.value) for row in facts.table] in ([("a", 4), ("b", 2)], [("p", 4), ("q", 2)])
    by_month = group_facts(frame, SCOPE, dimensions=("d@t@month",), measure="v", aggregation="sum")
    assert [(row.keys[0], row.value) for row in by_month.table] == [("февраль", 5), ("январь", 1)]
    assert dimension_label("d@t@month") == "d@t (месяц)"
    assert dimension_label("e@mail") == "e@mail"
    assert dimension_label("x@month", frame.columns) == "x@month"
    assert group_facts(frame, SCOPE, dimensions=("e@mail@month",), measure="v").dimensions == ()


def test_means_and_medians_rank_only_groups_of_30_values_by_default():
    frame = pd.DataFrame({"g": ["small"] * 29 + ["big"] * 40, "v": [100.0] * 29 + [1.0, 2.0] * 20})
    mean = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="mean")
    assert MIN_VALUES_FOR_AVERAGES == 30 and mean.min_rows == 30
    assert [r.keys for r in mean.leaders] == [("big",)] and mean.small_groups == 1
    assert group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="median").min_rows == 30
    assert group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="sum").min_rows == 1
    assert group_facts(frame, SCOPE, dimensions=("g",)).min_rows == 1


def test_flights_mean_gap_by_carrier_is_welch_with_bonferroni(flights):
    frame = flights.frame
    facts = group_facts(frame, SCOPE, dimensions=("carrier",), measure="arr_delay", aggregation="mean")
    leader, outsider = facts.leaders[0].keys[0], facts.outsiders[0].keys[0]
    a = frame.loc[frame["carrier"] == leader, "arr_delay"].dropna()
    b = frame.loc[frame["carrier"] == outsider, "arr_delay"].dropna()
    expected = sps.ttest_ind(a, b, equal_var=False).pvalue
    groups = facts.groups
    assert facts.comparisons == groups * (groups - 1) // 2
    assert facts.gap_p == pytest.approx(min(1.0, expected * facts.comparisons))
    assert facts.gap_test == "t-критерий Уэлча" and facts.gap_significant is True
    payload = facts.payload()
    assert (payload["лидер"], payload["аутсайдер"], payload["разрыв значим"]) == (leader, outsider, True)
    text = template_narrative(facts)
    assert "статистически значима" in text and verify_numbers(text, payload).ok, text


def test_a_gap_between_two_samples_of_one_distribution_is_not_significant():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"g": ["A"] * 40 + ["B"] * 40, "v": rng.normal(10, 2, 80)})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="mean")
    a, b = frame.loc[frame["g"] == "A", "v"], frame.loc[frame["g"] == "B", "v"]
    assert facts.gap_p == pytest.approx(sps.ttest_ind(a, b, equal_var=False).pvalue)  # one pair: no correction
    assert facts.gap_significant is False
    payload = facts.payload()
    assert payload["разрыв значим"] is False
    text = template_narrative(facts)
    assert "статистически не значима" in text and verify_numbers(text, payload).ok, text


def test_row_shares_are_compared_as_two_shares_of_the_same_rows():
    # 60 and 40 of 200 rows (with 100 more rows in a third group): z = (0.3 − 0.2) / √((0.5 − 0.01) / 200)
    frame = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 40 + ["c"] * 100})
    facts = group_facts(frame, SCOPE, dimensions=("g",), aggregation="share")
    assert (facts.leaders[0].keys, facts.outsiders[0].keys) == (("c",), ("b",))
    # c against b: pc = 0.5, pb = 0.2 → z = 0.3 / √((0.7 − 0.09) / 200); three groups, three pairs
    z = 0.3 / math.sqrt((0.7 - 0.09) / 200)
    assert facts.gap_p == pytest.approx(min(1.0, 3 * 2 * sps.norm.sf(z)))
    assert facts.gap_test == "z-критерий для двух долей"


def test_a_mean_of_a_yes_no_measure_uses_two_proportions():
    paid = [True] * 30 + [False] * 70 + [True] * 20 + [False] * 80  # 30 of 100 in A, 20 of 100 in B
    frame = pd.DataFrame({"g": ["A"] * 100 + ["B"] * 100, "paid": paid})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="paid", aggregation="mean")
    pooled = 0.25
    z = 0.1 / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert facts.gap_test == "z-критерий для двух долей"
    assert facts.gap_p == pytest.approx(2 * sps.norm.sf(z))
    assert facts.gap_significant is False  # p = 0.10


def test_medians_use_mann_whitney_and_sums_get_no_test():
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"g": ["A"] * 35 + ["B"] * 35, "v": np.r_[rng.normal(5, 1, 35), rng.normal(6, 1, 35)]})
    median = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="median")
    a, b = frame.loc[frame["g"] == "B", "v"], frame.loc[frame["g"] == "A", "v"]
    assert median.leaders[0].keys == ("B",)
    assert median.gap_p == pytest.approx(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    total = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="sum")
    assert total.gap_test is None and total.payload()["разрыв значим"] is None
    assert "значим" not in template_narrative(total).replace("значимость", "")


@pytest.mark.parametrize(("dimensions", "measure", "aggregation"), [
    (("carrier",), "arr_delay", "mean"), (("origin", "month"), None, "count"), (("dest", "carrier"), "distance", "sum"),
    (("dest",), None, "share"), (("time_hour@weekday", "origin"), "dep_delay", "median")])
def test_flights_group_prompts_stay_under_1000_tokens(flights, dimensions, measure, aggregation):
    facts = group_facts(flights.frame, SCOPE, dimensions=dimensions, measure=measure, aggregation=aggregation)
    prompt = build_prompt(facts, TASKS["groups"])
    assert prompt.tokens <= 1000 and prompt.trimmed_items == 0


def test_the_page_caption_says_whether_the_gap_is_significant():
    from lib.ui.analysis import gap_caption

    rng = np.random.default_rng(3)
    same = pd.DataFrame({"g": ["A"] * 40 + ["B"] * 40, "v": rng.normal(10, 2, 80)})
    text = gap_caption(group_facts(same, SCOPE, dimensions=("g",), measure="v", aggregation="mean"))
    assert text.startswith("Разрыв «A» и «B» статистически не значим") and "t-критерий Уэлча" in text
    apart = same.assign(v=np.r_[np.full(40, 20.0) + rng.normal(0, 1, 40), np.full(40, 10.0) + rng.normal(0, 1, 40)])
    assert "статистически значим (" in gap_caption(group_facts(apart, SCOPE, dimensions=("g",), measure="v",
                                                               aggregation="mean"))
    sums = gap_caption(group_facts(same, SCOPE, dimensions=("g",), measure="v", aggregation="sum"))
    assert "на значимость не проверяется" in sums


def test_no_ratio_against_an_outsider_shown_as_zero():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [50.0, 50.0, 1e-9, 1e-9]})
    payload = group_facts(frame, Scope.of("t", "t"), dimensions=("g",), measure="x", aggregation="share",
                          min_rows=1).payload()
    assert payload["наименьшие"][0]["доля, %"] == 0.0
    assert "во сколько раз" not in payload
    plain = group_facts(frame.assign(x=[4.0, 4.0, 2.0, 2.0]), Scope.of("t", "t"), dimensions=("g",), measure="x",
                        aggregation="sum", min_rows=1).payload()
    assert plain["во сколько раз"] == 2

"""«Сравнение»: exact sides, changes, contributions and rate/mix effects against independent pandas expressions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lib.charts.compare import compare_chart, waterfall_steps
from lib.facts.base import Scope
from lib.facts.compare import compare_choices, compare_facts, two_proportion_p
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers

SCOPE = Scope.of("test", "Продажи")
FLIGHTS = Scope.of("embedded:flights", "flights")


def by_label(facts) -> dict:
    return {g.label: g for g in facts.groups}


@pytest.fixture(scope="module")
def local_flights(flights) -> pd.DataFrame:
    frame = flights.frame
    wall = frame["time_hour"].dt.tz_localize(None)
    return frame.assign(_month=wall.dt.month)


def test_july_against_june_count_by_carrier_contributions_sum_to_the_change(flights, local_flights):
    facts = compare_facts(flights.frame, FLIGHTS, mode="ranges", date_column="time_hour",
                          ranges=("2013-06-01", "2013-06-30", "2013-07-01", "2013-07-31"), dimension="carrier")
    june = local_flights[local_flights["_month"] == 6]
    july = local_flights[local_flights["_month"] == 7]
    assert facts.a.value == len(june) and facts.b.value == len(july)
    assert facts.change == len(july) - len(june)
    expected = july["carrier"].value_counts().sub(june["carrier"].value_counts(), fill_value=0)
    groups = by_label(facts)
    assert {k: g.contribution for k, g in groups.items()} == {str(k): float(v) for k, v in expected.items()}
    assert math.isclose(sum(g.contribution for g in facts.groups), facts.change, abs_tol=1e-9)
    assert facts.test is None and facts.p_value is None  # no test for counts


def test_july_against_june_mean_arr_delay_rate_and_mix_sum_to_the_change(flights, local_flights):
    facts = compare_facts(flights.frame, FLIGHTS, mode="ranges", date_column="time_hour",
                          ranges=("2013-06-01", "2013-06-30", "2013-07-01", "2013-07-31"),
                          measure="arr_delay", aggregation="mean", dimension="carrier")
    june = local_flights.loc[local_flights["_month"] == 6, ["carrier", "arr_delay"]].dropna()
    july = local_flights.loc[local_flights["_month"] == 7, ["carrier", "arr_delay"]].dropna()
    assert math.isclose(facts.a.value, june["arr_delay"].mean(), rel_tol=1e-12)
    assert math.isclose(facts.b.value, july["arr_delay"].mean(), rel_tol=1e-12)
    change = july["arr_delay"].mean() - june["arr_delay"].mean()
    assert math.isclose(facts.change, change, rel_tol=1e-12)
    assert math.isclose(sum(g.contribution for g in facts.groups), change, abs_tol=1e-9)
    assert math.isclose(facts.rate + facts.mix, change, abs_tol=1e-9)
    w_a = june["carrier"].value_counts(normalize=True)
    m_a, m_b = june.groupby("carrier")["arr_delay"].mean(), july.groupby("carrier")["arr_delay"].mean()
    ua = by_label(facts)["UA"]
    assert math.isclose(ua.rate, w_a["UA"] * (m_b["UA"] - m_a["UA"]), rel_tol=1e-9)
    welch = stats.ttest_ind(june["arr_delay"], july["arr_delay"], equal_var=False).pvalue
    assert facts.test == "t-критерий Уэлча" and math.isclose(facts.p_value, welch, rel_tol=1e-9)


def test_mean_decomposition_worked_by_hand_on_six_rows():
    # A: x 1, 3 (mean 2), y 10 (mean 10) → weights 2/3, 1/3, mean 14/3
    # B: x 5 (mean 5), y 20, 30 (mean 25) → weights 1/3, 2/3, mean 55/3; change 41/3
    frame = pd.DataFrame({"side": ["A", "A", "A", "B", "B", "B"], "group": ["x", "x", "y", "x", "y", "y"],
                          "value": [1.0, 3.0, 10.0, 5.0, 20.0, 30.0]})
    facts = compare_facts(frame, SCOPE, mode="segments", segment_column="side", segments=("A", "B"),
                          measure="value", aggregation="mean", dimension="group")
    x, y = by_label(facts)["x"], by_label(facts)["y"]
    assert math.isclose(facts.change, 41 / 3)
    assert math.isclose(x.rate, 2 / 3 * (5 - 2)) and math.isclose(y.rate, 1 / 3 * (25 - 10))  # 2 and 5
    assert math.isclose(x.mix, (1 / 3 - 2 / 3) * 5) and math.isclose(y.mix, (2 / 3 - 1 / 3) * 25)  # −5/3, 25/3
    assert math.isclose(facts.rate, 7) and math.isclose(facts.mix, 20 / 3)
    assert math.isclose(x.contribution + y.contribution, 41 / 3)


def test_new_and_vanished_groups_carry_their_whole_mean_as_mix():
    # A: x 2, z 8 (mean 5); B: x 4, w 10 (mean 7). z vanished, w is new.
    frame = pd.DataFrame({"side": ["A", "A", "B", "B"], "group": ["x", "z", "x", "w"], "value": [2.0, 8.0, 4.0, 10.0]})
    facts = compare_facts(frame, SCOPE, mode="segments", segment_column="side", segments=("A", "B"),
                          measure="value", aggregation="mean", dimension="group")
    groups = by_label(facts)
    assert (groups["z"].rate, groups["z"].mix) == (0.0, -0.5 * 8)
    assert (groups["w"].rate, groups["w"].mix) == (0.0, 0.5 * 10)
    assert math.isclose(groups["x"].contribution, 0.5 * (4 - 2) + 0.0)
    assert math.isclose(sum(g.contribution for g in facts.groups), 2.0)
    assert [g.label for g in facts.appeared] == ["w"] and [g.label for g in facts.vanished] == ["z"]
    payload = facts.payload()  # one-row groups are single cells: counted, never named
    assert "появились" not in payload and payload["появились, всего групп"] == 1
    assert "исчезли" not in payload and payload["исчезли, всего групп"] == 1
    assert "w" not in str(payload) and "z" not in str(payload)


def test_groups_of_two_rows_are_named_when_they_appear_or_vanish():
    frame = pd.DataFrame({"side": ["A"] * 4 + ["B"] * 4, "group": ["x", "x", "z", "z", "x", "x", "w", "w"]})
    payload = compare_facts(frame, SCOPE, mode="segments", segment_column="side", segments=("A", "B"),
                            dimension="group").payload()
    assert payload["появились"] == ["w"] and payload["исчезли"] == ["z"]
    assert "появились, всего групп" not in payload


def test_share_uses_the_two_proportion_z_test():
    frame = pd.DataFrame({"side": ["A"] * 10 + ["B"] * 10, "value": [1] * 3 + [0] * 7 + [1] * 8 + [-1] * 2})
    facts = compare_facts(frame, SCOPE, mode="segments", segment_column="side", segments=("A", "B"),
                          measure="value", aggregation="share")
    assert (facts.a.value, facts.b.value) == (0.3, 0.8)
    pooled = 11 / 20
    z = (0.8 - 0.3) / math.sqrt(pooled * (1 - pooled) * (1 / 10 + 1 / 10))
    assert math.isclose(facts.p_value, 2 * (1 - stats.norm.cdf(z)), rel_tol=1e-9)
    assert facts.significant is True
    assert facts.payload()["изменение, п.п."] == 50.0
    assert math.isclose(two_proportion_p(3, 10, 8, 10), facts.p_value)


def test_last_month_against_the_one_before_skips_a_partial_last_month():
    days = pd.date_range("2024-01-01", "2024-03-15", freq="D")
    frame = pd.DataFrame({"date": days, "amount": np.arange(len(days), dtype=float)})
    facts = compare_facts(frame, SCOPE, mode="previous", date_column="date", period="month",
                          measure="amount", aggregation="sum")
    assert facts.skipped_partial == "март 2024"
    assert (facts.a.label, facts.b.label) == ("январь 2024", "февраль 2024")
    assert facts.a.value == float(sum(range(31))) and facts.b.value == float(sum(range(31, 60)))
    assert not facts.a.partial and not facts.b.partial


def test_same_month_a_year_earlier():
    days = pd.date_range("2023-01-01", "2024-02-29", freq="D")
    frame = pd.DataFrame({"date": days})
    facts = compare_facts(frame, SCOPE, mode="year_ago", date_column="date", period="month")
    assert (facts.a.label, facts.b.label) == ("февраль 2023", "февраль 2024")
    assert (facts.a.value, facts.b.value, facts.change) == (28, 29, 1)


def test_bad_choices_give_russian_notices_not_errors():
    frame = pd.DataFrame({"city": ["Москва", "Казань", "Москва"], "value": [1.0, 2.0, 3.0]})
    no_dates = compare_facts(frame, SCOPE, mode="previous", date_column=None)
    assert "нет столбца с датами" in no_dates.notice and not no_dates.comparable
    same = compare_facts(frame, SCOPE, mode="segments", segment_column="city", segments=("Москва", "Москва"))
    assert "одинаковы" in same.notice
    empty = compare_facts(frame, SCOPE, mode="segments", segment_column="city", segments=("Москва", "Тверь"))
    assert "одна строка или ни одной" in empty.notice and "Тверь" not in empty.notice
    assert template_narrative(empty) == empty.notice
    for sheet in (no_dates, same, empty):  # a notice told as the narrative passes the verifier too
        assert verify_numbers(template_narrative(sheet), sheet.payload()).ok
    days = pd.DataFrame({"date": pd.to_datetime(["2024-03-01", "2024-03-31"])})
    gap = compare_facts(days, SCOPE, mode="previous", date_column="date", period="month")
    assert gap.notice.startswith("На стороне «февраль 2024» нет строк")


def test_choices_offer_date_spans_and_segment_values():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-05", "2024-03-01"]), "city": ["Москва", "Казань"],
                          "value": [1.0, 2.0]})
    choices = compare_choices(frame)
    assert choices.date_spans == {"date": ("2024-01-05", "2024-03-01")}
    # 56 days: the first half ends on day 28 (02.02), the second starts the day after
    assert choices.default_ranges == {"date": ("2024-01-05", "2024-02-02", "2024-02-03", "2024-03-01")}
    assert "city" not in choices.segments  # each city is one row: offering it would name a cell
    repeated = compare_choices(pd.concat([frame, frame]))
    assert repeated.segments["city"] == ("Казань", "Москва")
    assert choices.measures == ("value",)


def test_waterfall_lands_on_b_and_groups_the_rest(flights):
    facts = compare_facts(flights.frame, FLIGHTS, mode="segments", segment_column="origin", segments=("JFK", "LGA"),
                          dimension="dest")
    steps = waterfall_steps(facts)
    assert len(steps) == 11 and steps[-1][0].startswith("прочие")
    assert math.isclose(facts.a.value + sum(step for _, step in steps), facts.b.value, abs_tol=1e-6)
    figure = compare_chart(facts)
    assert list(figure.data[0].measure) == ["absolute", *["relative"] * 11, "total"]
    assert figure.layout.separators == ", "


@pytest.mark.parametrize("aggregation", ["count", "sum", "mean", "median", "share"])
def test_template_passes_the_verifier_and_payload_is_small(flights, aggregation):
    from lib.narration.prompt import build_prompt, count_tokens, facts_json
    from lib.narration.tasks import task_for

    measure = None if aggregation == "count" else "dep_delay"
    facts = compare_facts(flights.frame, FLIGHTS, mode="previous", date_column="time_hour", period="month",
                          measure=measure, aggregation=aggregation, dimension="carrier")
    text = template_narrative(facts)
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [u.claim.raw for u in verdict.unsupported]
    assert verdict.total >= 5
    assert count_tokens(facts_json(facts.payload())) < 700
    assert build_prompt(facts, task_for("compare")).tokens <= 1000  # system prompt and task included


def test_russian_sales_by_region_last_month_decomposed_exactly():
    """An uploaded-style Russian table: revenue sums by region, March against February, contributions exact."""
    days = pd.date_range("2024-02-01", "2024-03-31", freq="D")
    regions = ["Москва", "Санкт-Петербург", "Нижегородская область"]
    frame = pd.DataFrame({"Дата": days.repeat(3), "Регион": regions * len(days),
                          "Выручка, руб.": [float((i * 37) % 101) for i in range(3 * len(days))]})
    facts = compare_facts(frame, SCOPE, mode="previous", date_column="Дата", period="month",
                          measure="Выручка, руб.", aggregation="sum", dimension="Регион")
    month = frame["Дата"].dt.month
    sums = frame.groupby([month, "Регион"])["Выручка, руб."].sum()
    assert (facts.a.label, facts.b.label) == ("февраль 2024", "март 2024")
    assert facts.change == frame.loc[month == 3, "Выручка, руб."].sum() - frame.loc[month == 2, "Выручка, руб."].sum()
    assert {g.label: g.contribution for g in facts.groups} == {r: sums[3][r] - sums[2][r] for r in regions}
    payload = facts.payload()
    assert payload["А"]["что"] == "февраль 2024" and payload["Б"]["что"] == "март 2024"
    text = template_narrative(facts)
    assert verify_numbers(text, payload).ok


def test_monthly_figures_dated_the_first_cover_their_months_whole():
    """Data recorded per month (each row dated the 1st) is not a partial last month, as on Динамика."""
    frame = pd.DataFrame({"месяц": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                          "выручка": [10.0, 12.0, 15.0]})
    facts = compare_facts(frame, SCOPE, mode="previous", date_column="месяц", period="month",
                          measure="выручка", aggregation="sum")
    assert facts.skipped_partial is None
    assert (facts.a.label, facts.b.label, facts.change) == ("февраль 2024", "март 2024", 3.0)
    assert not facts.a.partial and not facts.b.partial


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter", "year"])
def test_dates_outside_the_nanosecond_range_get_a_notice_not_a_crash(period):
    """Year 0001 (found by test_fuzz_compare at random): the period before it starts in year 0, which no
    Python date holds. Such dates are left out, as on Динамика, and the notice says why."""
    frame = pd.DataFrame({"x": np.array(["0001-01-01", "9999-12-31"], dtype="datetime64[s]"), "v": [1, 2]})
    for mode in ("previous", "year_ago"):
        facts = compare_facts(frame, SCOPE, mode=mode, date_column="x", period=period)
        assert not facts.comparable
        assert "вне 1677–2262 годов" in facts.notice
        assert template_narrative(facts) == facts.notice
    # in-range dates beside them are compared; the out-of-range ones are in no period
    mixed = pd.DataFrame({"x": np.array(["0001-01-01", "2024-01-10", "2024-02-01", "2024-02-29"],
                                        dtype="datetime64[s]")})
    facts = compare_facts(mixed, SCOPE, mode="previous", date_column="x", period="month")
    assert facts.comparable and (facts.a.rows, facts.b.rows) == (1, 2)

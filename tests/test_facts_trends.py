"""Trend facts against hand-checked series and independent pandas computations on flights."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from streamlit.testing.v1 import AppTest

from lib.charts.trends import trend_chart
from lib.facts.base import Scope
from lib.facts.trends import anomalies_of, to_periods, trend_facts
from lib.filters import apply_filters
from lib.fmt import fmt_month
from lib.narration.templates import template_narrative
from lib.stats import trend_test
from lib.verify import verify_numbers

SCOPE = Scope.of("test:small", "Малый набор")


def sen_slope(x, y) -> float:
    """Theil–Sen by brute force: the median of every pairwise slope."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    return float(np.median([(y[j] - y[i]) / (x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x))]))


def kendall_tau_b(x, y) -> float:
    """Kendall's τ-b by brute force over all pairs."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    pairs = [(np.sign(x[j] - x[i]), np.sign(y[j] - y[i])) for i in range(len(x)) for j in range(i + 1, len(x))]
    s = sum(a * b for a, b in pairs)
    return float(s / np.sqrt(sum(a != 0 for a, _ in pairs) * sum(b != 0 for _, b in pairs)))


def test_daily_row_counts_of_ten_days(small_frame):
    facts = trend_facts(small_frame, SCOPE, date_column="day", period="day")
    assert [p.value for p in facts.points] == [1] * 10
    assert facts.points[0].label == "01.01.2024"
    assert facts.gaps == ()
    assert facts.slope == 0 and facts.p_value == 1 and facts.direction == "без выраженного тренда"


def test_linear_growth_of_a_mean_skips_the_day_without_values(small_frame):
    facts = trend_facts(small_frame, SCOPE, date_column="day", measure="sales", aggregation="mean", period="day")
    assert facts.points[3].value is None and facts.points[3].rows == 1  # the row exists, its sales are missing
    assert facts.slope == pytest.approx(10.0)  # sales = 10 · (day index + 1) on every other day
    assert facts.slope_share == pytest.approx(10.0 / (510 / 9))
    assert facts.direction == "рост"
    assert [p.value for p in facts.best] == [100, 90, 80]
    assert [p.value for p in facts.worst] == [10, 20, 30]


def test_rolling_mean_and_period_change(small_frame):
    facts = trend_facts(small_frame, SCOPE, date_column="day", measure="units", aggregation="sum", period="day")
    rolling = [p.rolling for p in facts.points]
    assert rolling[:6] == [None] * 6 and rolling[6] == pytest.approx((1 + 2 + 3 + 4 + 5 + 6 + 7) / 7)
    last = facts.points[-1]
    assert (last.change, last.change_share) == (1, pytest.approx(1 / 9))


def test_gaps_are_periods_without_rows():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"]), "v": [1.0, 2.0, 3.0]})
    facts = trend_facts(frame, SCOPE, date_column="d", period="day")
    assert facts.gaps == ("03.01.2024", "04.01.2024")
    assert [p.value for p in facts.points] == [1, 1, 0, 0, 1]
    mean = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    assert [p.value for p in mean.points] == [1, 2, None, None, 3]
    assert mean.payload()["пропущенных периодов"] == 2


def test_week_and_quarter_labels(small_frame):
    weeks = trend_facts(small_frame, SCOPE, date_column="day", period="week")
    # 2024-01-01 is a Monday: days 1–7 and 8–10
    assert [(p.label, p.value) for p in weeks.points] == [("неделя с 01.01.2024", 7), ("неделя с 08.01.2024", 3)]
    quarters = trend_facts(small_frame, SCOPE, date_column="day", period="quarter")
    assert quarters.points[0].label == "I квартал 2024"


def test_missing_date_column_or_no_rows_is_empty(small_frame):
    assert trend_facts(small_frame, SCOPE, date_column=None).is_empty
    assert trend_facts(small_frame.iloc[0:0], SCOPE, date_column="day").is_empty
    no_dates = small_frame.assign(day=pd.Series([pd.NaT] * 10, dtype="datetime64[ns]"))
    assert trend_facts(no_dates, SCOPE, date_column="day").is_empty


def test_flights_monthly_counts_match_the_month_column(flights):
    frame = flights.frame
    facts = trend_facts(frame, SCOPE, date_column="time_hour", period="month")
    by_month = frame["month"].value_counts().sort_index()
    assert [p.value for p in facts.points] == by_month.tolist()
    assert sum(p.value for p in facts.points) == len(frame)
    assert facts.points[2].rolling == pytest.approx(by_month.iloc[:3].mean())
    assert facts.best[0].label == fmt_month(f"2013-{by_month.idxmax():02d}")
    assert facts.worst[0].label == fmt_month(f"2013-{by_month.idxmin():02d}")
    x, y = np.arange(12.0), by_month.to_numpy(dtype="float64")
    assert facts.slope == pytest.approx(sen_slope(x, y))
    assert facts.tau == pytest.approx(kendall_tau_b(x, y))
    assert facts.p_value == pytest.approx(sps.kendalltau(x, y).pvalue)
    assert facts.p_value >= 0.05 and facts.direction == "без выраженного тренда"
    assert facts.points[-1].change == by_month.iloc[-1] - by_month.iloc[-2]


def test_flights_quarterly_distance_sum(flights):
    frame = flights.frame
    facts = trend_facts(frame, SCOPE, date_column="time_hour", measure="distance", aggregation="sum", period="quarter")
    expected = frame.groupby((frame["month"] - 1) // 3)["distance"].sum()
    assert [p.value for p in facts.points] == expected.tolist()


def test_flights_daily_mean_delay_has_365_days_and_no_gaps(flights):
    frame = flights.frame
    facts = trend_facts(frame, SCOPE, date_column="time_hour", measure="arr_delay", aggregation="mean", period="day")
    days = frame.groupby(["month", "day"])["arr_delay"].mean()
    assert len(facts.points) == len(days) == 365
    assert facts.gaps == ()
    assert facts.best[0].value == pytest.approx(days.max())


MARCH_10_TO_NOVEMBER_3 = {"date": {"column": "time_hour", "from": "2013-03-10", "to": "2013-11-03"}}


def test_flights_months_cut_by_the_date_filter_are_partial_and_left_out_of_the_trend(flights):
    scope = Scope.of(flights.id, flights.name, MARCH_10_TO_NOVEMBER_3)
    frame = apply_filters(flights.frame, scope.filters)
    facts = trend_facts(frame, scope, "time_hour", None, "count", "month")
    counts = frame["month"].value_counts().sort_index()
    assert [p.value for p in facts.points] == counts.tolist()
    first, last = dt.date(2013, 3, 10), dt.date(2013, 11, 3)
    partial = [dt.date(2013, m, 1) < first or dt.date(2013, m, calendar.monthrange(2013, m)[1]) > last
               for m in counts.index]
    assert [p.partial for p in facts.points] == partial == [True] + [False] * 7 + [True]
    full = counts[[not cut for cut in partial]]
    slope = sen_slope(np.arange(1, len(full) + 1), full.to_numpy(dtype="float64"))  # April … October: indices 1–7
    assert facts.slope == pytest.approx(slope)
    assert facts.slope_share == pytest.approx(slope / full.mean())
    assert facts.trend_periods == 7 and facts.direction == "без выраженного тренда"
    # November (3 days) is no longer the «collapse» nor the smallest month
    assert facts.worst[0].label == fmt_month(f"2013-{full.idxmin():02d}")
    assert facts.best[0].label == fmt_month(f"2013-{full.idxmax():02d}")
    assert not any(p.partial for p in facts.best + facts.worst)
    assert facts.points[-1].change is None and facts.points[1].change is None  # November; April vs March
    assert facts.points[2].change == counts.loc[5] - counts.loc[4]
    assert facts.points[-1].rolling is None and facts.points[2].rolling is None  # windows with a partial month
    assert facts.points[3].rolling == pytest.approx(counts.loc[[4, 5, 6]].mean())
    assert facts.points[4].rolling == pytest.approx(counts.loc[[5, 6, 7]].mean())
    payload = facts.payload()
    assert payload["первый период"]["неполный период"] is True
    assert payload["последний период"] == {"период": "ноябрь 2013", "значение": counts.loc[11], "неполный период": True}
    assert payload["неполные периоды"] == ["март 2013", "ноябрь 2013"]
    assert "изменение к предыдущему" not in payload
    assert payload["последний полный период"]["период"] == "октябрь 2013"
    assert payload["последний полный период"]["изменение к предыдущему"] == counts.loc[10] - counts.loc[9]
    assert "ноябрь 2013" not in [item["период"] for item in payload["наименьшие"]]


def test_the_same_flights_without_a_filter_have_no_partial_month(flights):
    facts = trend_facts(flights.frame, SCOPE, "time_hour", None, "count", "month")
    assert facts.partial_periods == ()
    assert "неполные периоды" not in facts.payload()


def test_a_mean_keeps_partial_months_in_the_trend_but_marks_them(flights):
    scope = Scope.of(flights.id, flights.name, MARCH_10_TO_NOVEMBER_3)
    frame = apply_filters(flights.frame, scope.filters)
    facts = trend_facts(frame, scope, "time_hour", "arr_delay", "mean", "month")
    means = frame.groupby("month")["arr_delay"].mean()
    assert facts.partial_periods == ("март 2013", "ноябрь 2013")
    assert facts.slope == pytest.approx(sen_slope(np.arange(len(means)), means.to_numpy()))
    assert facts.trend_periods == len(means) == 9
    assert facts.points[-1].change == pytest.approx(means.loc[11] - means.loc[10])
    assert facts.payload()["неполные в тренде"] == "учтены"


def month_rows(per_day: dict[str, int], until: dict[str, int]) -> pd.DataFrame:
    """`per_day[month]` rows on each day of the month up to day `until[month]`, valued per_day[month]."""
    days, values = [], []
    for month, n in per_day.items():
        for day in pd.date_range(f"{month}-01", periods=until[month], freq="D"):
            days += [day] * n
            values += [float(n)] * n
    return pd.DataFrame({"d": days, "v": values})


def test_a_frame_ending_mid_month_leaves_the_last_month_out_of_count_and_sum():
    # 3 rows a day in January (31 days), 4 in February (29 days, 2024), 5 on 1–10 March: the data stop on 10 March
    frame = month_rows({"2024-01": 3, "2024-02": 4, "2024-03": 5}, {"2024-01": 31, "2024-02": 29, "2024-03": 10})
    count = trend_facts(frame, SCOPE, date_column="d", period="month")
    assert [p.value for p in count.points] == [93, 116, 50]
    assert [p.partial for p in count.points] == [False, False, True]
    # two full months are too few to test a trend: no direction, and no fall to 50 either
    assert count.slope is None and count.direction == "нет данных"
    assert [p.label for p in count.worst] == ["январь 2024"] and count.points[-1].change is None
    total = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="sum", period="month")
    assert [p.value for p in total.points] == [93 * 3, 116 * 4, 50 * 5]
    assert total.slope is None and total.trend_periods == 2
    mean = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="mean", period="month")
    assert [p.value for p in mean.points] == [3, 4, 5] and mean.points[-1].partial
    # 3, 4, 5: all 3 pairs rise, exact two-sided p = 2/3! = 1/3 — a line, but not evidence of a trend
    assert mean.slope == pytest.approx(1.0) and mean.p_value == pytest.approx(1 / 3)
    assert mean.direction == "без выраженного тренда" and mean.best[0].label == "март 2024"


def test_a_frame_starting_mid_week_marks_the_first_week():
    frame = pd.DataFrame({"d": pd.date_range("2024-01-03", "2024-01-21", freq="D")})  # Wednesday … Sunday
    facts = trend_facts(frame, SCOPE, date_column="d", period="week")
    assert [(p.label, p.value, p.partial) for p in facts.points] == [
        ("неделя с 01.01.2024", 5, True), ("неделя с 08.01.2024", 7, False), ("неделя с 15.01.2024", 7, False)]


def test_monthly_figures_dated_the_first_cover_their_months():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]), "v": [5.0, 7.0, 9.0]})
    facts = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="sum", period="month")
    assert facts.partial_periods == ()
    assert facts.slope == pytest.approx(2.0)


def test_infinite_measure_values_count_as_missing():
    frame = pd.DataFrame({
        "d": pd.to_datetime(["2024-01-01"] * 2 + ["2024-01-02"] * 2 + ["2024-01-03"] * 2 + ["2024-01-04"] * 2),
        "v": [1.0, 3.0, np.inf, 4.0, 6.0, -np.inf, 8.0, 8.0],
    })
    mean = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    assert [p.value for p in mean.points] == [2, 4, 6, 8]
    assert mean.slope == pytest.approx(2.0) and mean.p_value == pytest.approx(2 / 24)  # exact: 2 of 4! orders
    count = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="count", period="day")
    assert [p.value for p in count.points] == [2, 1, 1, 2]
    total = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="sum", period="day")
    assert [p.value for p in total.points] == [4, 4, 6, 16]
    json.dumps(total.payload(), allow_nan=False)


def test_only_infinite_values_give_no_trend():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
                          "v": [np.inf, -np.inf, np.inf]})
    facts = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    assert [p.value for p in facts.points] == [None, None, None]
    assert facts.slope is None and facts.direction == "нет данных"
    json.dumps(facts.payload(), allow_nan=False)


def test_huge_values_still_give_a_finite_test_or_none():
    frame = pd.DataFrame({"d": pd.date_range("2024-01-01", periods=6, freq="D"),
                          "v": [1e308, -1e308, 1e308, 5.0, -1e308, 1e308]})
    facts = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    assert facts.direction in ("без выраженного тренда", "нет данных")
    json.dumps(facts.payload(), allow_nan=False)


def test_the_trend_template_names_partial_months_and_passes_the_verifier(flights):
    scope = Scope.of(flights.id, flights.name, MARCH_10_TO_NOVEMBER_3)
    frame = apply_filters(flights.frame, scope.filters)
    for measure, aggregation in [(None, "count"), ("distance", "sum"), ("arr_delay", "mean")]:
        facts = trend_facts(frame, scope, "time_hour", measure, aggregation, "month")
        text = template_narrative(facts)
        verdict = verify_numbers(text, facts.payload())
        assert verdict.ok, (text, verdict.summary())
        assert "(март 2013, неполный)" in text and "(ноябрь 2013, неполный)" in text
        assert "Неполные периоды (данные или фильтр по дате охватывают их не целиком): март 2013 и ноябрь 2013" in text
    assert "последний полный период — октябрь 2013" in template_narrative(
        trend_facts(frame, scope, "time_hour", None, "count", "month"))


def test_the_chart_draws_partial_months_hollow(flights):
    scope = Scope.of(flights.id, flights.name, MARCH_10_TO_NOVEMBER_3)
    facts = trend_facts(apply_filters(flights.frame, scope.filters), scope, "time_hour", None, "count", "month")
    figure = trend_chart(facts)
    line = figure.data[0]
    assert list(line.marker.symbol) == ["circle-open"] + ["circle"] * 7 + ["circle-open"]
    marked = next(trace for trace in figure.data if trace.name == "неполный период")
    assert list(marked.x) == ["март 2013", "ноябрь 2013"]
    assert list(marked.y) == [facts.points[0].value, facts.points[-1].value]
    assert "не входит в тренд" in marked.hovertemplate


def test_the_page_caption_names_the_partial_months():
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.session_state["filters"] = MARCH_10_TO_NOVEMBER_3
    at.switch_page("app_pages/04_trends.py").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Неполные периоды: март 2013, ноябрь 2013 — ") and "не входят" in c for c in captions)


def daily(values, start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame({"d": pd.date_range(start, periods=len(values), freq="D"), "v": np.asarray(values, float)})


def test_six_points_worked_by_hand_do_not_make_a_trend():
    # 1, 3, 2, 5, 4, 6: 13 of 15 pairs rise, exact two-sided p = 40/720; Theil–Sen slope 1 on (−1; 2)
    facts = trend_facts(daily([1, 3, 2, 5, 4, 6]), SCOPE, date_column="d", measure="v", aggregation="sum",
                        period="day")
    assert facts.tau == pytest.approx(11 / 15) and facts.p_value == pytest.approx(40 / 720)
    assert (facts.slope, facts.slope_low, facts.slope_high) == (pytest.approx(1), pytest.approx(-1), pytest.approx(2))
    assert facts.direction == "без выраженного тренда"
    payload = facts.payload()
    assert payload["тренд"] == "без выраженного тренда" and payload["p-значение"] == 0.056
    assert payload["наклон, 95 % интервал"] == [-1, 2] and "аномалий" not in payload  # fewer than 8 periods


def test_flights_mean_delays_by_month_are_no_longer_a_fall(flights):
    frame = flights.frame
    for measure in ("arr_delay", "dep_delay"):
        facts = trend_facts(frame, SCOPE, "time_hour", measure, "mean", "month")
        means = frame.groupby("month")[measure].mean().to_numpy()
        x = np.arange(12.0)
        sen = sps.theilslopes(means, x, alpha=0.95)
        assert facts.slope == pytest.approx(sen_slope(x, means)) == pytest.approx(sen.slope)
        assert (facts.slope_low, facts.slope_high) == (pytest.approx(sen.low_slope), pytest.approx(sen.high_slope))
        assert facts.slope_low < 0 < facts.slope_high
        assert facts.p_value == pytest.approx(sps.kendalltau(x, means).pvalue) and facts.p_value > 0.6
        assert facts.direction == "без выраженного тренда"
        assert "снижение" not in template_narrative(facts)


def test_a_known_rise_in_noise_is_found_and_seeded_noise_is_not():
    rng = np.random.default_rng(12)
    x = np.arange(40)
    rising = trend_facts(daily(0.5 * x + rng.normal(0, 2, 40)), SCOPE, date_column="d", measure="v",
                         aggregation="mean", period="day")
    values = np.array([p.value for p in rising.points])
    assert rising.direction == "рост" and rising.p_value < 0.001
    assert rising.slope == pytest.approx(sen_slope(x, values))
    falling = trend_facts(daily(-0.5 * x + rng.normal(0, 2, 40)), SCOPE, date_column="d", measure="v",
                          aggregation="mean", period="day")
    assert falling.direction == "снижение"
    for seed in range(5):
        noise = np.random.default_rng(100 + seed).normal(10, 3, 60)
        facts = trend_facts(daily(noise), SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
        expected = sps.kendalltau(np.arange(60), noise).pvalue
        assert facts.p_value == pytest.approx(expected)
        assert facts.direction == ("без выраженного тренда" if expected >= 0.05 else facts.direction)


def test_two_planted_spikes_are_the_anomalies_and_white_noise_has_none():
    rng = np.random.default_rng(7)
    values = 100 + 2 * np.arange(36) + rng.normal(0, 3, 36)
    values[10] += 40
    values[25] -= 35
    facts = trend_facts(daily(values), SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    assert [a.label for a in facts.anomalies] == ["11.01.2024", "26.01.2024"]
    assert facts.anomalies[0].above and not facts.anomalies[1].above
    payload = facts.payload()
    assert payload["аномалий"] == 2
    assert [a["значение"] > a["по тренду"] for a in payload["аномалии"]] == [True, False]
    assert payload["аномалии"][0]["значение"] == round(values[10], 1)
    figure = trend_chart(facts)
    marked = next(trace for trace in figure.data if trace.name == "аномалия")
    assert list(marked.x) == ["11.01.2024", "26.01.2024"]
    text = template_narrative(facts)
    assert "Аномалий (периодов далеко от линии тренда) — 2: 11.01.2024" in text
    assert verify_numbers(text, payload).ok, text
    quiet = trend_facts(daily(np.random.default_rng(0).normal(0, 1, 60)), SCOPE, date_column="d", measure="v",
                        aggregation="mean", period="day")
    assert quiet.anomalies == () and quiet.payload()["аномалий"] == 0


def test_white_noise_rarely_has_an_anomaly():
    # |robust z| ≥ 3.5 on 60 Gaussian points: about 10 % of series show one by chance (MAD is itself noisy)
    x = np.arange(60.0)
    flagged = sum(bool(anomalies_of(x, y, [str(i) for i in range(60)], trend_test(x, y)))
                  for y in (np.random.default_rng(seed).normal(0, 1, 60) for seed in range(200)))
    assert flagged <= 30


def test_anomalies_need_eight_full_periods():
    values = [1.0, 1.1, 0.9, 1.0, 50.0, 1.0, 1.05]
    assert trend_facts(daily(values), SCOPE, date_column="d", measure="v", aggregation="mean",
                       period="day").anomalies == ()
    eight = trend_facts(daily([*values, 0.95]), SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    assert [a.label for a in eight.anomalies] == ["05.01.2024"]


def test_a_long_span_is_coarsened_to_at_most_2000_periods_and_says_so():
    frame = pd.DataFrame({"d": pd.date_range("2000-01-01", "2020-12-31", freq="D")})  # 7 671 days, 1 096 weeks
    facts = trend_facts(frame, SCOPE, date_column="d", period="day")
    assert (facts.requested_period, facts.period, facts.window) == ("day", "week", 4)
    assert len(facts.points) == pd.period_range("2000-01-01", "2020-12-31", freq="W-SUN").size <= 2000
    payload = facts.payload()
    assert payload["период"] == "неделя" and "день" in payload["период укрупнён"]
    assert "укрупнён" in template_narrative(facts)


def test_dates_outside_the_nanosecond_range_are_not_used():
    frame = pd.DataFrame({"d": np.array(["0001-01-01", "9999-12-31", "2000-01-01", "2000-03-01"],
                                        dtype="datetime64[s]"), "v": [1.0, 2.0, 3.0, 4.0]})
    facts = trend_facts(frame, SCOPE, date_column="d", measure="v", aggregation="sum", period="day")
    assert facts.dated_rows == 2 and len(facts.points) == 61  # 1 January … 1 March 2000
    texts = pd.DataFrame({"d": ["1500-01-01", "2000-01-01", "2000-01-02"]})
    assert trend_facts(texts, SCOPE, date_column="d", period="day").dated_rows == 2
    years = trend_facts(pd.DataFrame({"d": pd.to_datetime(["1678-01-01", "2261-12-31"])}), SCOPE,
                        date_column="d", period="day")
    assert years.period == "year" and len(years.points) == 2261 - 1678 + 1


@pytest.mark.parametrize("filters", [{}, {"date": {"column": "time_hour", "from": "2013-02-01", "to": "2013-11-30"},
                                          "categories": {"origin": ["EWR", "JFK"]}}], ids=["all rows", "filtered"])
def test_flights_trend_prompts_stay_under_1000_tokens(flights, filters):
    from lib.narration.prompt import build_prompt
    from lib.narration.tasks import TASKS

    scope = Scope.of(flights.id, flights.name, filters)
    frame = apply_filters(flights.frame, filters)
    for measure, aggregation, period in [("arr_delay", "mean", "day"), (None, "count", "day"),
                                         ("dep_delay", "median", "week"), ("distance", "sum", "month"),
                                         ("arr_delay", "mean", "quarter")]:
        facts = trend_facts(frame, scope, "time_hour", measure, aggregation, period)
        prompt = build_prompt(facts, TASKS["trends"])
        assert prompt.tokens <= 1000 and prompt.trimmed_items == 0, (measure, period, prompt.tokens)
        payload = facts.payload()
        if payload.get("аномалий", 0) > 2:
            assert payload["аномалий не показано"] == payload["аномалий"] - 2


def test_the_period_table_marks_anomalies():
    from lib.ui.analysis import trend_table

    values = 100 + 2 * np.arange(36) + np.random.default_rng(7).normal(0, 3, 36)
    values[10] += 40
    facts = trend_facts(daily(values), SCOPE, date_column="d", measure="v", aggregation="mean", period="day")
    table = trend_table(facts)
    assert list(table.loc[table["Аномалия"] == "да", "Период"]) == [a.label for a in facts.anomalies] == ["11.01.2024"]


@pytest.mark.parametrize("period, freq", [("day", "D"), ("week", "W-SUN"), ("month", "M"), ("quarter", "Q"),
                                          ("year", "Y")])
@pytest.mark.parametrize("span_ns", [10**15, 9 * 10**18])  # about 12 days (a table of days), the whole ns range
def test_periods_from_ordinals_equal_pandas_to_period(period, freq, span_ns):
    rng = np.random.default_rng(7)
    stamps = rng.integers(-span_ns, span_ns, 5000)
    # the instants either side of midnight, of a Monday and of 1 January, before and after 1970
    edges = pd.to_datetime(["1969-12-28 23:59:59.999999999", "1969-12-29", "1970-01-01", "1970-01-04 23:59:59",
                            "1970-01-05", "2023-12-31 23:59:59.999999999", "2024-01-01", "1900-03-31 12:00"],
                           format="ISO8601")
    dates = pd.Series(np.concatenate([stamps.astype("datetime64[ns]"), edges.to_numpy()]), index=range(5, 5013))
    expected = dates.dt.to_period(freq)
    got = to_periods(dates, period)
    assert got.index.equals(dates.index)
    assert got.dtype == expected.dtype
    assert (got == expected).all()


def test_zoned_dates_factorized_by_the_profile_give_the_same_wall_dates_and_sheet():
    """Once the profile has factorized a zoned date column, Динамика converts only its distinct values to
    wall time: the dates are pandas' own tz_localize(None) row by row (NaT kept, across a DST change), and
    the sheet equals the one computed before the profile ran."""
    from lib.facts.shared import clear_shared_work, shared_work
    from lib.facts.trends import frame_wall_dates

    clear_shared_work()
    rng = np.random.default_rng(5)
    stamps = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h", tz="America/New_York")
    dates = pd.Series(stamps[rng.integers(0, len(stamps), 4_000)])
    dates[rng.random(4_000) < 0.05] = pd.NaT
    frame = pd.DataFrame({"when": dates, "amount": rng.normal(10, 2, 4_000)})
    scope = Scope.of("test:zoned", "zoned")
    before = trend_facts(frame, scope, date_column="when", measure="amount", aggregation="mean")
    shared_work(frame)
    pd.testing.assert_series_equal(frame_wall_dates(frame, "when"), frame["when"].dt.tz_localize(None))
    after = trend_facts(frame, scope, date_column="when", measure="amount", aggregation="mean")
    assert after == before
    clear_shared_work()

"""Trend facts against hand-checked series and independent pandas computations on flights."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.facts.base import Scope
from lib.facts.trends import trend_facts
from lib.fmt import fmt_month

SCOPE = Scope.of("test:small", "Малый набор")


def test_daily_row_counts_of_ten_days(small_frame):
    facts = trend_facts(small_frame, SCOPE, date_column="day", period="day")
    assert [p.value for p in facts.points] == [1] * 10
    assert facts.points[0].label == "01.01.2024"
    assert facts.gaps == ()
    assert facts.slope == pytest.approx(0) and facts.direction == "без выраженного тренда"


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
    x = pd.Series(range(12), dtype="float64", index=by_month.index)
    assert facts.slope == pytest.approx(x.cov(by_month.astype("float64")) / x.var())
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

"""Динамика agrees with its chart when the last period is partial, and its ticks are readable (issue 18.6)."""

from __future__ import annotations

import pandas as pd

from lib.charts.trends import MAX_TICKS, short_label, trend_chart
from lib.facts.base import Scope
from lib.facts.trends import trend_facts
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers


def orders() -> pd.DataFrame:
    """Whole months January–November 2024 with 30 + month rows each, then 9 rows in the first days of December."""
    days = [pd.Timestamp(2024, month, 1 + i % 28) for month in range(1, 12) for i in range(30 + month)]
    days += [pd.Timestamp(2024, 12, 1 + i) for i in range(9)]
    return pd.DataFrame({"Дата": days})


def test_partial_december_is_named_beside_the_peak_of_full_months():
    frame = orders()
    scope = Scope.of("test:orders", "Заказы", {"date": {"column": "Дата", "to": "2024-12-09"}})
    facts = trend_facts(frame, scope, date_column="Дата", measure=None, aggregation="count", period="month")
    text = template_narrative(facts)
    per_month = frame["Дата"].dt.month.value_counts()
    assert per_month[11] == 41 and per_month[12] == 9  # the fullest month, then the partial one
    assert "Наибольшее значение среди полных периодов — ноябрь 2024: 41" in text
    assert "неполный декабрь 2024 — 9." in text
    assert "они не входят ни в тренд, ни в сравнение наибольших и наименьших значений" in text
    assert verify_numbers(text, facts.payload()).ok


def test_month_ticks_are_short_and_the_hover_keeps_full_names():
    scope = Scope.of("test:orders", "Заказы", {})
    facts = trend_facts(orders(), scope, date_column="Дата", measure=None, aggregation="count", period="month")
    axis = trend_chart(facts).layout.xaxis
    assert list(axis.ticktext)[:3] == ["янв 2024", "фев 2024", "мар 2024"]
    assert list(axis.tickvals)[:3] == ["январь 2024", "февраль 2024", "март 2024"]


def test_long_daily_series_writes_at_most_24_ticks():
    scope = Scope.of("test:orders", "Заказы", {})
    facts = trend_facts(orders(), scope, date_column="Дата", measure=None, aggregation="count", period="day")
    assert len(facts.points) > MAX_TICKS
    assert len(trend_chart(facts).layout.xaxis.tickvals) <= MAX_TICKS


def test_short_labels_of_every_period_kind():
    assert [short_label(x) for x in ("май 2013", "сентябрь 2013", "неделя с 07.01.2013", "I квартал 2013")] == [
        "май 2013", "сен 2013", "07.01.2013", "I квартал 2013"]

"""Charts of the «Динамика» page: the series with its rolling mean, the Theil–Sen line when the trend is
significant, anomalies, gaps and partial periods (hollow markers), and period changes."""

from __future__ import annotations

import math
import re

import plotly.graph_objects as go

from lib.charts import russian_layout
from lib.charts.columns import BAR, OUTLIER, plain_axis
from lib.facts.trends import AGGREGATIONS, FLAT, NO_DATA, PERIODS, TrendFacts

ROLLING = "#F58518"
GROWTH = "#54A24B"
ANOMALY = "#B279A2"
ANOMALY_TRACE = "аномалия"
MAX_TICKS = 24  # more period labels than this overlap at 1440 px: every k-th is written
_MONTHS = re.compile(r"\b(январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)[ьяейа]*\b")
_SHORT = {"январ": "янв", "феврал": "фев", "март": "мар", "апрел": "апр", "ма": "май", "июн": "июн", "июл": "июл",
          "август": "авг", "сентябр": "сен", "октябр": "окт", "ноябр": "ноя", "декабр": "дек"}


def short_label(label: str) -> str:
    """A tick that fits: «январь 2013» → «янв 2013», «неделя с 07.01.2013» → «07.01.2013»."""
    label = label.removeprefix("неделя с ")
    return _MONTHS.sub(lambda m: _SHORT[m.group(1)], label)


def period_ticks(fig: go.Figure, labels: list[str]) -> go.Figure:
    """Short period names on the x axis (the hover keeps the full ones), at most MAX_TICKS of them."""
    step = max(1, math.ceil(len(labels) / MAX_TICKS))
    shown = labels[::step]
    fig.update_xaxes(tickmode="array", tickvals=shown, ticktext=[short_label(label) for label in shown])
    return fig


BY_PERIODS = {"day": "по дням", "week": "по неделям", "month": "по месяцам", "quarter": "по кварталам",
              "year": "по годам"}


def value_title(facts: TrendFacts) -> str:
    """«Число строк», «Среднее «dep_delay»», «Сумма «Выручка, руб.»»."""
    if facts.measure is None:
        return "Число строк"
    if facts.aggregation == "count":
        return f"Число значений «{facts.measure}»"
    return f"{AGGREGATIONS[facts.aggregation].capitalize()} «{facts.measure}»"


def trend_chart(facts: TrendFacts) -> go.Figure:
    x = [p.label for p in facts.points]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=[p.value for p in facts.points], mode="lines+markers", name=value_title(facts),
        line={"color": BAR}, customdata=[p.rows for p in facts.points],
        marker={"symbol": ["circle-open" if p.partial else "circle" for p in facts.points]},
        hovertemplate="%{x}: %{y:,.2~f} (строк: %{customdata:,d})<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=x, y=[p.rolling for p in facts.points], mode="lines", name=f"скользящее среднее ({facts.window})",
        line={"color": ROLLING, "dash": "dash"}, hovertemplate="%{x}: %{y:,.2~f}<extra>скользящее</extra>",
    ))
    if facts.direction not in (FLAT, NO_DATA) and facts.slope is not None and facts.intercept is not None:
        fig.add_trace(go.Scatter(
            x=x, y=[facts.intercept + facts.slope * i for i in range(len(x))], mode="lines",
            name=f"тренд: {facts.direction} (линия Тейла–Сена)", line={"color": GROWTH, "width": 1},
            hoverinfo="skip",
        ))
    if facts.anomalies:
        fig.add_trace(go.Scatter(
            x=[a.label for a in facts.anomalies], y=[a.value for a in facts.anomalies], mode="markers",
            name=ANOMALY_TRACE, marker={"color": ANOMALY, "symbol": "diamond", "size": 12},
            customdata=[a.expected for a in facts.anomalies],
            hovertemplate="%{x}: %{y:,.2~f} — аномалия (по тренду %{customdata:,.2~f})<extra></extra>",
        ))
    gaps = [p for p in facts.points if p.rows == 0]
    if gaps:
        fig.add_trace(go.Scatter(
            x=[p.label for p in gaps], y=[0] * len(gaps), mode="markers", name="нет строк",
            marker={"color": OUTLIER, "symbol": "x", "size": 9}, hovertemplate="%{x}: нет строк<extra></extra>",
        ))
    partial = [p for p in facts.points if p.partial and p.value is not None]
    if partial:
        note = "не входит в тренд" if facts.partial_excluded else "данные не за весь период"
        fig.add_trace(go.Scatter(
            x=[p.label for p in partial], y=[p.value for p in partial], mode="markers", name="неполный период",
            marker={"color": "white", "symbol": "circle", "size": 11, "line": {"color": BAR, "width": 2}},
            hovertemplate=f"%{{x}}: %{{y:,.2~f}} — неполный период, {note}<extra></extra>",
        ))
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.2})
    russian_layout(fig, title=f"{value_title(facts)} {BY_PERIODS.get(facts.period, PERIODS[facts.period])}",
                   x_title="Период", y_title=value_title(facts), height=420)
    fig.update_xaxes(type="category")
    period_ticks(fig, x)
    return plain_axis(fig, "y", [p.value for p in facts.points])


def change_chart(facts: TrendFacts) -> go.Figure:
    points = [p for p in facts.points if p.change is not None]
    fig = go.Figure(go.Bar(
        x=[p.label for p in points], y=[p.change for p in points],
        marker_color=[GROWTH if (p.change or 0.0) >= 0 else OUTLIER for p in points],
        hovertemplate="%{x}: %{y:+,.2~f}<extra></extra>",
    ))
    russian_layout(fig, title="Изменение к предыдущему периоду", x_title="Период", y_title="Изменение")
    fig.update_xaxes(type="category")
    period_ticks(fig, [p.label for p in points])
    return plain_axis(fig, "y", [p.change for p in points])

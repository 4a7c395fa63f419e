"""Charts of the «Журнал» page: latency, generation speed and call statuses over time."""

from __future__ import annotations

from collections import defaultdict

import plotly.graph_objects as go

from lib.charts import no_si, russian_layout
from lib.journal_facts import JournalFacts, status_label

STATUS_COLORS = {
    "ok": "#54A24B",
    "connection": "#E45756",
    "not_found": "#F58518",
    "timeout": "#B279A2",
    "server": "#9D755D",
    "busy": "#EECA3B",
    "bad_request": "#FF9DA6",
    "stream_error": "#72B7B2",
    "stream_cut": "#4C78A8",
}
OTHER_COLOR = "#BAB0AC"
TIME_FORMAT = "%d.%m.%Y %H:%M"


def _time_axes(fig: go.Figure, tickformat: str = "%d.%m %H:%M") -> None:
    fig.update_xaxes(type="date", tickformat=tickformat, hoverformat=TIME_FORMAT, nticks=6)


def _per_model_scatter(facts: JournalFacts, value: str, unit: str, title: str, y_title: str) -> go.Figure:
    by_model: dict[str, list] = defaultdict(list)
    for point in facts.points:
        if getattr(point, value) is not None:
            by_model[point.model].append(point)
    fig = go.Figure()
    for model, points in sorted(by_model.items()):
        fig.add_trace(
            go.Scatter(
                x=[p.time for p in points],
                y=[getattr(p, value) for p in points],
                mode="markers+lines" if len(points) > 1 else "markers",
                name=model,
                hovertemplate=f"%{{x}}<br>%{{y:,.1f}} {unit}<extra>{model}</extra>",
            )
        )
    fig.update_layout(showlegend=True, legend={"title": {"text": "Модель"}})
    russian_layout(fig, title=title, x_title="Время (UTC)", y_title=y_title)
    _time_axes(fig)
    fig.update_yaxes(rangemode="tozero", tickformat=",.1~f")
    return fig


def latency_chart(facts: JournalFacts) -> go.Figure:
    """Seconds per successful model call (server's total_duration), one series per model."""
    return _per_model_scatter(facts, "latency_seconds", "с", "Время ответа модели", "Время ответа, с")


def speed_chart(facts: JournalFacts) -> go.Figure:
    """Generation speed per successful model call, one series per model."""
    return _per_model_scatter(facts, "tokens_per_second", "ток./с", "Скорость генерации", "Токенов в секунду")


def status_chart(facts: JournalFacts) -> go.Figure:
    """Calls per hour (or day) stacked by status: errors stand out against the successful calls."""
    periods = sorted({c.period for c in facts.status_counts})
    statuses = sorted({c.status for c in facts.status_counts}, key=lambda s: (s != "ok", s))
    counts = {(c.period, c.status): c.count for c in facts.status_counts}
    fig = go.Figure()
    for status in statuses:
        label = status_label(status)
        fig.add_trace(
            go.Bar(
                x=periods,
                y=[counts.get((period, status), 0) for period in periods],
                name=label,
                marker_color=STATUS_COLORS.get(status, OTHER_COLOR),
                hovertemplate=f"%{{x}}<br>{label}: %{{y:,d}}<extra></extra>",
            )
        )
    hourly = facts.bucket == "hour"
    fig.update_layout(barmode="stack", showlegend=True, legend={"title": {"text": "Статус"}})
    russian_layout(
        fig,
        title="Вызовы и ошибки по часам" if hourly else "Вызовы и ошибки по дням",
        x_title="Час (UTC)" if hourly else "День (UTC)",
        y_title="Число вызовов",
    )
    _time_axes(fig, "%d.%m %H:%M" if hourly else "%d.%m.%Y")
    if not hourly:
        fig.update_xaxes(hoverformat="%d.%m.%Y")
    if facts.busiest_period_calls <= 10:
        fig.update_yaxes(dtick=1)  # otherwise plotly puts ticks at 0,5 calls and «,d» rounds them to duplicates
    return no_si(fig)

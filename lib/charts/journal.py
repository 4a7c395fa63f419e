"""Charts of the «Журнал» page: latency, generation speed and call statuses over time."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import plotly.graph_objects as go

from lib.charts import no_si, russian_layout
from lib.journal_facts import CallPoint, JournalFacts, status_label, zone_label

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
    "rejected": "#F2CF5B",
    "no_numbers": "#D4A6C8",
}
OTHER_COLOR = "#BAB0AC"
TIME_FORMAT = "%d.%m.%Y %H:%M"
BUCKET = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1)}
MIN_PAD = pd.Timedelta(minutes=5)  # a single call (or a burst of a few minutes) still gets a readable axis


def _time_axes(fig: go.Figure, tickformat: str = "%d.%m %H:%M") -> None:
    fig.update_xaxes(type="date", tickformat=tickformat, hoverformat=TIME_FORMAT, nticks=6)


def _padded_range(points: list[CallPoint]) -> list[str]:
    """The calls' time span with a margin on both sides: plotly's own range around one point is a few
    milliseconds wide, and its ticks then repeat the same minute."""
    times = [pd.Timestamp(p.time) for p in points]
    pad = max((max(times) - min(times)) * 0.05, MIN_PAD)
    return [(min(times) - pad).isoformat(), (max(times) + pad).isoformat()]


def _per_model_scatter(facts: JournalFacts, value: str, unit: str, title: str, y_title: str) -> go.Figure:
    by_model: dict[str, list[CallPoint]] = defaultdict(list)
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
    russian_layout(fig, title=title, x_title=f"Время ({zone_label(facts.zone)})", y_title=y_title)
    _time_axes(fig)
    shown = [p for points in by_model.values() for p in points]
    if shown:
        fig.update_xaxes(range=_padded_range(shown))
    fig.update_yaxes(rangemode="tozero", tickformat=",.1~f")
    return fig


def latency_chart(facts: JournalFacts) -> go.Figure:
    """Seconds per successful model call (server's total_duration), one series per model."""
    return _per_model_scatter(facts, "latency_seconds", "с", "Время ответа модели", "Время ответа, с")


def speed_chart(facts: JournalFacts) -> go.Figure:
    """Generation speed per successful model call, one series per model."""
    return _per_model_scatter(facts, "tokens_per_second", "ток./с", "Скорость генерации", "Токенов в секунду")


def status_chart(facts: JournalFacts) -> go.Figure:
    """Calls per local hour (or day) stacked by status: errors stand out against the successful calls.

    Each bar covers its whole hour (day), and ticks fall on whole hours (days) from the first period on."""
    step = BUCKET[facts.bucket]
    starts = sorted({c.period for c in facts.status_counts})
    centres = [(pd.Timestamp(p) + step / 2).isoformat() for p in starts]
    statuses = sorted({c.status for c in facts.status_counts}, key=lambda s: (s != "ok", s))
    counts = {(c.period, c.status): c.count for c in facts.status_counts}
    hourly = facts.bucket == "hour"
    label_format = "%d.%m %H:00" if hourly else "%d.%m.%Y"
    fig = go.Figure()
    for status in statuses:
        label = status_label(status)
        fig.add_trace(
            go.Bar(
                x=centres,
                y=[counts.get((period, status), 0) for period in starts],
                width=step.total_seconds() * 1000 * 0.9,
                customdata=[pd.Timestamp(p).strftime(label_format) for p in starts],
                name=label,
                marker_color=STATUS_COLORS.get(status, OTHER_COLOR),
                hovertemplate=f"%{{customdata}}<br>{label}: %{{y:,d}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", showlegend=True, legend={"title": {"text": "Статус"}})
    zone = zone_label(facts.zone)
    russian_layout(
        fig,
        title="Вызовы и ошибки по часам" if hourly else "Вызовы и ошибки по дням",
        x_title=f"Час ({zone})" if hourly else f"День ({zone})",
        y_title="Число вызовов",
    )
    if starts:
        first, last = pd.Timestamp(starts[0]), pd.Timestamp(starts[-1]) + step
        periods = round((last - first) / step)
        fig.update_xaxes(
            type="date",
            range=[first.isoformat(), last.isoformat()],
            tick0=first.isoformat(),
            dtick=step.total_seconds() * 1000 * max(1, -(-periods // 8)),  # at most ~8 ticks, whole periods
            tickformat="%d.%m %H:%M" if hourly else "%d.%m.%Y",
        )
    if facts.busiest_period_calls <= 10:
        fig.update_yaxes(dtick=1)  # otherwise plotly puts ticks at 0,5 calls and «,d» rounds them to duplicates
    return no_si(fig)

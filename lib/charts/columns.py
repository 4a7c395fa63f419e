"""Charts of the «Столбцы» page: histogram, box plot, top values with «прочее», datetime timeline."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import russian_layout
from lib.facts.columns import ColumnFacts
from lib.fmt import fmt_month

BAR = "#4C78A8"
OTHER = "#BAB0AC"
OUTLIER = "#E45756"
PERIOD_WORDS = {"day": "день", "month": "месяц", "year": "год"}


def number_format(values: list[float | None] | tuple[float | None, ...] = ()) -> str:
    """d3 format with the decimals a number needs and no SI suffix (`1.2k`); thousands are grouped only
    from five digits on, as in `lib.fmt` (`2013`, but `27 004`)."""
    largest = max((abs(v) for v in values if v is not None), default=10_000)
    return ",~f" if largest >= 10_000 else "~f"


def plain_axis(fig: go.Figure, axis: str = "y", values: list | tuple = ()) -> go.Figure:
    """Plain numbers on an axis (plotly would print `120k`)."""
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tickformat=number_format(values))
    return fig


def histogram_chart(facts: ColumnFacts) -> go.Figure:
    bins = facts.histogram
    fig = go.Figure(
        go.Bar(
            x=[(b.left + b.right) / 2 for b in bins],
            y=[b.count for b in bins],
            width=[(b.right - b.left) or 1 for b in bins],
            marker_color=BAR,
            customdata=[[b.left, b.right] for b in bins],
            hovertemplate="от %{customdata[0]:,.2~f} до %{customdata[1]:,.2~f}: %{y:,d} строк<extra></extra>",
        )
    )
    fig.update_layout(bargap=0.02)
    russian_layout(fig, title=f"Распределение: {facts.column}", x_title=facts.column, y_title="Число строк")
    plain_axis(fig, "x", [b.left for b in bins] + [b.right for b in bins])
    return plain_axis(fig, "y", [b.count for b in bins])


def box_chart(facts: ColumnFacts) -> go.Figure | None:
    """Box from the exact quartiles; whiskers end at the last values inside the IQR fences.
    None when the quartiles coincide (a constant column has no box to draw)."""
    n, o = facts.numeric, facts.outliers
    if n is None or o is None or o.upper_fence <= o.lower_fence:
        return None
    fig = go.Figure(
        go.Box(
            name=facts.column,
            q1=[n.q25], median=[n.median], q3=[n.q75], mean=[n.mean],
            lowerfence=[o.whisker_low], upperfence=[o.whisker_high],
            marker_color=BAR, orientation="v", hoverinfo="y",
        )
    )
    for fence, label in ((o.lower_fence, "нижняя граница выбросов"), (o.upper_fence, "верхняя граница выбросов")):
        fig.add_hline(y=fence, line_dash="dot", line_color=OUTLIER, annotation_text=label,
                      annotation_position="top left")
    russian_layout(fig, title="Ящик с усами (правило IQR)", y_title=facts.column)
    return plain_axis(fig, "y", [o.lower_fence, o.upper_fence, n.min, n.max])


def top_values_chart(facts: ColumnFacts) -> go.Figure:
    names = [t.value for t in facts.top]
    counts = [t.count for t in facts.top]
    shares = [t.share * 100 for t in facts.top]
    colors = [BAR] * len(names)
    if facts.other_count:
        names.append("прочее")
        counts.append(facts.other_count)
        shares.append(facts.other_share * 100)
        colors.append(OTHER)
    fig = go.Figure(
        go.Bar(
            x=counts[::-1], y=names[::-1], orientation="h", marker_color=colors[::-1],
            customdata=shares[::-1],
            hovertemplate="%{y}: %{x:,d} строк (%{customdata:.1f} %)<extra></extra>",
        )
    )
    russian_layout(fig, title=f"Частые значения: {facts.column}", x_title="Число строк",
                   height=max(260, 26 * len(names) + 90))
    fig.update_yaxes(type="category")
    return plain_axis(fig, "x", counts)


def timeline_chart(facts: ColumnFacts) -> go.Figure:
    labels = [fmt_month(p.start) if facts.period == "month" else p.start[: 4 if facts.period == "year" else 10]
              for p in facts.timeline]
    fig = go.Figure(
        go.Bar(
            x=labels, y=[p.count for p in facts.timeline], marker_color=BAR,
            hovertemplate="%{x}: %{y:,d} строк<extra></extra>",
        )
    )
    russian_layout(fig, title=f"Строк по периодам ({PERIOD_WORDS.get(facts.period or '', '')}): {facts.column}",
                   x_title="Период", y_title="Число строк")
    fig.update_xaxes(type="category")
    return plain_axis(fig, "y", [p.count for p in facts.timeline])

"""Charts of the «Связи» page: correlation heatmap and the chosen pair's scatter (a drawing sample)."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import russian_layout
from lib.charts.columns import BAR, OUTLIER, plain_axis
from lib.facts.relations import RelationFacts
from lib.fmt import fmt_int

METHODS = {"pearson": "Пирсон", "spearman": "Спирмен"}


def correlation_heatmap(facts: RelationFacts, method: str = "pearson") -> go.Figure:
    matrix = facts.pearson if method == "pearson" else facts.spearman
    names = list(facts.columns)
    fig = go.Figure(go.Heatmap(
        z=[list(row) for row in matrix], x=names, y=names, zmin=-1, zmax=1, zmid=0, colorscale="RdBu_r",
        text=[[_coefficient(v) for v in row] for row in matrix],
        texttemplate="%{text}", textfont={"size": 10},
        hovertemplate="%{y} — %{x}: %{z:.2f}<extra></extra>",
        colorbar={"title": {"text": "r"}},
    ))
    russian_layout(fig, title=f"Корреляции ({METHODS[method]})", height=max(380, 34 * len(names) + 120))
    fig.update_yaxes(autorange="reversed")
    return fig


def scatter_chart(facts: RelationFacts) -> go.Figure:
    chosen = facts.chosen
    if chosen is None:
        raise ValueError("scatter_chart needs a chosen pair")
    pair = chosen.pair
    fig = go.Figure(go.Scattergl(
        x=list(chosen.sample_x), y=list(chosen.sample_y), mode="markers", name="строки",
        marker={"color": BAR, "opacity": 0.35, "size": 5},
        hovertemplate=f"{pair.x}: %{{x:,.2~f}}<br>{pair.y}: %{{y:,.2~f}}<extra></extra>",
    ))
    if chosen.slope is not None and chosen.intercept is not None and chosen.sample_x:
        ends = [min(chosen.sample_x), max(chosen.sample_x)]
        fig.add_trace(go.Scatter(
            x=ends, y=[chosen.slope * v + chosen.intercept for v in ends], mode="lines",
            name="линия регрессии (все строки)", line={"color": OUTLIER}, hoverinfo="skip",
        ))
    title = f"{pair.y} от {pair.x}"
    if chosen.sampled:
        title += f" — случайная выборка {fmt_int(len(chosen.sample_x))} из {fmt_int(pair.rows)} точек"
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.2})
    russian_layout(fig, title=title, x_title=pair.x, y_title=pair.y, height=440)
    plain_axis(fig, "x", chosen.sample_x)
    return plain_axis(fig, "y", chosen.sample_y)


def _coefficient(value: float | None) -> str:
    """`0,95`, `−0,47`; a value that rounds to zero is `0,00`, never `−0,00`."""
    if value is None:
        return ""
    rounded = round(value, 2)
    return f"{rounded + 0.0:.2f}".replace(".", ",").replace("-", "−")

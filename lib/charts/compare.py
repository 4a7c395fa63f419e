"""Charts of the «Сравнение» page: a waterfall from A to B by contributor, or side-by-side bars for medians."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import russian_layout
from lib.charts.columns import BAR, OTHER, plain_axis
from lib.facts.compare import AGGREGATIONS, CompareFacts, GroupChange
from lib.facts.groups import dimension_label

WATERFALL_GROUPS = 10
OTHERS_LABEL = "прочие"
UP, DOWN = "#2e7d32", "#c62828"


def value_title(facts: CompareFacts) -> str:
    return f"{AGGREGATIONS[facts.aggregation].capitalize()} «{facts.measure_label}»"


def _shown(facts: CompareFacts, value: float | None) -> float | None:
    return None if value is None else value * 100 if facts.aggregation == "share" else value


def waterfall_steps(facts: CompareFacts) -> list[tuple[str, float]]:
    """(label, step) of the contributors the waterfall shows: the 10 largest by size, then «прочие» together.

    The steps of every group sum to the change, so the last bar lands exactly on B."""
    groups = sorted((g for g in facts.groups if g.contribution is not None), key=lambda g: -abs(g.contribution or 0.0))
    shown: list[GroupChange] = groups[:WATERFALL_GROUPS]
    steps = [(g.label, g.contribution or 0.0) for g in shown]
    rest = groups[WATERFALL_GROUPS:]
    if rest:
        steps.append((f"{OTHERS_LABEL} ({len(rest)})", sum(g.contribution or 0.0 for g in rest)))
    return steps


def compare_chart(facts: CompareFacts) -> go.Figure:
    """The waterfall A → contributors → B when the change is decomposed; else two bars, A and B."""
    assert facts.a is not None and facts.b is not None
    a, b = _shown(facts, facts.a.value), _shown(facts, facts.b.value)
    title = f"{value_title(facts)} — {facts.a.label} и {facts.b.label}"
    if not facts.decomposed:
        fig = go.Figure(go.Bar(x=[facts.a.label, facts.b.label], y=[a, b], marker_color=[OTHER, BAR],
                               hovertemplate="%{x}: %{y:,.2~f}<extra></extra>"))
        russian_layout(fig, title=title, y_title=value_title(facts))
        fig.update_xaxes(type="category")
        return plain_axis(fig, "y", [a, b])
    steps = [(label, _shown(facts, step) or 0.0) for label, step in waterfall_steps(facts)]
    labels = [facts.a.label, *(label for label, _ in steps), facts.b.label]
    values = [a, *(step for _, step in steps), b]
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["absolute", *(["relative"] * len(steps)), "total"],
            increasing={"marker": {"color": UP}},
            decreasing={"marker": {"color": DOWN}},
            totals={"marker": {"color": BAR}},
            connector={"line": {"color": "#9e9e9e", "width": 1}},
            hovertemplate="%{x}: %{y:,.2~f}<extra></extra>",
        )
    )
    dimension = dimension_label(facts.dimension or "")
    russian_layout(fig, title=f"{title}, вклад групп «{dimension}»", y_title=value_title(facts), height=420)
    fig.update_xaxes(type="category")
    return plain_axis(fig, "y", [v for v in values if v is not None])

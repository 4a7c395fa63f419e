"""Group charts that a reader can trust: no meaningless «прочее» bar, outsiders on the chart (issue 18.5, 18.9)."""

from __future__ import annotations

import pandas as pd

from lib.charts.groups import group_bar_chart, grouping_title, value_title
from lib.facts.base import Scope
from lib.facts.groups import group_facts
from lib.facts.relations import relation_facts
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers

SCOPE = Scope.of("test:shops", "Магазины", {})
MONEY = "Выручка, руб."


def shops() -> pd.DataFrame:
    """20 shops «м01»…«м20»; shop i has i rows of revenue 10·i, so sums and means both rank by i."""
    rows = [(f"м{i:02d}", "Север" if i % 2 else "Юг", 10.0 * i) for i in range(1, 21) for _ in range(i)]
    return pd.DataFrame(rows, columns=["Магазин", "Регион", "Выручка, руб."])


def bars(figure) -> dict[str, float | None]:
    trace = figure.data[0]
    return dict(zip(trace.y, trace.x, strict=True))


def test_mean_chart_shows_top_and_bottom_groups_and_no_rest_bar():
    facts = group_facts(shops(), SCOPE, dimensions=("Магазин",), measure=MONEY, aggregation="mean", min_rows=1)
    drawn = bars(group_bar_chart(facts))
    assert "прочее" not in drawn
    means = shops().groupby("Магазин")["Выручка, руб."].mean().sort_values(ascending=False)
    for shop in list(means.index[:10]) + list(means.index[-3:]):  # top 10 and the three the narrative names
        assert drawn[shop] == means[shop]
    hidden = len(means) - 13
    assert drawn[f"… ещё {hidden} …"] is None  # the gap in the ranking is marked, not drawn as a value


def test_sum_chart_puts_the_rest_in_a_note_instead_of_a_dwarfing_bar():
    facts = group_facts(shops(), SCOPE, dimensions=("Магазин",), measure=MONEY, aggregation="sum", min_rows=1)
    figure = group_bar_chart(facts)
    assert "прочее" not in bars(figure)
    sums = shops().groupby("Магазин")["Выручка, руб."].sum().sort_values(ascending=False)
    rest = sums.iloc[10:]
    rest_rows = int(shops()["Магазин"].isin(rest.index).sum())  # 1 + 2 + … + 10 = 55
    assert rest_rows == 55
    note = figure.layout.annotations[0].text
    assert rest.sum() == 10 * sum(i * i for i in range(1, 11))  # 3850
    assert note == "Остальные 10\u00a0групп вместе («прочее»): 3850 (55\u00a0строк) — не на графике"


def test_titles_quote_the_columns_in_natural_russian():
    two = group_facts(shops(), SCOPE, dimensions=("Регион", "Магазин"), measure=MONEY, aggregation="sum",
                      min_rows=1)
    assert grouping_title(two) == "Сумма «Выручка, руб.» по столбцам «Регион» и «Магазин»"
    rows = group_facts(shops(), SCOPE, dimensions=("Регион",))
    assert grouping_title(rows) == "Число строк по столбцу «Регион»"
    share = group_facts(shops(), SCOPE, dimensions=("Регион",), aggregation="share")
    assert value_title(share) == "Доля строк от итога, %"


def test_group_text_keeps_numbers_apart_and_names_the_rest_only_for_sums():
    sums = group_facts(shops(), SCOPE, dimensions=("Магазин",), measure=MONEY, aggregation="sum", min_rows=1)
    text = template_narrative(sums)
    assert "Остальные 10\u00a0групп вместе (под графиком — «прочее»): 3850 (55\u00a0строк)." in text
    assert verify_numbers(text, sums.payload()).ok
    means = group_facts(shops(), SCOPE, dimensions=("Магазин",), measure=MONEY, aggregation="mean", min_rows=1)
    assert "прочее" not in template_narrative(means)



def test_equal_groups_are_said_to_be_equal_not_different_by_zero_or_one_time():
    frame = pd.DataFrame({"Регион": ["Север", "Юг", "Запад", "Восток"] * 30})
    facts = group_facts(frame, SCOPE, dimensions=("Регион",), min_rows=1)
    text = template_narrative(facts)
    assert "разницы между группами нет" in text
    assert "в 1 раза" not in text and "— 0," not in text


def test_relations_text_says_all_points_when_nothing_was_sampled():
    frame = pd.DataFrame({"Цена": [float(i) for i in range(40)], "Спрос": [float(i * 7 % 13 + i) for i in range(40)],
                          "Остаток": [float(i * 5 % 11) for i in range(40)]})
    facts = relation_facts(frame, SCOPE)
    text = template_narrative(facts)
    assert "на графике все 40 точек." in text and "случайной выборки" not in text
    assert verify_numbers(text, facts.payload()).ok


def test_small_column_counts_are_ticked_at_whole_numbers():
    import plotly.graph_objects as go

    from lib.charts import no_si

    axis = no_si(go.Figure(go.Bar(x=["a", "b"], y=[1, 1]))).layout.yaxis
    assert axis.dtick == 1 and axis.tickformat == ",d"
    big = no_si(go.Figure(go.Bar(x=["a"], y=[336776]))).layout.yaxis
    assert big.dtick is None

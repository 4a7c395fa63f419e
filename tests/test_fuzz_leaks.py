"""No cell of the table reaches a prompt (issue 14.4): one row carries planted unique values in a category,
text, id (string and numeric), date and numeric column, and every prompt of every page (Сравнение included)
at every option the pages offer is searched for them."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from lib.facts.base import FactSheet, Scope
from lib.facts.columns import column_facts
from lib.facts.compare import AGGREGATIONS as COMPARE_AGGREGATIONS
from lib.facts.compare import PERIODS as COMPARE_PERIODS
from lib.facts.compare import compare_choices, compare_facts
from lib.facts.groups import AGGREGATIONS, ROW_AGGREGATIONS, group_choices, group_facts
from lib.facts.overview import overview_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import AGGREGATIONS as TREND_AGGREGATIONS
from lib.facts.trends import PERIODS, trend_facts
from lib.narration.prompt import build_prompt
from lib.narration.tasks import task_for
from lib.schema import infer_kinds

PLANTED = {
    "город": "Планетоград",  # category column: the only row with this value
    "комментарий": "ПЛАНТ-ТЕКСТ: единственный в таблице отзыв о рейсе, который модель не должна увидеть",
    "order_id": "ПЛАНТ-ID-7Q",
    "user_id": 987_654_321,
    "дата": pd.Timestamp("2024-03-15 13:37:11"),
    "сумма": 150.123456789,
}
# What a prompt would contain if the cell leaked (the JSON form of each planted value).
NEEDLES = ("Планетоград", "ПЛАНТ-ТЕКСТ", "ПЛАНТ-ID-7Q", "987654321", "13:37:11", "150.123456789", "150,123456789")


def planted_frame(rows: int) -> pd.DataFrame:
    planted_row = rows // 2 + 1
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "город": pd.Series(["Москва", "Казань", "Омск", "Пермь"] * (rows // 4 + 1))[:rows].astype("category"),
            "комментарий": [f"Отзыв номер {i}: всё прошло спокойно, рейс без особых происшествий" for i in range(rows)],
            "order_id": [f"A{i:05d}" for i in range(rows)],
            "user_id": np.arange(1000, 1000 + rows),
            "дата": pd.date_range("2024-01-01", periods=rows, freq="6h"),
            "сумма": np.round(rng.uniform(100, 200, rows), 2),
            "задержка": rng.integers(-10, 60, rows),
            "пустой": [None] * rows,
        }
    )
    frame["город"] = frame["город"].cat.add_categories([PLANTED["город"]])
    for column, value in PLANTED.items():
        frame.loc[planted_row, column] = value
    frame["одно значение"] = [None] * rows
    frame.loc[planted_row, "одно значение"] = "ПЛАНТ-ТЕКСТ единственная заполненная ячейка"
    return frame


def every_sheet(frame: pd.DataFrame, scope: Scope) -> Iterator[FactSheet]:
    """Every fact sheet the six pages can show for `frame`, over the choices their pickers offer."""
    yield overview_facts(frame, scope)
    yield quality_facts(frame, scope)
    for column in frame.columns:
        yield column_facts(frame, scope, column=str(column))
    dimensions, measures = group_choices(frame)
    for dimension in dimensions:
        for aggregation in ROW_AGGREGATIONS:
            yield group_facts(frame, scope, dimensions=(dimension,), aggregation=aggregation)
        for measure in measures:
            for aggregation in AGGREGATIONS:
                yield group_facts(frame, scope, dimensions=(dimension,), measure=measure, aggregation=aggregation)
        for second in dimensions:
            if second != dimension:
                yield group_facts(frame, scope, dimensions=(dimension, second))
    dates = [c for c, kind in infer_kinds(frame).items() if kind == "datetime"]
    for date_column in dates:
        for period in PERIODS:
            yield trend_facts(frame, scope, date_column=date_column, period=period)
            for measure in measures:
                for aggregation in TREND_AGGREGATIONS:
                    yield trend_facts(frame, scope, date_column=date_column, measure=measure,
                                      aggregation=aggregation, period=period)
    yield from compare_sheets(frame, scope)
    yield relation_facts(frame, scope)
    for x in measures:
        for y in measures:
            if x != y:
                yield relation_facts(frame, scope, x=x, y=y)


def compare_sheets(frame: pd.DataFrame, scope: Scope) -> Iterator[FactSheet]:
    """«Сравнение» over its modes, the segment values it offers, its measures and dimensions."""
    choices = compare_choices(frame)
    sides: list[dict] = [{"mode": mode, "date_column": column, "period": period}
                         for column in choices.date_columns for mode in ("previous", "year_ago")
                         for period in COMPARE_PERIODS]
    sides += [{"mode": "segments", "segment_column": column, "segments": (values[0], values[-1])}
              for column, values in choices.segments.items()]
    for side in sides:
        yield compare_facts(frame, scope, **side)
        for measure in choices.measures:
            for dimension in choices.dimensions:
                for aggregation in COMPARE_AGGREGATIONS:
                    yield compare_facts(frame, scope, **side, measure=measure, aggregation=aggregation,
                                        dimension=dimension)


@pytest.mark.parametrize("rows", [12, 240])
def test_no_planted_cell_reaches_any_prompt(rows):
    frame = planted_frame(rows)
    scope = Scope.of("test:planted", "посадка")
    prompts = 0
    for facts in every_sheet(frame, scope):
        prompt = build_prompt(facts, task_for(facts.kind))
        text = "\n".join(m["content"] for m in prompt.messages)
        leaked = [needle for needle in NEEDLES if needle in text]
        assert not leaked, (facts.kind, facts.options, leaked)
        prompts += 1
    assert prompts > 50  # the options really were walked


def test_planted_values_are_in_the_frame_the_prompts_were_built_from():
    """The search above is meaningful: the frame holds each needle, as the page's own tables would show it."""
    frame = planted_frame(240)
    shown = [str(value) for value in frame.to_numpy().ravel()]
    text = "\n".join(shown)
    for needle in ("Планетоград", "ПЛАНТ-ТЕКСТ", "ПЛАНТ-ID-7Q", "987654321", "13:37:11", "150.123456789"):
        assert needle in text


def test_text_column_payload_says_its_values_are_withheld():
    frame = planted_frame(240)
    payload = column_facts(frame, Scope.of("t", "t"), column="order_id").payload()
    assert "частые значения" not in payload
    assert payload["значения"] == "не передаются: это текст или идентификаторы отдельных строк"
    assert payload["уникальных"] == 240


def test_category_values_seen_once_stay_out_of_the_payload_and_count_in_the_rest():
    frame = pd.DataFrame({"c": pd.Categorical(["a"] * 5 + ["b"] * 3 + ["x", "y"])})
    payload = column_facts(frame, Scope.of("t", "t"), column="c").payload()
    assert [v["значение"] for v in payload["частые значения"]] == ["a", "b"]
    assert payload["прочие значения"] == {"строк": 2, "доля, %": 20.0}

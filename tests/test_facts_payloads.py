"""Payload shape and size (issue 15.3, 10.11): every kind speaks Russian keys and caps filter lists; the
overview, quality and column prompts stay within 1 000 Qwen tokens with the system prompt, in rows and in
columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pytest

from lib.facts.base import FactSheet, Scope
from lib.facts.columns import column_facts
from lib.facts.compare import compare_facts
from lib.facts.groups import group_facts
from lib.facts.overview import overview_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import trend_facts
from lib.filters import DESCRIBED_VALUES, apply_filters
from lib.narration.prompt import build_prompt
from lib.narration.tasks import task_for

TOKEN_BUDGET = 1000
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN_KEYS = {"Q1", "Q3", "p"}  # statistics' own names
FILTERS = {
    "date": {"column": "time_hour", "from": "2013-02-01", "to": "2013-11-30"},
    "categories": {"carrier": ["9E", "AA", "B6", "DL", "EV", "MQ", "UA", "US", "WN"], "origin": ["EWR", "JFK"]},
}
KINDS: dict[str, Callable[[pd.DataFrame, Scope], FactSheet]] = {
    "overview": overview_facts,
    "quality": quality_facts,
    "columns": partial(column_facts, column="carrier"),
    "groups": partial(group_facts, dimensions=("carrier",), measure="arr_delay", aggregation="mean"),
    "trends": partial(trend_facts, date_column="time_hour", period="month"),
    "relations": relation_facts,
    "compare": partial(compare_facts, mode="previous", date_column="time_hour", measure="arr_delay",
                       aggregation="mean", dimension="carrier"),
}


def keys_outside_filters(node: Any) -> list[str]:
    if isinstance(node, list):
        return [k for item in node for k in keys_outside_filters(item)]
    if not isinstance(node, dict):
        return []
    found = []
    for key, value in node.items():
        found.append(key)
        if key != "фильтры":  # filter keys are the user's column names
            found += keys_outside_filters(value)
    return found


@pytest.fixture(scope="module")
def filtered(flights) -> tuple[pd.DataFrame, Scope]:
    return apply_filters(flights.frame, FILTERS), Scope.of(flights.id, flights.name, FILTERS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_payload_keys_are_russian_and_filter_lists_are_capped(kind, filtered):
    frame, scope = filtered
    payload = KINDS[kind](frame, scope).payload()
    latin = [k for k in keys_outside_filters(payload) if not CYRILLIC.search(k) and k not in LATIN_KEYS]
    assert latin == []
    shown = payload["фильтры"]
    assert shown["период"] == {"столбец": "time_hour", "с": "2013-02-01", "по": "2013-11-30"}
    assert shown["carrier"] == ["9E", "AA", "B6", "DL", "EV", f"и ещё {9 - DESCRIBED_VALUES}"]
    assert all(len(values) <= DESCRIBED_VALUES + 1 for key, values in shown.items() if key != "период")


def prompt_tokens(facts: FactSheet) -> int:
    return build_prompt(facts, task_for(facts.kind)).tokens


@pytest.mark.parametrize("kind", ["overview", "quality", "compare"])
def test_prompt_within_budget_on_flights_with_and_without_filters(kind, flights, filtered):
    plain = KINDS[kind](flights.frame, Scope.of(flights.id, flights.name))
    assert prompt_tokens(plain) <= TOKEN_BUDGET
    assert prompt_tokens(KINDS[kind](*filtered)) <= TOKEN_BUDGET


def test_every_column_prompt_within_budget(filtered):
    frame, scope = filtered
    assert max(prompt_tokens(column_facts(frame, scope, column=c)) for c in frame.columns) <= TOKEN_BUDGET


def wide_frame(columns: int, rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    data: dict[str, Any] = {}
    for i in range(columns):
        name = f"показатель_с_длинным_названием_{i:03d}"
        if i % 3 == 0:
            data[name] = pd.Categorical(rng.choice(["север", "юг", "запад", "восток"], rows))
        else:
            values = rng.normal(100, 15, rows)
            values[rng.random(rows) < (i % 7) / 20] = np.nan
            data[name] = values
    return pd.DataFrame(data)


@pytest.mark.parametrize("kind", ["overview", "quality"])
def test_prompt_constant_in_columns_within_budget_at_150(kind):
    scope = Scope.of("test:wide", "широкая таблица")
    narrow, wide = prompt_tokens(KINDS[kind](wide_frame(20), scope)), prompt_tokens(KINDS[kind](wide_frame(150), scope))
    assert wide <= TOKEN_BUDGET
    assert abs(wide - narrow) <= 0.1 * narrow  # a ranked selection, not a list that grows with the table


@pytest.mark.parametrize("kind", ["overview", "quality", "columns"])
def test_prompt_constant_in_rows(kind, flights):
    scope = Scope.of(flights.id, flights.name)
    small = KINDS[kind](flights.frame.iloc[:10_000], scope)
    full = KINDS[kind](flights.frame, scope)
    assert abs(prompt_tokens(full) - prompt_tokens(small)) <= 0.05 * prompt_tokens(small)

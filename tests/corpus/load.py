"""The verifier corpus as data: narratives with their expected verdicts and the payloads they were written from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CORPUS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Narrative:
    sheet: str
    verdict: str  # "ok" | "wrong"
    error_class: str  # "ok" for a correct text
    text: str
    source: str  # "flights.yaml #12"


@cache
def payload(sheet: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS_DIR / "sheets" / f"{sheet}.json").read_text(encoding="utf-8"))
    return data


def narratives() -> list[Narrative]:
    found: list[Narrative] = []
    for path in sorted((CORPUS_DIR / "narratives").glob("*.yaml")):
        for index, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            found.append(Narrative(item["sheet"], item["verdict"], item["class"], item["text"],
                                   f"{path.name} #{index + 1}"))
    return found


@dataclass(frozen=True)
class Score:
    caught: int
    wrong: int
    rejected: int
    correct: int
    by_class: dict[str, tuple[int, int]]  # class → (as expected, total)
    failures: list[tuple[Narrative, str]]  # narrative, the verifier's summary

    @property
    def catch_rate(self) -> float:
        return self.caught / self.wrong if self.wrong else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.rejected / self.correct if self.correct else 0.0


def score() -> Score:
    """Run the verifier over the whole corpus."""
    from lib.verify import verify_numbers

    caught = wrong = rejected = correct = 0
    by_class: dict[str, tuple[int, int]] = {}
    failures: list[tuple[Narrative, str]] = []
    for item in narratives():
        verdict = verify_numbers(item.text, payload(item.sheet))
        expected = item.verdict == "ok"
        # the corpus plants wrong numbers; claim words (trend, strength, ranking) have C's own corpus in
        # tests/test_claims.py, and these payloads predate the sheets' claim keys
        passed = not verdict.unsupported and not verdict.numberless
        right = passed == expected
        if expected:
            correct += 1
            rejected += not passed
        else:
            wrong += 1
            caught += not passed
        hits, total = by_class.get(item.error_class, (0, 0))
        by_class[item.error_class] = (hits + right, total + 1)
        if not right:
            reasons = "; ".join(check.explanation() for check in verdict.unsupported) or verdict.summary()
            failures.append((item, reasons))
    return Score(caught, wrong, rejected, correct, by_class, failures)

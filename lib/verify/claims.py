"""Claim words in a narrative (trend, strength, direction, ranking, significance) checked against the sheet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClaimWordCheck:
    """One claim word found in the text and what the fact sheet says about it."""

    raw: str
    start: int
    end: int
    ok: bool
    reason: str
    explanation: str


def check_claims(text: str, payload: Mapping[str, Any]) -> tuple[ClaimWordCheck, ...]:
    """Every claim word in ``text`` checked against ``payload``; a stub until the real checks land."""
    del text, payload
    return ()

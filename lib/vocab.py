"""Vocabularies shared across layers: each a StrEnum (the value is what code, payloads and stored data hold)
next to its Russian labels (what the user reads). tests/test_vocab.py checks that every member has one.

Who uses what:
- `Severity` — quality alerts: lib/facts/quality.py, lib/ui/analysis.py, the quality template (owner E).
- `ProbeLevel` — the «Проверить модель» verdict: lib/narration/probe.py, lib/ui/model.py.
- The narration vocabularies (`ErrorKind`, `CallStatus`, `JobSource`, `TextSource`, `Outcome`) live beside
  the code that produces them, in lib/narration/kinds.py (owner A1); the journal's status labels
  (lib/journal_facts.py) read them there.

StrEnum members compare equal to their values (`Severity.HIGH == "high"`) and serialise to them in JSON, so
stored journals, caches and golden prompts keep working unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How much a data-quality alert matters; members are listed from the most serious."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_LABELS: dict[Severity, str] = {
    Severity.HIGH: "высокая",
    Severity.MEDIUM: "средняя",
    Severity.LOW: "низкая",
}


class ProbeLevel(StrEnum):
    """The «Проверить модель» verdict on a measured generation speed."""

    GOOD = "good"
    SLOW = "slow"
    TOO_SLOW = "too_slow"
    UNKNOWN = "unknown"


PROBE_LEVEL_LABELS: dict[ProbeLevel, str] = {
    ProbeLevel.GOOD: "годится",
    ProbeLevel.SLOW: "медленно",
    ProbeLevel.TOO_SLOW: "слишком медленно",
    ProbeLevel.UNKNOWN: "скорость не измерена",
}


# Roles of the chat messages a model call sends, as the journal, the panel and the report title them.
MESSAGE_ROLE_LABELS: dict[str, str] = {
    "system": "Системный промпт",
    "user": "Сообщение со сводкой фактов",
    "assistant": "Ответ модели",
}


def message_role_label(role: str) -> str:
    """«Системный промпт» for "system"; an unknown role is shown as it is."""
    return MESSAGE_ROLE_LABELS.get(role, role)

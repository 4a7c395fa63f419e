"""The top-level figures of a payload, for kinds that have no template of their own."""

from __future__ import annotations

from lib.facts.base import FactSheet
from lib.narration.templates.common import number, percent_text


def generic_template(facts: FactSheet) -> str:
    """The top-level figures of the payload, for kinds that have no template yet."""
    payload = facts.payload()
    figures = {key: value for key, value in payload.items()
               if isinstance(value, (int, float)) and not isinstance(value, bool)}
    parts = []
    for key, value in figures.items():
        if key.endswith(", %") and key.removesuffix(", %") in figures:
            continue  # said together with its count: «пропусков — 8255 (2,5 %)»
        if key.endswith("%"):
            parts.append(f"{key.removesuffix(', %')} — {percent_text(value)}")
            continue
        share = figures.get(f"{key}, %")
        parts.append(f"{key} — {number(value)}" + (f" ({percent_text(share)})" if share is not None else ""))
    if not parts:
        return "Подробности — в таблицах и на графиках выше."
    return f"Основные показатели: {'; '.join(parts)}."

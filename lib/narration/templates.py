"""Deterministic Russian narratives built from a fact sheet's payload.

Shown when Ollama is unavailable or the model's text fails verification. Every number is taken from
`facts.payload()` (the dict the verifier checks against) and formatted by `lib.fmt`, so the template
always passes `lib.verify.verify_numbers(text, facts.payload())`; plural agreement comes from Babel's
CLDR rules through `lib.fmt.plural`.

Add a page type by registering a function: ``@template_for("groups") def groups_template(facts): …``.
A kind without a template gets `generic_template`: the top-level figures of its payload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import NBSP, fmt_count, fmt_date, fmt_int, fmt_num, plural

Template = Callable[[FactSheet], str]
TEMPLATES: dict[str, Template] = {}

EMPTY_TEXT = "После применения фильтров в наборе не осталось строк: ослабьте или сбросьте фильтры."

# payload type label → (singular adjective, plural adjective) used as «14 числовых», «1 числовой»
_TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "числовой": ("числовой", "числовых", "числовых"),
    "категория": ("категориальный", "категориальных", "категориальных"),
    "дата/время": ("с датой и временем", "с датой и временем", "с датой и временем"),
    "логический": ("логический", "логических", "логических"),
    "текст": ("текстовый", "текстовых", "текстовых"),
    "идентификатор": ("идентификатор", "идентификатора", "идентификаторов"),
    "пустой": ("пустой", "пустых", "пустых"),
}


def template_for(kind: str) -> Callable[[Template], Template]:
    """Register the template for fact sheets of `kind`."""

    def register(function: Template) -> Template:
        TEMPLATES[kind] = function
        return function

    return register


def template_narrative(facts: FactSheet) -> str:
    """The deterministic narrative for `facts`, 3–6 sentences of plain Russian."""
    if facts.is_empty:
        return EMPTY_TEXT
    return TEMPLATES.get(facts.kind, generic_template)(facts)


# --- formatting helpers ------------------------------------------------------------------------

def number(value: int | float) -> str:
    """A payload number as the page shows it: `336 776`, `12,64`, `−2`."""
    if isinstance(value, int) or float(value).is_integer():
        return fmt_int(value).replace("-", "−")
    return fmt_num(value)


def percent_text(value: float) -> str:
    """A payload percent (already ×100 and rounded): `17.4` → `17,4 %`."""
    return f"{fmt_num(value, 1)}{NBSP}%"


def filtered(payload: dict[str, Any]) -> str:
    """« (с учётом фильтров)» when the facts were computed on filtered rows."""
    return " (с учётом фильтров)" if payload.get("фильтры") else ""


def quoted(name: str) -> str:
    return f"«{name}»"


def joined(items: list[str]) -> str:
    """`a`, `a и b`, `a, b и c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} и {items[-1]}"


def _type_phrase(label: str, count: int) -> str:
    one, few, many = _TYPE_WORDS.get(label, (label, label, label))
    return f"{fmt_int(count)}{NBSP}{plural(count, one, few, many)}"


# --- overview ----------------------------------------------------------------------------------

@template_for("overview")
def overview_template(facts: FactSheet) -> str:
    payload = facts.payload()
    rows, columns = payload["строк"], payload["столбцов"]
    sentences = [
        f"В наборе {quoted(payload['набор'])} {fmt_count(rows, 'строка', 'строки', 'строк')} "
        f"и {fmt_count(columns, 'столбец', 'столбца', 'столбцов')}{filtered(payload)}."
    ]
    types = [(label, n) for label, n in (payload.get("типы столбцов") or {}).items() if n]
    if len(types) > 1:
        sentences.append(f"Среди столбцов {joined([_type_phrase(label, n) for label, n in types])}.")
    sentences.append(_missing_sentence(payload))
    duplicates = payload.get("строк-дубликатов", 0)
    sentences.append(
        "Повторяющихся строк нет." if not duplicates
        else f"Полных дубликатов — {fmt_count(duplicates, 'строка', 'строки', 'строк')}."
    )
    column_items: list[dict[str, Any]] = payload.get("столбцы", [])
    frequent = next((c for c in column_items if c.get("частые")), None)
    if frequent:
        top = frequent["частые"][0]
        sentences.append(
            f"В столбце {quoted(frequent['имя'])} чаще всего встречается значение {quoted(top['значение'])}: "
            f"{fmt_count(top['строк'], 'строка', 'строки', 'строк')} ({percent_text(top['доля, %'])})."
        )
    dated = next((c for c in column_items if c.get("с") and c.get("по")), None)
    if dated:
        period = f"с {fmt_date(dated['с'])} по {fmt_date(dated['по'])}"
        sentences.append(f"Даты в столбце {quoted(dated['имя'])} охватывают период {period}".rstrip(".") + ".")
    return " ".join(sentences[:6])


def _missing_sentence(payload: dict[str, Any]) -> str:
    cells = payload.get("пустых ячеек", 0)
    if not cells:
        return "Пропусков нет: все ячейки заполнены."
    text = (
        f"Пустых ячеек — {fmt_int(cells)}, это {percent_text(payload['пустых ячеек, %'])} всех значений"
        if payload.get("пустых ячеек, %") is not None else f"Пустых ячеек — {fmt_int(cells)}"
    )
    gaps = [c for c in payload.get("столбцы", []) if c.get("пропусков")]
    if gaps:
        most = max(c["пропусков"] for c in gaps)
        worst = [c for c in gaps if c["пропусков"] == most]
        share = worst[0].get("пропусков, %")
        amount = fmt_int(most) + (f" ({percent_text(share)})" if share is not None else "")
        if len(worst) == 1:
            text += f"; больше всего их в столбце {quoted(worst[0]['имя'])} — {amount}"
        else:
            names = joined([quoted(c["имя"]) for c in worst])
            text += f"; больше всего их в столбцах {names} — по {amount}"
    return text + "."


# --- any other kind ----------------------------------------------------------------------------

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


# The analysis pages' templates register themselves on import; importing them here makes every caller of
# template_narrative (service, tests, CLI) see them, not only those that happened to load the UI first.
from lib.narration import templates_analysis  # noqa: E402,F401

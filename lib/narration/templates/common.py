"""Formatting helpers shared by every kind's template: numbers written the way the page shows them."""

from __future__ import annotations

from typing import Any

from lib.fmt import NBSP, fmt_count, fmt_int, fmt_num, plural

EMPTY_TEXT = "После применения фильтров в наборе не осталось строк: ослабьте или сбросьте фильтры."

# payload type label → (singular adjective, plural adjective) used as «14 числовых», «1 числовой»
TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "числовой": ("числовой", "числовых", "числовых"),
    "категория": ("категориальный", "категориальных", "категориальных"),
    "дата/время": ("с датой и временем", "с датой и временем", "с датой и временем"),
    "логический": ("логический", "логических", "логических"),
    "текст": ("текстовый", "текстовых", "текстовых"),
    "идентификатор": ("идентификатор", "идентификатора", "идентификаторов"),
    "пустой": ("пустой", "пустых", "пустых"),
}


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
    """«name», on one line: an Excel header with Alt+Enter («Код\nстатуса») must not break the sentence."""
    return f"«{' '.join(name.split())}»"


def joined(items: list[str]) -> str:
    """`a`, `a и b`, `a, b и c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} и {items[-1]}"


def type_phrase(label: str, count: int) -> str:
    one, few, many = TYPE_WORDS.get(label, (label, label, label))
    return f"{fmt_int(count)}{NBSP}{plural(count, one, few, many)}"


def rows_text(n: int) -> str:
    return fmt_count(n, "строка", "строки", "строк")


def signed(value: int | float) -> str:
    return ("+" if value > 0 else "") + number(value)


def signed_percent(value: int | float) -> str:
    return ("+" if value > 0 else "") + percent_text(value)

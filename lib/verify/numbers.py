"""Numeric claims in Russian text: where each number is, what value it states and how precisely.

`extract_numbers(text)` returns one `NumberClaim` per number a reader would take as a statement
about the data. The policy (what counts, what is ignored, how hedge words widen a claim) is
described in `lib/verify/__init__.py`; this module only implements it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

ClaimKind = Literal["plain", "percent", "pp", "multiplier", "year", "date", "ordinal", "time"]
Hedge = Literal["approx", "min", "max"]

_SP = "[ \u00a0\u202f\u2009]"  # space, no-break space, narrow no-break space, thin space
_GAP = r"[ \u00a0\u202f\u2009]*"
_LETTER = "A-Za-zА-Яа-яЁё"
_MINUS = "−\\-"  # U+2212 and the hyphen-minus; en and em dashes are never signs

_NUMBER = re.compile(
    rf"""
    (?P<sign>[{_MINUS}+])?
    (?P<int>\d{{1,3}}(?:{_SP}\d{{3}})+(?!\d)   # 336 776 with any of the spaces
          |\d{{1,3}}(?:,\d{{3}}){{2,}}(?!\d)    # 336,776,000 (a lone comma is a decimal comma)
          |\d+)
    (?:[.,](?P<frac>\d+))?
    """,
    re.VERBOSE,
)

# lib.fmt writes huge and tiny values as a power of ten: «1·10³⁰⁸», «−2,5·10⁻⁷»
_POWER = re.compile(r"[·×]10(?P<exp>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_FROM_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_FLOAT_MAX = Decimal(sys.float_info.max)


def _finite(value: Decimal) -> float:
    """A written value as a float; «2·10³⁰⁸» (a rounded 1,5·10³⁰⁸) is past the float range and would be
    infinite, matching nothing: it is kept at the largest float, its precision still says how far it reaches."""
    return float(max(-_FLOAT_MAX, min(_FLOAT_MAX, value)))

_MONTHS = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
_MONTH_WORD = (  # every case form, instrumental too («по сравнению с ноябрём»)
    r"(?:январ(?:[её]м|[ьяеюи])|феврал(?:[её]м|[ьяеюи])|март(?:ом|[аеу])?|апрел(?:ем|[ьяеюи])|ма(?:ем|[йяею])"
    r"|июн(?:ем|[ьяеюи])|июл(?:ем|[ьяеюи])|август(?:ом|[аеу])?|сентябр(?:[её]м|[ьяеюи])"
    r"|октябр(?:[её]м|[ьяеюи])|ноябр(?:[её]м|[ьяеюи])|декабр(?:[её]м|[ьяеюи]))"
)
_YEAR_WORD = r"(?:год(?:а|у|ом|е|ы|ах|ов)?|гг?\.)"
_RU_DATE = re.compile(
    rf"(?<![{_LETTER}\d])(?:(?P<day>\d{{1,2}}){_SP}+)?(?P<month>{_MONTH_WORD})(?![{_LETTER}])"
    rf"(?:{_SP}+(?:(?P<year>\d{{4}})(?!\d)(?:{_SP}*{_YEAR_WORD}(?![{_LETTER}]))?"
    rf"|(?P<early>\d{{1,3}})(?!\d){_SP}*{_YEAR_WORD}(?![{_LETTER}])))?",  # «1 января 1 г.»: a short year needs «г.»
    re.IGNORECASE,
)
_ISO_DATE = re.compile(
    r"(?<![\d.-])(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?![\d-])"
)
_DOT_DATE = re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d])")
_TIME = re.compile(r"(?<![\d:.,])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:])")
_LIST_MARKER = re.compile(r"^[ \t>*#-]*\d{1,2}[.)](?=[ \t])", re.MULTILINE)
# a confidence level names the method, not the data: «95 % интервал», «95%-й доверительный интервал»
_CONFIDENCE = re.compile(r"(?<![\d,.])(?:9[059]|99)[ \u00a0\u202f]?%(?:-?[а-яё]{1,3})?[ \u00a0]+(?:[а-яё]+[ \u00a0]+)?"
                         r"(?:доверительн\w*|интервал\w*)", re.IGNORECASE)

_SCALES = (
    (re.compile(r"(?:тыс\.|тыс(?![а-яё])|тысяч[аиуей]?(?:ами|ах)?(?![а-яё]))", re.I), 1_000),
    (re.compile(r"(?:млн\.?|миллион(?:а|ов|у|ами|ах)?(?![а-яё]))", re.I), 1_000_000),
    (re.compile(r"(?:млрд\.?|миллиард(?:а|ов|у|ами|ах)?(?![а-яё]))", re.I), 1_000_000_000),
    (re.compile(r"(?:трлн\.?|триллион(?:а|ов|у|ами|ах)?(?![а-яё]))", re.I), 1_000_000_000_000),
)
_PP = re.compile(r"(?:п\.{_SP}?п\.?|процентн\w*{_SP}+пункт\w*|пп(?![а-яё])|p\.?p\.?(?![a-z]))".replace(
    "{_SP}", _SP), re.I)
_PERCENT = re.compile(r"(?:%|процент\w*|проц\.)", re.I)
_TIMES = re.compile(r"раз(?:а)?(?![а-яё])", re.I)
_RATIO_BEFORE = re.compile(rf"(?<![а-яё])во?{_SP}+(?:(?:почти|около|примерно|приблизительно|порядка|более|менее|"
                           rf"чем|не){_SP}+)*[{_MINUS}+]?$", re.I)
_CARDINAL_SUFFIX = re.compile(r"-(?:ти|ми|мя|х|ух|ёх|ех|и)(?![а-яё])", re.I)
_ORDINAL_SUFFIX = re.compile(r"-(?:[а-яё]{1,3})(?![а-яё])", re.I)
_FROM_TO = re.compile(rf"{_SP}+до{_SP}+")
_FROM = re.compile(rf"(?<![а-яё])от{_SP}+$", re.I)
_RANGE_DASH = re.compile(rf"{_GAP}[–—]{_GAP}|-|{_GAP}…{_GAP}|\.\.")

_HEDGE_BEFORE: tuple[tuple[re.Pattern[str], Hedge], ...] = (
    (re.compile(r"(?:около|примерно|приблизительно|порядка|почти|ориентировочно|~|≈|приблиз\.)"
                rf"{_GAP}(?:(?:в|до|по|на|с){_SP}+)?$", re.I), "approx"),
    (re.compile(r"(?:более|больше|свыше|не\s+менее|не\s+меньше|как\s+минимум)"
                rf"(?:{_SP}+чем)?{_GAP}(?:в{_SP}+)?$", re.I), "min"),
    (re.compile(r"(?:менее|меньше|не\s+более|не\s+больше|не\s+выше|как\s+максимум)"
                rf"(?:{_SP}+чем)?{_GAP}(?:в{_SP}+)?$", re.I), "max"),
)


@dataclass(frozen=True)
class NumberClaim:
    """One number stated in the text.

    `value` is in the unit the text states it (percents as percents, `337 тыс.` as 337000, a date
    claim's value is its year, or its day when no year is written). `precision` is the half-width of
    the interval the written form implies (`12,5` → 0.05, `337 тыс.` → 500). `hedge` is set when a
    word before the number loosens it («около», «более», «менее»). `date` is (year, month, day) with
    None for the parts the text does not state.
    """

    start: int
    end: int
    raw: str
    value: float
    precision: float
    kind: ClaimKind = "plain"
    hedge: Hedge | None = None
    signed: bool = False
    in_range: bool = False
    words: bool = False
    unit: float = 1.0  # one step of the last significant written digit, scale applied
    thousands: float | None = None  # `336,776` / `336.776` read as a thousands separator (value then)
    date: tuple[int | None, int | None, int | None] | None = field(default=None)
    scale: float = 1.0  # the multiplier word applied («тыс.» → 1000), own or shared with coordinated numbers

    def interval(self) -> tuple[float, float]:
        """The values this claim is consistent with, in its own unit (percent claims in percents)."""
        value, precision = self.value, self.precision
        if self.hedge == "approx":
            widened = max(precision, self.unit / 2)
            return value - widened, value + widened
        if self.hedge == "min":
            return value, value + self.unit
        if self.hedge == "max":
            return value - self.unit, value
        return value - precision, value + precision

    def as_thousands(self) -> NumberClaim | None:
        """The other reading of `336,776`: a grouped integer (models trained on English write so)."""
        if self.thousands is None:
            return None
        scale = self.precision / 0.0005
        return replace(self, value=self.thousands, precision=0.5 * scale, unit=scale, thousands=None)

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start, "end": self.end, "raw": self.raw, "value": self.value,
            "precision": self.precision, "kind": self.kind, "hedge": self.hedge,
            "in_range": self.in_range, "words": self.words,
            "date": list(self.date) if self.date else None,
        }


def _month_number(word: str) -> int:
    word = word.lower()
    for stem, number in _MONTHS:
        if word.startswith(stem):
            return number
    raise ValueError(word)


_MONTH_ALONE = re.compile(rf"(?<![{_LETTER}\d])(?:{_MONTH_WORD})(?![{_LETTER}])", re.IGNORECASE)


def month_words(text: str) -> list[tuple[int, int, int]]:
    """Every month name in `text`, in any case form, as (start, end, month): «в августе» states no
    number, yet it names a period."""
    return [(m.start(), m.end(), _month_number(m.group())) for m in _MONTH_ALONE.finditer(text)]


def _parse_digits(int_part: str, frac: str | None) -> tuple[Decimal, int]:
    """Digits → (exact value, number of decimals written)."""
    digits = re.sub(r"[^\d]", "", int_part)
    text = digits + ("." + frac if frac else "")
    return Decimal(text), len(frac or "")


def _significant_unit(value: Decimal, decimals: int) -> Decimal:
    """One step of the last non-zero written digit: 340 → 10, 12,5 → 0,1, 300 → 100, 0 → 1."""
    if decimals:
        return Decimal(1).scaleb(-decimals)
    integer = int(abs(value))
    if integer == 0:
        return Decimal(1)
    unit = Decimal(1)
    while integer % 10 == 0:
        integer //= 10
        unit *= 10
    return unit


def _hedge_before(text: str, start: int) -> Hedge | None:
    window = text[max(0, start - 40):start]
    found: list[tuple[int, Hedge]] = []
    for pattern, hedge in _HEDGE_BEFORE:
        match = pattern.search(window)
        if match and (match.start() == 0 or not window[match.start() - 1].isalpha()):
            found.append((match.start(), hedge))
    return min(found)[1] if found else None  # the longest phrase wins: «не более» over «более»


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


# --- number words ------------------------------------------------------------------------------

def _soft_forms(word: str) -> str:
    """пять → пять пяти пятью (the oblique forms of numerals ending in -ь)."""
    return f"{word} {word[:-1]}и {word[:-1]}ью"


_UNIT_WORDS = {
    2: "два две двух двум двумя", 3: "три трёх трех трём трем тремя",
    4: "четыре четырёх четырех четырём четырем четырьмя", 5: _soft_forms("пять"),
    6: _soft_forms("шесть"), 7: _soft_forms("семь"), 8: _soft_forms("восемь") + " восьми восьмью",
    9: _soft_forms("девять"),
}
_TEEN_WORDS = {
    10: _soft_forms("десять"), 11: _soft_forms("одиннадцать"), 12: _soft_forms("двенадцать"),
    13: _soft_forms("тринадцать"), 14: _soft_forms("четырнадцать"), 15: _soft_forms("пятнадцать"),
    16: _soft_forms("шестнадцать"), 17: _soft_forms("семнадцать"), 18: _soft_forms("восемнадцать"),
    19: _soft_forms("девятнадцать"),
}
_TEN_WORDS = {
    20: _soft_forms("двадцать"), 30: _soft_forms("тридцать"), 40: "сорок сорока",
    50: "пятьдесят пятидесяти пятьюдесятью", 60: "шестьдесят шестидесяти шестьюдесятью",
    70: "семьдесят семидесяти семьюдесятью", 80: "восемьдесят восьмидесяти восемьюдесятью",
    90: "девяносто девяноста", 100: "сто ста",
}
_ONE_IN_COMPOUND = "один одна одно одного одной одному одним одном одну"
_ADVERB_MULTIPLIERS = {
    "вдвое": 2, "втрое": 3, "вчетверо": 4, "впятеро": 5, "вшестеро": 6, "вдесятеро": 10,
    "дважды": 2, "трижды": 3,
}
_HALF_WORDS = "полтора полторы полутора"


def _lookup(table: dict[int, str]) -> dict[str, int]:
    return {form: number for number, forms in table.items() for form in forms.split()}


_SIMPLE = _lookup(_UNIT_WORDS) | _lookup(_TEEN_WORDS) | _lookup(_TEN_WORDS)
_UNITS = _lookup(_UNIT_WORDS) | dict.fromkeys(_ONE_IN_COMPOUND.split(), 1)
_HALF = frozenset(_HALF_WORDS.split())
_WORD = re.compile(rf"(?<![{_LETTER}\d-])[а-яё]+(?![{_LETTER}\d-])", re.I)


def _word_numbers(text: str, taken: list[tuple[int, int]]) -> list[NumberClaim]:
    """Numbers written as words: «три», «двадцать пять», «полтора», «вдвое», with unit words."""
    claims: list[NumberClaim] = []
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
    skip_until = -1
    for index, (start, end, word) in enumerate(tokens):
        if start < skip_until or _overlaps(taken, start, end):
            continue
        if word in _ADVERB_MULTIPLIERS:
            times = float(_ADVERB_MULTIPLIERS[word])  # «вдвое» is 1,8–2,2: a tenth either way, «почти вдвое» ±0,5
            claims.append(NumberClaim(start, end, text[start:end], times, 0.1 * times,
                                      kind="multiplier", words=True, hedge=_hedge_before(text, start)))
            continue
        if word in _HALF:
            value, step = Decimal("1.5"), Decimal("0.1")
        elif word in _SIMPLE:
            value, step = Decimal(_SIMPLE[word]), Decimal(1)
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if (20 <= value < 100 and value % 10 == 0 and following and following[2] in _UNITS
                    and not text[end:following[0]].strip()):
                value += _UNITS[following[2]]  # двадцать пять
                end = following[1]
        else:
            continue
        claim_end, scale, unit_kind = _suffix(text, end, start)
        factor = Decimal(str(scale))
        claims.append(NumberClaim(
            start, claim_end, text[start:claim_end], float(value * factor), float(step / 2 * factor),
            kind=unit_kind or "plain", hedge=_hedge_before(text, start), words=True,
            unit=float(_significant_unit(value, 1 if step < 1 else 0) * factor),
        ))
        skip_until = claim_end
    return claims


# --- digits ------------------------------------------------------------------------------------

def _dates(text: str) -> list[NumberClaim]:
    claims: list[NumberClaim] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ISO_DATE, _DOT_DATE):
        for m in pattern.finditer(text):
            month = int(m.group("month"))
            day = int(m.group("day")) if m.group("day") else None
            if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
                continue
            full_year = int(m.group("year"))
            claims.append(NumberClaim(m.start(), m.end(), m.group(), float(full_year), 0.0, kind="date",
                                      date=(full_year, month, day)))
            taken.append((m.start(), m.end()))
    for m in _RU_DATE.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        day = int(m.group("day")) if m.group("day") else None
        written = m.group("year") or m.group("early")
        year: int | None = int(written) if written else None
        if (day is None and year is None) or (day is not None and not 1 <= day <= 31):
            continue
        start = m.start() if day is not None else m.start("month")
        claims.append(NumberClaim(
            start, m.end(), text[start:m.end()], float(year if year is not None else day or 0), 0.0,
            kind="date", date=(year, _month_number(m.group("month")), day),
        ))
        taken.append((start, m.end()))
    for m in _TIME.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        hour, minute = int(m.group("hour")), int(m.group("minute"))
        claims.append(NumberClaim(m.start(), m.end(), m.group(), hour + minute / 60, 1 / 120, kind="time"))
        taken.append((m.start(), m.end()))
    return claims


def _suffix(text: str, end: int, start: int | None = None) -> tuple[int, float, ClaimKind | None]:
    """What follows a number: (new end, scale factor, kind from the unit word). «раз» makes a
    multiplier only after «в» («в 1,4 раза»); «9 раз» counts times."""
    scale = 1.0
    gap = re.match(_GAP, text[end:]).end()  # type: ignore[union-attr]
    for pattern, factor in _SCALES:
        m = pattern.match(text, end + gap)
        if m:
            scale, end = float(factor), m.end()
            gap = re.match(_GAP, text[end:]).end()  # type: ignore[union-attr]
            break
    if m := _PP.match(text, end + gap):
        return m.end(), scale, "pp"
    if m := _PERCENT.match(text, end + gap):
        return m.end(), scale, "percent"
    if (m := _TIMES.match(text, end + gap)) and gap and start is not None and _RATIO_BEFORE.search(text, 0, start):
        return m.end(), scale, "multiplier"
    return end, scale, None


def _digit_numbers(text: str, taken: list[tuple[int, int]]) -> list[NumberClaim]:
    """Numbers written in digits, ranges of them, and their units and hedges."""
    found: list[dict] = []
    consumed = 0  # end of the last power of ten: its «10» is not a number of its own
    for m in _NUMBER.finditer(text):
        start, end = m.start(), m.end()
        if start < consumed:
            continue
        sign = m.group("sign")
        if sign:
            before = text[start - 1] if start else ""
            if before and (before.isalnum() or before in "_.,"):
                start += 1  # "10-15", "топ-3": the hyphen is not a sign
                sign = None
        num_start = start + (1 if sign else 0)
        if _overlaps(taken, start, end):
            continue
        before = text[num_start - 1] if num_start else ""
        after = text[end] if end < len(text) else ""
        if before and (before.isalpha() or before in "_") or (after and (after in "_" or
                                                                       re.match("[A-Za-z]", after))):
            continue  # part of an identifier: A320, dep_time2, Q1
        if before in ".,:" and num_start >= 2 and text[num_start - 2].isdigit():
            continue  # the tail of a version number or of an ignored token
        if text[end:end + 1] in (".", ",") and text[end + 1:end + 2].isdigit():
            continue  # a version or an address: 1.2.3, 10.0.0.1
        value, decimals = _parse_digits(m.group("int"), m.group("frac"))
        power = 0
        if power_match := _POWER.match(text, end):
            power = int(power_match.group("exp").translate(_FROM_SUPERSCRIPTS))
            end = consumed = power_match.end()
        frac = m.group("frac")
        thousands = None
        if frac and len(frac) == 3 and m.group("int").isdigit() and len(m.group("int")) <= 3:
            thousands = Decimal(m.group("int") + frac)  # 336,776: English or German grouping
        if sign in ("−", "-"):
            value = -value
        found.append({"start": start, "end": end, "value": value, "decimals": decimals, "power": power,
                      "signed": bool(sign), "thousands": -thousands if thousands and sign in ("−", "-") else thousands})

    claims: list[NumberClaim] = []
    i = 0
    while i < len(found):
        item = found[i]
        group = [item]
        # a range: "10–15", "10-15 %", "2013–2014 годы"
        while i + 1 < len(found):
            nxt = found[i + 1]
            between = text[group[-1]["end"]:nxt["start"]]
            from_to = _FROM_TO.fullmatch(between) and _FROM.search(text, 0, group[0]["start"])
            if (_RANGE_DASH.fullmatch(between) or from_to) and not _suffix(text, group[-1]["end"])[2]:
                group.append(nxt)
                i += 1
            else:
                break
        claims.extend(_claims_for(text, group))
        i += 1
    return claims


def _claims_for(text: str, group: list[dict]) -> list[NumberClaim]:
    last = group[-1]
    end, scale, unit_kind = _suffix(text, last["end"], group[0]["start"])
    tail = end
    year_match = re.match(rf"(?:-(?:м|го|й|х|ом)(?![а-яё]))?{_GAP}{_YEAR_WORD}(?![а-яё])", text[last["end"]:], re.I)
    claims: list[NumberClaim] = []
    in_range = len(group) > 1
    hedge = _hedge_before(text, group[0]["start"])
    for index, item in enumerate(group):
        value: Decimal = item["value"]
        decimals: int = item["decimals"]
        is_last = index == len(group) - 1
        item_end = tail if is_last else item["end"]
        kind: ClaimKind = unit_kind or "plain"
        own_scale = scale
        if item["power"]:  # «1,5·10²⁰»: the mantissa's precision scaled by the power
            value, decimals = value.scaleb(item["power"]), decimals - item["power"]
        integer = decimals == 0 and not item["signed"] and not item["power"]
        if integer and 1800 <= value <= 2100 and year_match and all(
                g["decimals"] == 0 and 1800 <= g["value"] <= 2100 for g in group):
            kind, own_scale = "year", 1.0
            if is_last:
                item_end = last["end"] + year_match.end()
        elif is_last and integer and unit_kind is None:
            suffix_match = _CARDINAL_SUFFIX.match(text, item["end"]) or _ORDINAL_SUFFIX.match(text, item["end"])
            if suffix_match:
                if 1800 <= value <= 2100 and re.fullmatch(r"-(?:м|го|й|х|ом)", suffix_match.group()):
                    kind = "year"
                elif not _CARDINAL_SUFFIX.fullmatch(suffix_match.group()):
                    kind = "ordinal"
                item_end = suffix_match.end()
        precision = Decimal("0.5").scaleb(-decimals) * Decimal(str(own_scale))
        unit = _significant_unit(value, decimals) * Decimal(str(own_scale))
        claims.append(NumberClaim(
            start=item["start"], end=item_end, raw=text[item["start"]:item_end],
            value=_finite(value * Decimal(str(own_scale))), precision=float(precision), kind=kind,
            hedge=hedge, signed=item["signed"],
            in_range=in_range, unit=float(unit), scale=own_scale,
            thousands=float(item["thousands"] * Decimal(str(own_scale))) if item["thousands"] is not None else None,
        ))
    return claims


_COORDINATION = re.compile(rf"{_GAP}(?:,{_GAP}(?:и{_SP}+)?|и{_SP}+|или{_SP}+){_GAP}$", re.I)


def _share_across_coordination(text: str, claims: list[NumberClaim]) -> list[NumberClaim]:
    """«по 11,4 и 11,3 млн», «около 83 и 55 тыс. рублей», «16,2 и 16,1 %»: numbers joined by «и» or
    a comma with nothing else between share the multiplier and percent sign written after the last one,
    and the hedge written before the first."""
    shared = list(claims)
    chained = [False] * len(shared)  # a comma list shares only when it ends with «и»: «5, 6 и 7 тыс.»
    for index in range(len(shared) - 2, -1, -1):
        claim, following = shared[index], shared[index + 1]
        if claim.kind != "plain" or claim.words or following.kind not in ("plain", "percent", "pp"):
            continue
        joint = _COORDINATION.fullmatch(text[claim.end:following.start])
        if not joint or not re.fullmatch(rf"[{_MINUS}+]?[\d{_SP[1:-1]},.]+", claim.raw):
            continue
        if "," in joint.group() and "и" not in joint.group() and not chained[index + 1]:
            continue
        factor = following.scale
        if factor == 1.0 and following.kind == "plain":
            continue
        shared[index] = replace(claim, value=claim.value * factor, precision=claim.precision * factor,
                                unit=claim.unit * factor, scale=factor, kind=following.kind,
                                thousands=None if factor != 1.0 else claim.thousands)
        chained[index] = True
    for index in range(1, len(shared)):
        claim, previous = shared[index], shared[index - 1]
        if claim.hedge is None and previous.hedge is not None and _COORDINATION.fullmatch(
                text[previous.end:claim.start]):
            shared[index] = replace(claim, hedge=previous.hedge)
    return shared


def extract_numbers(text: str) -> list[NumberClaim]:
    """Every numeric claim in `text`, in reading order. See the package docstring for the policy."""
    ignored = [(m.start(), m.end()) for m in _LIST_MARKER.finditer(text)]
    ignored += [(m.start(), m.end()) for m in _CONFIDENCE.finditer(text)]
    dates = _dates(text)
    taken = ignored + [(c.start, c.end) for c in dates]
    digits = _digit_numbers(text, taken)
    taken += [(c.start, c.end) for c in digits]
    words = _word_numbers(text, taken)
    return _share_across_coordination(text, sorted(dates + digits + words, key=lambda c: c.start))

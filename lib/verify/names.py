"""Where a Russian text names the payload's entities: names by lemma, periods by their calendar parts.

Names are compared word by word through their dictionary forms (pymorphy3), case-insensitively, so
«у Санкт-Петербурга», «бытовой техники», «Иванова Ивана Ивановича» name «Санкт-Петербург», «Бытовая
техника», «Иванов Иван Иванович». A word of a multiword name that no other name shares and that is not a
generic word («область», «край», a unit) names it alone: «Свердловская — 9,9 %», «у Михайловой». Two-part
labels («EWR · май», «dep_delay — arr_delay») are named when each part is named, in any order and case.

Periods are keys of calendar parts: «июль 2013», «неделя с 08.07.2013», «III квартал 2013», «май» (part of
a label, no year). A text names a period with a month word in any case form (with or without a year), a
date («с 8 июля», «30.09.2013», «5 января 2013 г.»), a quarter («во II квартале», «3-й квартал»); a
mention matches every period whose parts agree with the parts it states.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3

from lib.verify.numbers import month_words

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9_]+")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
PART_SEPARATORS = re.compile(r"\s+(?:·|—|×|\|)\s+")

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_ORDINALS = (("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4))
_QUARTER = re.compile(
    r"(?<![A-Za-zА-Яа-яЁё0-9])(?P<q>IV|I{1,3}|[1-4](?:-?(?:й|м|го|ом|ий))?|перв\w*|втор\w*|трет\w*|четв[её]рт\w*)"
    r"[ \u00a0]+(?:квартал\w*|кв\.)(?:[ \u00a0]+(?P<year>\d{4})(?!\d))?",
    re.IGNORECASE,
)
_BARE_QUARTER = re.compile(
    r"(?<![A-Za-zА-Яа-яЁё0-9])(?:в|во|до|с|по|и|к)[ \u00a0]+(?P<q>IV|I{1,3})(?![A-Za-zА-Яа-яЁё0-9])")
_DOT_DATE = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)")
_ISO = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?(?![\d-])")
_DAY_MONTH = re.compile(r"(?<![\d.])(?P<d>\d{1,2})[ \u00a0]+$")
_YEAR_AFTER = re.compile(r"^[ \u00a0]+(?P<y>\d{4})(?!\d)")
_WEEK = re.compile(r"недел", re.IGNORECASE)


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=16384)
def lemmas(word: str) -> frozenset[str]:
    """Dictionary forms of a word, lower case, ё as е; a Latin word or code stands for itself."""
    word = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(word) or not word.isalpha():
        return frozenset({word})
    return frozenset(p.normal_form.replace("ё", "е") for p in _morph().parse(word)) | {word}


def words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class PeriodKey:
    """Calendar parts of a period; None where the label does not fix the part. `week` for «неделя с …»."""

    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None
    week: bool = False

    def covers(self, mention: PeriodKey) -> bool:
        """Whether a text mention of `mention` names this period."""
        if mention.year is not None and self.year is not None and mention.year != self.year:
            return False
        if mention.quarter is not None:
            return self.quarter == mention.quarter and self.month is None
        if mention.month is not None:
            if self.month != mention.month:
                return False
            if mention.day is None:
                return self.day is None  # «в июле» names July, not the week of 8 July
            return self.day == mention.day
        if mention.year is not None:
            return self.quarter is None and self.month is None
        return False

    def first_day(self) -> dt.date | None:
        if self.year is None:
            return None
        month = self.month or (3 * (self.quarter - 1) + 1 if self.quarter else 1)
        return dt.date(self.year, month, self.day or 1)

    def last_day(self) -> dt.date | None:
        first = self.first_day()
        if first is None:
            return None
        if self.week:
            return first + dt.timedelta(days=6)
        if self.day:
            return first
        months = 1 if self.month else 3 if self.quarter else 12
        month = first.month - 1 + months
        return dt.date(first.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def period_key(label: str) -> PeriodKey | None:
    """The period a label names («январь 2013», «неделя с 31.12.2012», «I квартал 2013», «май», «2013»), or None."""
    text = label.strip()
    if year := _YEAR_LABEL.fullmatch(text):  # «2013», «2013 год» (Динамика by year)
        return PeriodKey(year=int(year["y"]))
    for match in _ISO.finditer(text):
        if match.group() == text:
            return PeriodKey(int(match["y"]), None, int(match["m"]), int(match["d"]) if match["d"] else None)
    dot = _DOT_DATE.search(text)
    if dot and re.fullmatch(r"(?:недел\w*\s+с\s+)?" + re.escape(dot.group()), text, re.IGNORECASE):
        return PeriodKey(int(dot["y"]), None, int(dot["m"]), int(dot["d"]), week=bool(_WEEK.match(text)))
    quarter = _QUARTER.fullmatch(text)
    if quarter:
        return PeriodKey(int(quarter["year"]) if quarter["year"] else None, _quarter_number(quarter["q"]))
    months = month_words(text)
    if len(months) == 1:
        start, end, month = months[0]
        rest = (text[:start] + text[end:]).strip()
        day = re.fullmatch(r"(\d{1,2})", text[:start].strip())
        if not rest:
            return PeriodKey(month=month)
        if re.fullmatch(r"\d{4}(?:\s*г(?:\.|од)?)?", text[end:].strip()) and not text[:start].strip():
            return PeriodKey(year=int(text[end:].strip()[:4]), month=month)
        if day and re.fullmatch(r"\d{4}(?:\s*г\.?)?", text[end:].strip()):
            return PeriodKey(int(text[end:].strip()[:4]), None, month, int(day.group(1)))
    return None


def _quarter_number(word: str) -> int:
    word = word.lower()
    if word in _ROMAN:
        return _ROMAN[word]
    if word[0].isdigit():
        return int(word[0])
    return next(number for stem, number in _QUARTER_ORDINALS if word.startswith(stem))


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    key: PeriodKey


_YEAR_LABEL = re.compile(r"(?P<y>\d{4})(?:[ \u00a0]*(?:год|г\.?))?")
_YEAR_MENTION = re.compile(r"(?<![\d,.])(?P<y>\d{4})[ \u00a0]*(?:г\.|год(?:а|у|ом|е)?(?![а-яё]))", re.IGNORECASE)


def year_mentions(text: str, taken: list[PeriodMention]) -> list[PeriodMention]:
    """Years written with «год»/«г.» («в 2024 году»), outside the dates and months already found. Only a sheet
    of yearly periods asks for them: elsewhere «в 2013 году» names the data's year, not a period."""
    return [PeriodMention(m.start(), m.end(), PeriodKey(year=int(m["y"]))) for m in _YEAR_MENTION.finditer(text)
            if not any(m.start() < t.end and t.start < m.end() for t in taken)]


def period_mentions(text: str) -> list[PeriodMention]:
    """Every period the text names: dates, months (with a day or year when written), quarters."""
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, key: PeriodKey) -> None:
        if not any(start < b and a < end for a, b in taken):
            found.append(PeriodMention(start, end, key))
            taken.append((start, end))

    for m in _DOT_DATE.finditer(text):
        if 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31:
            add(m.start(), m.end(), PeriodKey(int(m["y"]), None, int(m["m"]), int(m["d"])))
    for m in _ISO.finditer(text):
        if 1 <= int(m["m"]) <= 12:
            add(m.start(), m.end(), PeriodKey(int(m["y"]), None, int(m["m"]), int(m["d"]) if m["d"] else None))
    for m in _QUARTER.finditer(text):
        add(m.start(), m.end(), PeriodKey(int(m["year"]) if m["year"] else None, _quarter_number(m["q"])))
    if re.search(r"квартал", text, re.IGNORECASE):  # «с 81,3 млн в I квартале до 88,6 млн в IV»
        for m in _BARE_QUARTER.finditer(text):
            add(m.start("q"), m.end("q"), PeriodKey(None, _quarter_number(m["q"])))
    for start, end, month in month_words(text):
        day_match = _DAY_MONTH.search(text, max(0, start - 4), start)
        year_match = _YEAR_AFTER.match(text[end:end + 6])
        day = int(day_match["d"]) if day_match and 1 <= int(day_match["d"]) <= 31 else None
        year = int(year_match["y"]) if year_match else None
        add(day_match.start() if day is not None and day_match else start,
            end + (year_match.end() if year_match else 0), PeriodKey(year, None, month, day))
    return found

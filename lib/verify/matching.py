"""Matching numeric claims against the numbers of a fact-sheet payload (policy: see the package docstring)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

import snowballstemmer

from lib.fmt import NBSP
from lib.units import column_unit, text_unit
from lib.verify.claims import ClaimWordCheck, check_claims
from lib.verify.facts import (
    PERIOD_UNITS,
    REST,
    SCOPE_KEYS,
    FactNumber,
    fact_numbers,
    filter_values,
    is_percent_label,
    item_entity,
    named_in_words,
)
from lib.verify.names import (
    PART_SEPARATORS,
    PeriodKey,
    lemmas,
    period_key,
    period_mentions,
    words,
    year_mentions,
)
from lib.verify.numbers import NumberClaim, extract_numbers

Status = Literal["supported", "unsupported"]
Reason = Literal["", "not_in_facts", "other_entity", "other_label", "unattributed", "unit", "sign", "rate_period",
                 "period_absent", "pp_not_difference", "no_ratio", "other_statistic"]

_LINKING_WORDS = frozenset({"и", "или", "а", "но", "из", "от", "до", "в", "на", "по", "против", "чем"})
_NEXT_WORD = re.compile(r"[ \t\u00a0\u202f\u2009]*([A-Za-zА-Яа-яЁё]+)")
_REST_WORDS = re.compile(r"(?<![а-яё])(?:остальн[а-яё]*|проч(?:ее|его|ему|ем|ие|их|им|ими))(?![а-яё])",
                         re.IGNORECASE)
_SP = r"[\s\u00a0\u202f\u2009]"
# between coordinated numbers («21,92 и 20,12», «17,4 %, 16,2 % и 16,1 %», «15,6–15,8»): a separator,
# perhaps after a unit word that the next number repeats («21,92 минуты и 20,12 минуты»)
_NUMBER_JOINT = re.compile(rf"^{_SP}*(?:(?P<unit>[а-яёa-z]+\.?){_SP}*)?(?:,{_SP}*(?:и{_SP}+)?|и{_SP}+)$",
                           re.IGNORECASE)
_RANGE_JOINT = re.compile(rf"^{_SP}*(?:[–—-]|…|\.\.|{_SP}до{_SP}+){_SP}*$")
_COORDINATION = re.compile(rf"^{_SP}*(?:,{_SP}*(?:и{_SP}+)?|и{_SP}+|или{_SP}+|[–—-]|…){_SP}*$")
# between coordinated entity names («F9 и FL», «UA, B6 и EV», «в июле и в августе»)
_NAME_JOINT = re.compile(rf"^{_SP}*(?:,{_SP}*(?:и{_SP}+|а{_SP}+также{_SP}+)?|и{_SP}+|а{_SP}+также{_SP}+)"
                         rf"(?:(?:в|во|у|на|для|из|от){_SP}+)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s+[A-ZА-ЯЁ«\"*#])|\n+")
_CLAUSE_END = re.compile(r"[;:]|,(?!\d)|[.!?…]+(?=\s+[A-ZА-ЯЁ«\"*#])|\n+")
_QUOTED = re.compile(r"«[^«»]*»")
_POWER_OF_TEN = re.compile(r"[·×]10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]")
_STEMMER = snowballstemmer.stemmer("russian")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:=])")
_RATE = re.compile(rf"{_SP}*(?:[а-яё]+{_SP}+)?(?:в|за){_SP}+(?:(?:один|одну|каждый|каждую){_SP}+)?"
                   r"(?P<p>день|сутки|неделю|месяц|квартал|год)(?![а-яё])", re.IGNORECASE)
_RATE_UNITS = {"день": "day", "сутки": "day", "неделю": "week", "месяц": "month", "квартал": "quarter",
               "год": "year"}
_POSITIVE = re.compile(
    r"(?<![а-яё])(?:опазд\w*|задержива\w*|задержал\w*|дороже|выше|больше|рост\w*|вырос\w*|увелич\w*|прибав\w*"
    r"|прирост\w*|растущ\w*|восходящ\w*|подня\w*|плюс|позже)", re.IGNORECASE)
_NEGATIVE = re.compile(
    r"(?<![а-яё])(?:раньше|опереж\w*|дешевле|ниже|меньше|сниж\w*|сниз\w*|упал\w*|упад\w*|паден\w*|сократ\w*"
    r"|сокращ\w*|уменьш\w*|нисходящ\w*|минус|отрицательн\w*|убыва\w*|опусти\w*|просел\w*|быстрее|досрочн\w*)",
    re.IGNORECASE)
_STAT_WORDS = (
    ("mean", re.compile(r"(?<![а-яё])средн\w*", re.IGNORECASE)),
    ("median", re.compile(r"(?<![а-яё])медиан\w*", re.IGNORECASE)),
    ("min", re.compile(r"(?<![а-яё])(?:минимум\w*|минимальн\w*)", re.IGNORECASE)),
    ("max", re.compile(r"(?<![а-яё])(?:максимум\w*|максимальн\w*)", re.IGNORECASE)),
    ("std", re.compile(r"(?<![а-яё])(?:стандартн\w*\s+отклонени\w*|ст\.\s*откл\w*|сигм\w*)", re.IGNORECASE)),
    ("q1", re.compile(r"(?<![а-яё])(?:перв\w+|нижн\w+)\s+квартил\w*", re.IGNORECASE)),
    ("q3", re.compile(r"(?<![а-яё])(?:трет\w+|верхн\w+)\s+квартил\w*", re.IGNORECASE)),
    ("sum", re.compile(r"(?<![а-яё])(?:сумм\w*|суммарн\w*)", re.IGNORECASE)),
)
_UNIT_NAMES = {
    "min": "минуты", "h": "часы", "s": "секунды", "day": "дни", "week": "недели", "month": "месяцы",
    "year": "годы", "rub": "рубли", "usd": "доллары", "eur": "евро", "km": "километры", "mi": "мили",
    "m": "метры", "kg": "килограммы", "g": "граммы", "t": "тонны", "pct": "проценты", "count": "штуки (строки)",
    "quarter": "кварталы",
}


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word.lower().replace("ё", "е")))


def _label_stems(label: str) -> frozenset[str]:
    return frozenset(_stem(word) for word in re.findall(r"[а-яё]{3,}", label.lower()))


def _same_stem(a: str, b: str) -> bool:
    """Snowball leaves «столбец» and «столбц» apart; a long shared start joins them."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    common = len(os.path.commonprefix([a, b]))
    return common == shorter >= 4 or common >= max(5, shorter - 1)


# --- entities and where the text names them ----------------------------------------------------

@dataclass(frozen=True)
class _Part:
    """One part of an entity's name: words (lemma sets) or a period."""

    text: str
    tokens: tuple[frozenset[str], ...] = ()
    period: PeriodKey | None = None


@dataclass
class _Index:
    """The payload's entities by their parts, for finding mentions in a text."""

    parts: list[_Part] = field(default_factory=list)
    entities: dict[str, tuple[int, ...]] = field(default_factory=dict)  # entity → its part ids
    first_words: dict[str, list[int]] = field(default_factory=dict)  # lemma → parts starting with it
    distinctive: dict[str, int] = field(default_factory=dict)  # lemma → the one part it names alone
    periods: list[int] = field(default_factory=list)
    places: dict[str, int] = field(default_factory=dict)  # «первый период» → the part of its period
    labels: dict[str, list[str]] = field(default_factory=dict)  # a label as quoted («1», spaces collapsed) → entities
    clause_only: set[str] = field(default_factory=set)  # quoted labels that are also the sheet's column names


_GENERIC = frozenset({
    "область", "край", "республика", "округ", "район", "город", "регион", "группа", "значение", "столбец",
    "категория", "отдел", "код", "время", "дата", "число", "количество", "сумма", "доля", "среднее", "медиана",
    "рубль", "руб", "км", "мин", "кг", "шт", "процент", "год", "месяц", "неделя", "день", "квартал", "пусто",
    "прочее", "всего", "по", "с", "и", "в", "на",
})


def _add_quoted_only(index: _Index, name: str, scope: set[str], columns: set[str]) -> None:
    """«1», «0 · 1», «a», «»: a label the text can name only by quoting it (see _mentions), as one part. One that
    is also the sheet's column name names the item only near it: «Столбец «0»: 11 строк» is the column's count,
    «за ним «0» — 28,6 %» the value's."""
    label = " ".join(name.split())
    if label.casefold() in scope:
        return
    index.entities[name] = (len(index.parts),)
    index.labels.setdefault(label, []).append(name)
    index.parts.append(_Part(label))
    if label in columns:
        index.clause_only.add(name)


def _build_index(names: Iterable[str], scope: set[str], places: dict[str, str] | None = None,
                 columns: Iterable[str] = ()) -> _Index:
    index = _Index()
    column_labels = {" ".join(column.split()) for column in columns}
    part_ids: dict[str, int] = {}
    lemma_parts: dict[str, set[int]] = {}
    head_lemmas: set[str] = set()  # words that can name an entity alone: its first word, a capitalised word
    for name in sorted(names):
        if name == REST:
            continue
        if not named_in_words(name):
            _add_quoted_only(index, name, scope, column_labels)
            continue
        pieces = [name] if period_key(name) else PART_SEPARATORS.split(name)
        ids: list[int] = []
        for piece in pieces:
            piece = " ".join(piece.split())
            if not piece or piece.casefold() in scope:
                continue
            if piece not in part_ids and len(piece) < 2:  # «ё» in «(пусто) · ё»: named only in the quoted label
                part_ids[piece] = len(index.parts)
                index.parts.append(_Part(piece))
            if piece not in part_ids:
                key = period_key(piece)
                head = _UNIT_TAIL.sub("", piece) if column_unit(piece) else piece  # «Время доставки, мин»
                tokens = tuple(lemmas(word) for _, _, word in words(head or piece)) if key is None else ()
                if key is None and not tokens:
                    continue
                heads = {position for position, (_, _, word) in enumerate(words(head or piece))
                         if position == 0 or word[:1].isupper()}
                part_ids[piece] = len(index.parts)
                index.parts.append(_Part(piece, tokens, key))
                if key is not None:
                    index.periods.append(part_ids[piece])
                else:
                    for lemma in tokens[0]:
                        index.first_words.setdefault(lemma, []).append(part_ids[piece])
                    for position, token in enumerate(tokens):
                        for lemma in token:
                            lemma_parts.setdefault(lemma, set()).add(part_ids[piece])
                            if position in heads:
                                head_lemmas.add(lemma)
            ids.append(part_ids[piece])
        if ids:
            index.entities[name] = tuple(ids)
            index.labels.setdefault(" ".join(name.split()), []).append(name)
    for place, name in (places or {}).items():
        if name in part_ids:
            index.places[place] = part_ids[name]
    for lemma, owners in lemma_parts.items():
        (only,) = owners if len(owners) == 1 else (None,)
        if only is not None and len(index.parts[only].tokens) > 1 and len(lemma) >= 3 and lemma.isalpha() \
                and lemma not in _GENERIC and lemma in head_lemmas:
            index.distinctive[lemma] = only
    return index


@dataclass(frozen=True, order=True)
class Mention:
    """A place where the text names a part of a payload entity (`part` −1: an unlisted period). `weak`
    for «остальные»/«прочие» (the rest) and a quoted label that is also the sheet's column name («0» in
    «Столбец «0»: 11 строк»): it counts in the claim's own clause only. `entity` for a label quoted
    exactly: its parts name that entity only («(пусто) · ё» does not name «(пусто) · (пусто)»)."""

    start: int
    end: int
    part: int
    weak: bool = False
    entity: str | None = None


def _own(mentions: Iterable[Mention], name: str) -> list[Mention]:
    """The mentions that may name `name`: word mentions, and its own exact quotes."""
    return [m for m in mentions if m.entity is None or m.entity == name]


def _parts(mentions: Iterable[Mention]) -> set[int]:
    return {m.part for m in mentions}


_UNIT_TAIL = re.compile(r"\s*(?:,[^,]*|\([^()]*\)|\[[^\[\]]*\])\s*$")
_SYNONYMS = {"разница": "разрыв", "разницы": "разрыв", "разнице": "разрыв"}  # label words the texts use for keys
_FUNCTION_WORDS = frozenset({"все", "всех", "всем", "всеми", "весь", "вся", "это", "для", "при", "что", "как", "так",
                             "его", "еще", "ещё", "уже", "они", "она", "оно", "их"})  # never name a key
_COMPARATIVES = frozenset({"выше", "ниже", "больше", "меньше", "более", "менее", "свыше"})  # «выше 40 567»: a bound
_LIST_SUFFIX = re.compile(r" \((?:число элементов|место)\)$")
_INTERVAL_WORDS = re.compile(r"интервал|доверит|от\s", re.IGNORECASE)  # an interval's ends support only such text
_TOP_WORDS = re.compile(r"(?<![а-яё])(?:сам\w+\s+(?:сильн|высок|больш|крупн|загруж|дорог|долг|поздн)\w*"
                        r"|лидер\w*|лидир\w*|больше\s+всего|чаще\s+всего|дольше\s+всего|наибольш\w*|максимальн\w*|максимум\w*|пик\w*"
                        r"|сильнее\s+всего|хуже\s+всех|на\s+первом\s+месте)", re.IGNORECASE)
_BOTTOM_WORDS = re.compile(r"(?<![а-яё])(?:сам\w+\s+(?:слаб|низк|мал|дешёв|дешев|быстр|ранн)\w*|аутсайдер\w*"
                           r"|меньше\s+всего|реже\s+всего|быстрее\s+всего|наименьш\w*|минимальн\w*|минимум\w*"
                           r"|лучше\s+всех|на\s+последнем\s+месте)", re.IGNORECASE)
_NEAR = 40  # characters between the parts of a two-part label named together
_REST_PART = -2
_PLACE_PERIOD = re.compile(
    r"(?<![а-яё])(?P<which>перв\w*|последн\w*)\s+(?P<full>полн\w*\s+)?(?:период\w*|недел\w*|месяц\w*|день|дн[яеюё]\w*"
    r"|квартал\w*|год\w*)", re.IGNORECASE)
_PHANTOM = -1


def quoted_labels(text: str, index: _Index) -> list[tuple[int, int, list[str]]]:
    """(start, end, entities) of every label the text quotes exactly as the sheet writes it («1», «0.0 · a»,
    «(группа из одной строки)»; «» is both a column « » and a blank value): a name however it looks, its digits
    are not numbers to check."""
    found = []
    for m in _QUOTED.finditer(text):
        names = index.labels.get(" ".join(m.group()[1:-1].split()))
        if names:
            found.append((m.start(), m.end(), names))
    return found


def _mentions(text: str, index: _Index, claims: list[NumberClaim]) -> list[Mention]:
    """Where the text names each part: a label quoted exactly names its own parts and nothing else («-1e+308»
    is not «1e+308»); elsewhere names by their words, periods, the rest, «первый период»."""
    quoted = quoted_labels(text, index)
    exact = [Mention(start, end, part, weak=name in index.clause_only, entity=name) for start, end, names in quoted
             for name in names for part in index.entities[name]]
    return sorted(set(exact) | {m for m in _word_mentions(text, index, claims)
                                if not any(start <= m.start < end for start, end, _ in quoted)})


_COUNT_NOUNS = frozenset({"группа", "строка", "значение", "столбец", "период", "пара", "ячейка", "пропуск"})


def _word_mentions(text: str, index: _Index, claims: list[NumberClaim]) -> list[Mention]:
    found: list[Mention] = []
    numbers = [(c.start + (1 if c.signed else 0), c.end) for c in claims]  # «-5 · январь»: the code is a name part
    # a number that counts groups, rows… («остальные 5 групп») is a count, not the code «-5» of a group
    counted = {span for span, claim in zip(numbers, claims, strict=True)
               if (word := _NEXT_WORD.match(text, claim.end)) and lemmas(word.group(1)) & _COUNT_NOUNS}
    # a digit inside a longer number («1,43», «10 592») is not a name part («EWR · 5»)
    tokens = [(start, end, lemmas(word)) for start, end, word in words(text)
              if not word.isdigit() or ((start, end) not in counted
                                        and not any(a <= start and end <= b and (a, b) != (start, end)
                                                    for a, b in numbers))]
    covered: set[int] = set()
    for position, (start, _, forms) in enumerate(tokens):
        for lemma in forms:
            for part_id in index.first_words.get(lemma, ()):
                part = index.parts[part_id]
                size = len(part.tokens)
                window = tokens[position:position + size]
                if len(window) == size and all(token[2] & wanted for token, wanted in zip(window, part.tokens,
                                                                                           strict=True)):
                    found.append(Mention(start, window[-1][1], part_id))
                    covered.update(range(position, position + size))
    for position, (start, end, forms) in enumerate(tokens):
        if position in covered:
            continue
        owners = {index.distinctive[lemma] for lemma in forms if lemma in index.distinctive}
        if len(owners) == 1:
            found.append(Mention(start, end, owners.pop()))
    if index.periods:
        mentions = period_mentions(text)
        if any(_yearly(index.parts[part_id].period) for part_id in index.periods):
            mentions += year_mentions(text, mentions)
        for mention in mentions:
            matched = [part_id for part_id in index.periods
                       if (key := index.parts[part_id].period) is not None and key.covers(mention.key)]
            found.extend(Mention(mention.start, mention.end, part_id) for part_id in matched)
            if not matched:
                found.append(Mention(mention.start, mention.end, _PHANTOM))
    found.extend(Mention(m.start(), m.end(), _REST_PART, weak=True) for m in _REST_WORDS.finditer(text))
    for m in _PLACE_PERIOD.finditer(text):
        which = "последний полный период" if m.group("full") else (
            "первый период" if m.group("which").lower().startswith("перв") else "последний период")
        place = index.places.get(which)
        if place is not None:
            found.append(Mention(m.start(), m.end(), place))
    return sorted(set(found))


def _yearly(key: PeriodKey | None) -> bool:
    """A period that is a whole year («2013 год»)."""
    return key is not None and key.year is not None and key.quarter is None and key.month is None and key.day is None


# --- text structure ----------------------------------------------------------------------------

def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    ends = [m.end() for m in pattern.finditer(text) if not any(a < m.start() < b for a, b in quoted)]
    bounds = [0, *ends, len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _around(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for start, end in spans:
        if start <= position < end:
            return start, end
    return 0, 0


@dataclass
class _Text:
    """A narrative split for binding: claims, sentences, clauses, mentions."""

    text: str
    claims: list[NumberClaim]
    sentences: list[tuple[int, int]]
    clauses: list[tuple[int, int]]
    mentions: list[Mention]
    units: list[str | None]


def _claim_units(text: str, claims: list[NumberClaim]) -> list[str | None]:
    """The unit word after each claim; coordinated numbers share the one after the last («21,92 и 20,12 минуты»)."""
    units: list[str | None] = []
    for claim in claims:
        found = text_unit(text, claim.end, claim.start) if claim.kind in ("plain", "multiplier") else None
        units.append(found[0] if found else None)
    for index in range(len(claims) - 2, -1, -1):
        if units[index] is None and claims[index].kind == "plain" and units[index + 1] is not None \
                and _COORDINATION.match(text[claims[index].end:claims[index + 1].start]):
            units[index] = units[index + 1]
    return units


# --- the checks --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on one claim: `supports` are facts it agrees with; `closest` is the nearest fact
    when it is unsupported (for «other_label», the fact the text names); `reason` says why (codes in
    `REASONS`); `belongs_to` is the fact the value really is, when the text attributes it wrongly."""

    claim: NumberClaim
    supports: tuple[FactNumber, ...] = ()
    closest: FactNumber | None = None
    reason: Reason = ""
    belongs_to: FactNumber | None = None
    unit: str | None = None  # the unit word written after the number

    @property
    def status(self) -> Status:
        return "unsupported" if self.reason else "supported"

    @property
    def supported(self) -> bool:
        return not self.reason

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.claim.to_dict(), "status": self.status, "reason": self.reason,
            "supports": [f.label for f in self.supports[:3]],
            "closest": self.closest.to_dict() if self.closest else None,
            "belongs_to": self.belongs_to.to_dict() if self.belongs_to else None,
            "explanation": self.explanation(),
        }

    def explanation(self) -> str:
        """One Russian line for the UI list of unsupported numbers; empty for a supported claim."""
        if not self.reason:
            return ""
        raw = self.claim.raw
        fact = f"«{self.closest.label}» = {self.closest.shown()}" if self.closest else ""
        explain = REASONS[self.reason]
        return explain(raw, fact, self)


def _unit_word(unit: str | None) -> str:
    return _UNIT_NAMES.get(unit or "", "неизвестная единица")


def _explain_not_in_facts(raw: str, fact: str, check: ClaimCheck) -> str:
    if not fact:
        return f"«{raw}»: такого числа нет в сводке фактов."
    return f"«{raw}»: такого числа нет в сводке фактов; ближайшее — {fact}."


def _explain_other_label(raw: str, fact: str, check: ClaimCheck) -> str:
    if check.belongs_to is not None and fact:
        return f"«{raw}»: в сводке {fact}, а {raw} — это «{check.belongs_to.label}»."
    return f"«{raw}»: число не совпадает с тем показателем, который назван рядом."


def _explain_unit(raw: str, fact: str, check: ClaimCheck) -> str:
    known = check.closest.unit if check.closest else None
    return (f"«{raw}»: в тексте {_unit_word(check.unit)}, а в сводке это число в единицах «{_unit_word(known)}»"
            f"{' — ' + fact if fact else ''}.")


def _explain_sign(raw: str, fact: str, check: ClaimCheck) -> str:
    return (f"«{raw}»: знак не тот — слова рядом говорят о другом направлении, чем число в сводке"
            f"{' (' + fact + ')' if fact else ''}.")


REASONS: dict[str, Callable[[str, str, ClaimCheck], str]] = {
    "not_in_facts": _explain_not_in_facts,
    "other_entity": lambda raw, fact, check: f"«{raw}»: это число в сводке относится к другому объекту — {fact}.",
    "other_label": _explain_other_label,
    "unattributed": lambda raw, fact, check: (
        f"«{raw}»: в сводке это число относится к «{check.closest.owner if check.closest else ''}» ({fact}), "
        "а фраза не называет, о чём оно."),
    "unit": _explain_unit,
    "sign": _explain_sign,
    "rate_period": lambda raw, fact, check: (
        f"«{raw}»: в сводке это изменение за другой период ({fact})."),
    "period_absent": lambda raw, fact, check: (
        f"«{raw}»: названного периода нет в сводке; это число относится к «"
        f"{check.closest.owner if check.closest else ''}» ({fact})."),
    "pp_not_difference": lambda raw, fact, check: (
        f"«{raw}»: процентные пункты — это разность двух процентов, а в сводке {fact} — это проценты."),
    "no_ratio": lambda raw, fact, check: (
        f"«{raw}»: в сводке нет такого отношения («во сколько раз»); модель не должна вычислять его сама."),
    "other_statistic": lambda raw, fact, check: (
        f"«{raw}»: назван другой показатель — в сводке это {fact}."),
}


def _candidates(claim: NumberClaim, fact: FactNumber, bare: bool = True) -> list[float]:
    """The fact's value in the claim's unit, through the allowed transformations. `bare` is False
    when a noun follows a plain claim («17,4 строк»): then it does not stand for a percent."""
    if fact.value is None or fact.kind == "date":
        return []
    v = fact.value
    if claim.kind in ("percent", "pp"):
        if fact.kind != "value" or fact.role == "ratio":
            return []
        if claim.kind == "pp" and not _is_difference_of_percents(fact):
            return []
        if fact.percent or (fact.share and abs(v) > 1):
            return [v]
        return [v * 100] if abs(v) <= 1 else []
    if claim.kind == "ordinal":
        return [v] if fact.kind in ("count", "rank") or (fact.kind == "value" and float(v).is_integer()) else []
    if claim.kind == "multiplier":
        return [v] if fact.kind == "value" and fact.role == "ratio" else []
    if fact.kind == "rank":
        return []
    if claim.kind == "year":
        return [v] if fact.kind in ("value", "year") else []
    if fact.kind == "year" and not (claim.value.is_integer() and 1800 <= abs(claim.value) <= 2100):
        return []
    if fact.percent and is_percent_label(fact.label):
        return [v / 100, v] if bare else [v / 100]
    return [v]  # a value of a column in percent («Скидка, %»: среднее 12,68) is written as is


def _is_difference_of_percents(fact: FactNumber) -> bool:
    """Percentage points are a difference of two percents: a gap between shares, or the change or slope of
    a measure in percent — not a relative change («изменение к предыдущему, %»)."""
    if fact.role == "pp":
        return True
    return fact.role in ("change", "gap", "slope") and fact.unit == "pct" and "%" not in fact.key


def _within(claim: NumberClaim, candidate: float) -> bool:
    low, high = claim.interval()
    if claim.kind == "multiplier" and claim.hedge is None and not _POWER_OF_TEN.search(claim.raw):
        half = min(claim.precision, 0.1 * abs(claim.value))  # «в 2 раза» is 1,8–2,2; «в 2·10²⁹² раза» as written
        low, high = claim.value - half, claim.value + half
    if not claim.signed:
        candidate = abs(candidate)
    eps = 1e-9 * max(1.0, abs(candidate))
    return low - eps <= candidate <= high + eps


def _date_matches(claim: NumberClaim, fact: FactNumber) -> bool:
    if fact.kind != "date" or not claim.date or not fact.date:
        return False
    return all(part is None or part == fact_part for part, fact_part in zip(claim.date, fact.date, strict=True))


def _distance(claim: NumberClaim, fact: FactNumber) -> float:
    import datetime as dt

    if claim.kind == "date":
        if fact.kind != "date" or not claim.date or not fact.date:
            return math.inf
        year, month, day = (c if c is not None else f for c, f in zip(claim.date, fact.date, strict=True))
        try:
            said = dt.date(year or 2000, month or 1, day or 1)
            known = dt.date(fact.date[0], fact.date[1] or 1, fact.date[2] or 1)
        except ValueError:
            return math.inf
        return abs((said - known).days)
    options = _candidates(claim, replace(fact, role="ratio") if claim.kind == "multiplier" else fact)
    if not options:
        return math.inf
    target = claim.value
    return min(abs((abs(c) if not claim.signed else c) - target) / max(abs(target), 1e-9) for c in options)


@dataclass
class _Sheet:
    """A payload prepared once for checking many claims."""

    facts: list[FactNumber]
    related: dict[str, set[str]]
    index: _Index
    period: str | None
    ancestors: dict[str, set[str]] = field(default_factory=dict)
    firsts: dict[str, str] = field(default_factory=dict)  # "top"/"bottom" → the first item of the ranked lists


def _prepare(payload: dict[str, Any]) -> _Sheet:
    facts = fact_numbers(payload)
    related: dict[str, set[str]] = {}  # an entity with its ancestors and descendants
    ancestors: dict[str, set[str]] = {}
    for fact in facts:
        for depth, name in enumerate(fact.entities):
            related.setdefault(name, {name}).update(fact.entities[:depth])
            ancestors.setdefault(name, set()).update(fact.entities[:depth])
            for ancestor in fact.entities[:depth]:
                related.setdefault(ancestor, {ancestor}).add(name)
    places = {key: payload[key]["период"] for key in ("первый период", "последний период", "последний полный период")
              if isinstance(payload.get(key), dict) and isinstance(payload[key].get("период"), str)}
    columns = [part for key in ("столбец", "группировка", "показатель") if isinstance(payload.get(key), str)
               for part in payload[key].split(" × ")]
    index = _build_index(related, filter_values(payload), places, columns)
    period = payload.get("период") if isinstance(payload.get("период"), str) else None
    firsts: dict[str, str] = {}
    for place, keys in (("top", ("наибольшие", "сильнейшие связи")), ("bottom", ("наименьшие",))):
        for key in keys:
            items = payload.get(key)
            if isinstance(items, list) and items and (first := item_entity(items[0])) is not None:
                firsts[place] = first
                break
    return _Sheet(facts, related, index, PERIOD_UNITS.get(period or ""), ancestors, firsts)


def _named(claim_index: int, doc: _Text, sheet: _Sheet) -> tuple[set[str], bool, bool]:
    """Entities the claim is about, and whether its clause names a period the sheet does not list.
    An entity is named in the claim's clause when one of its parts is there and all are in the sentence
    up to the clause's end; else the last one named before the claim in its sentence; else all named
    in the sentence."""
    claim = doc.claims[claim_index]
    clause_start, clause_end = _around(doc.clauses, claim.start)
    sentence_start, sentence_end = _around(doc.sentences, claim.start)
    in_clause = [m for m in doc.mentions if clause_start <= m.start < clause_end]
    phantom = _PHANTOM in _parts(in_clause)
    span = [m for m in doc.mentions if sentence_start <= m.start < clause_end
            and (not m.weak or clause_start <= m.start)]
    named = {name for name, parts in sheet.index.entities.items()
             if _parts(_own(in_clause, name)).intersection(parts) and _parts(_own(span, name)).issuperset(parts)
             and _together(parts, _own(span, name))}
    if not named and not phantom:  # «Москва во всех кварталах»: every «Москва · …» group
        named = _partly_named(sheet, in_clause, span)
    if _REST_PART in _parts(in_clause):
        named.add(REST)
    before = [m for m in doc.mentions if sentence_start <= m.start < claim.start and m.part >= 0
              and (not m.weak or m.entity is not None)]  # a label also the column's name: see _same_key
    last_at: dict[str, int] = {}
    for name, parts in sheet.index.entities.items():
        own = _own(before, name)
        if _parts(own).issuperset(parts) and _together(parts, own):
            last_at[name] = max(m.start for m in own if m.part in parts)
    if not last_at and not named and not phantom:
        for name in _partly_named(sheet, before, before):
            last_at[name] = max(m.start for m in _own(before, name) if m.part in sheet.index.entities[name])
    if last_at:
        latest = max(last_at.values())
        named.update(name for name, at in last_at.items() if at == latest)
    elif any(m.part == _REST_PART and sentence_start <= m.start < claim.start for m in doc.mentions):
        named.add(REST)  # «Остальные регионы вместе — 195 заказов, или 16,5 %»
    if named or phantom:
        return named, phantom, True
    every = [m for m in doc.mentions if sentence_start <= m.start < sentence_end and not m.weak]
    named = {name for name, parts in sheet.index.entities.items() if _parts(_own(every, name)).issuperset(parts)}
    return named, phantom, False


def _partly_named(sheet: _Sheet, in_clause: list[Mention], before: list[Mention]) -> set[str]:
    """Two-part labels named by some of their parts, when no named part contradicts the others: «Москва»
    names every «Москва · …» group unless a quarter is named too."""
    positions: dict[int, set[int]] = {}
    for parts in sheet.index.entities.values():
        if len(parts) > 1:
            for position, part in enumerate(parts):
                positions.setdefault(position, set()).add(part)
    found = set()
    for name, parts in sheet.index.entities.items():
        clause, upto = _parts(_own(in_clause, name)), _parts(_own(before, name))
        if len(parts) < 2 or not clause.intersection(parts):
            continue
        if all(part in upto or not upto.intersection(positions[position]) for position, part in enumerate(parts)):
            found.add(name)
    return found


def _sentence_names(claim: NumberClaim, doc: _Text, sheet: _Sheet) -> set[str]:
    sentence_start, sentence_end = _around(doc.sentences, claim.start)
    span = [m for m in doc.mentions if sentence_start <= m.start < sentence_end and not m.weak]
    return {name for name, parts in sheet.index.entities.items()
            if _parts(_own(span, name)).issuperset(parts) and _together(parts, _own(span, name))}


def _together(parts: tuple[int, ...], mentions: list[Mention]) -> bool:
    """The parts of a two-part label are named close together («EWR в мае», ««Москва · март»»), not one
    at each end of a sentence that lists several labels."""
    if len(parts) < 2:
        return True
    places = [[m.start for m in mentions if m.part == part] for part in parts]
    if any(not found for found in places):
        return False
    return any(all(min(abs(anchor - spot) for spot in found) <= _NEAR for found in places[1:])
               for anchor in places[0])


def _coordinated(doc: _Text, sheet: _Sheet) -> dict[int, set[str]]:
    """Entities for coordinated numbers after coordinated names: «F9 и FL … 21,92 и 20,12 минуты
    (соответственно)» pairs them in order; when the counts differ, each number is about the group."""
    simple: dict[int, set[str]] = {}
    for name, parts in sheet.index.entities.items():
        if len(parts) == 1:
            simple.setdefault(parts[0], set()).add(name)
    slots: dict[tuple[int, int], set[str]] = {}
    for m in doc.mentions:
        names = simple.get(m.part, set()) if m.entity is None else simple.get(m.part, set()) & {m.entity}
        if not m.weak and names:
            slots.setdefault((m.start, m.end), set()).update(names)
    spans = sorted(slots)
    paired: dict[int, set[str]] = {}
    for run in _number_runs(doc):
        first = doc.claims[run[0]]
        sentence_start, _ = _around(doc.sentences, first.start)
        if _around(doc.sentences, doc.claims[run[-1]].start)[0] != sentence_start:
            continue
        before = [span for span in spans if sentence_start <= span[0] and span[1] <= first.start]
        if len(before) < 2:
            continue
        group = [before[-1]]
        for span in reversed(before[:-1]):
            if not _NAME_JOINT.match(doc.text[span[1]:group[0][0]]):
                break
            group.insert(0, span)
        if len(group) < 2:
            continue
        ranged = all(doc.claims[index].in_range for index in run)
        if len(group) == len(run) and not ranged:
            paired.update((index, slots[span]) for index, span in zip(run, group, strict=True))
        else:
            whole = set().union(*(slots[span] for span in group))
            paired.update((index, whole) for index in run)
    return paired


def _number_runs(doc: _Text) -> list[list[int]]:
    """Indexes of coordinated numbers («21,92 и 20,12 минуты», «17,4 %, 16,2 % и 16,1 %», «54–55»), two or more."""
    runs: list[list[int]] = []
    for index, claim in enumerate(doc.claims):
        if claim.kind in ("date", "time", "year", "ordinal"):
            continue
        if runs and _joined(doc.text, doc.claims[runs[-1][-1]], claim):
            runs[-1].append(index)
        else:
            runs.append([index])
    return [run for run in runs if len(run) > 1]


def _joined(text: str, previous: NumberClaim, claim: NumberClaim) -> bool:
    between = text[previous.end:claim.start]
    if previous.in_range and claim.in_range and _RANGE_JOINT.match(between):
        return True
    joint = _NUMBER_JOINT.match(between)
    unit = joint.group("unit") if joint else None
    if not joint or not unit:
        return bool(joint)
    following = _NEXT_WORD.match(text, claim.end)  # «21,92 минуты и 20,12 минуты», not «685 рейсов, 21,92»
    return following is not None and _stem(following.group(1)) == _stem(unit.rstrip("."))


def _next_word(text: str, claim: NumberClaim, sentence_end: int) -> str | None:
    """The word right after the claim, in its own sentence only («…больше 27 тыс. Пропущено…» has none)."""
    if claim.raw.endswith(".") and re.match(r"\s+[A-ZА-ЯЁ]", text[claim.end:claim.end + 3]):
        return None
    match = _NEXT_WORD.match(text, claim.end)
    if not match or match.start(1) >= sentence_end:
        return None
    return match.group(1)


def _segment(doc: _Text, claim_index: int) -> str:
    """The words that describe a claim: from the previous number in its clause (or the clause's start)
    up to it, past the parenthesised note of an earlier number («… — 1 (2 строки) и «» — 433»: «строки» are the 2's)."""
    claim = doc.claims[claim_index]
    clause_start, _ = _around(doc.clauses, claim.start)
    start = clause_start
    for other in doc.claims[:claim_index]:
        if clause_start <= other.end <= claim.start and not doc.text[:other.start].rstrip().endswith("("):
            after = _NEXT_WORD.match(doc.text, other.end)  # «4 категориальных и 1 …»: the noun is the 4's
            start = after.end() if after and after.end() <= claim.start else other.end
    closed = doc.text.rfind(")", start, claim.start)
    opened = doc.text.rfind("(", start, closed) if closed >= 0 else -1
    if opened >= 0 and any(other.end <= opened and not doc.text[other.end:opened].strip()
                          for other in doc.claims[:claim_index]):
        start = closed + 1  # the note of the number before it, not «ниже нижней (−63,5) — всего 91»
    return doc.text[start:claim.start]


def _stats_in(text: str) -> set[str]:
    return {stat for stat, pattern in _STAT_WORDS if pattern.search(text)}


@dataclass(frozen=True)
class _Binding:
    """What the text says a claim is about: `named` entities, a `phantom` period the sheet does not
    list, and whether the names come from the claim's clause or just before it (`strong`) rather than
    from anywhere in its sentence."""

    named: set[str]
    phantom: bool = False
    strong: bool = True


def _check(claim_index: int, doc: _Text, sheet: _Sheet, binding: _Binding) -> ClaimCheck:
    claim = doc.claims[claim_index]
    check = _check_reading(claim, claim_index, doc, sheet, binding)
    other = claim.as_thousands()
    if check.supported or other is None:
        return check
    grouped = _check_reading(other, claim_index, doc, sheet, binding)
    return replace(grouped, claim=claim) if grouped.supported else check


def _check_reading(claim: NumberClaim, claim_index: int, doc: _Text, sheet: _Sheet, binding: _Binding) -> ClaimCheck:
    """Value, then unit, sign and rate, then what the claim is about, its statistic and its label."""
    text, facts = doc.text, sheet.facts
    sentence_end = _around(doc.sentences, claim.start)[1]
    next_word = _next_word(text, claim, sentence_end)
    unit = doc.units[claim_index]
    if claim.kind == "date":
        supports = [f for f in facts if _date_matches(claim, f)]
    else:
        bare = next_word is None or next_word.lower() in _LINKING_WORDS
        supports = [f for f in facts if any(_within(claim, c) for c in _candidates(claim, f, bare))]
    if not supports:
        return _absent(claim, facts, unit)
    if claim.kind in ("date", "year", "time"):
        return ClaimCheck(claim, tuple(supports), unit=unit)
    quoted = any(a < claim.start and claim.end < b for a, b in ((m.start(), m.end()) for m in _QUOTED.finditer(text)))
    if quoted and any(f.textual for f in supports):
        return ClaimCheck(claim, tuple(f for f in supports if f.textual), unit=unit)  # «12»: a label quoted
    stage: list[tuple[Reason, Callable[[FactNumber], bool]]] = [
        ("unit", lambda f: unit is None or f.unit is None or f.unit == unit
         or (f.unit == "count" and unit == "count")),
        ("sign", lambda f: _sign_agrees(claim, f, doc)),
        ("rate_period", lambda f: _rate_agrees(claim, f, doc, sheet)),
        ("not_in_facts", lambda f: f.role != "interval" or claim.in_range or bool(
            _INTERVAL_WORDS.search(doc.text[slice(*_around(doc.sentences, claim.start))]))),
    ]
    for reason, keep in stage:
        kept = [f for f in supports if keep(f)]
        if not kept:
            return ClaimCheck(claim, closest=supports[0], reason=reason, belongs_to=supports[0], unit=unit)
        supports = kept
    bound = _bind(claim, claim_index, doc, sheet, binding, supports, unit)
    if isinstance(bound, ClaimCheck):
        return bound
    supports = bound
    segment = _segment(doc, claim_index) + " " + (next_word or "")
    stats = _stats_in(segment)
    if stats and (binding.named or binding.phantom or any(not f.entities for f in supports)):
        kept = [f for f in supports if _stat_agrees(f, stats)]
        if not kept:
            closest = next((f for f in facts if f.stat in stats and f.entities == supports[0].entities), None)
            return ClaimCheck(claim, closest=closest or supports[0], reason="other_statistic",
                              belongs_to=supports[0], unit=unit)
        supports = kept
        wide = _expanded(sheet, binding.named) if binding.strong else set()
        anchored = [f for f in facts if f.entities and f.entities[-1] in wide and f.stat in stats and not f.derived]
        if anchored and not any(f in anchored or (f.entities and f.entities[-1] in wide) for f in supports):
            # «средняя задержка dep_delay — почти 14»: dep_delay's mean is 12,64; 14 is a column count
            return ClaimCheck(claim, closest=anchored[0], reason="other_label", belongs_to=supports[0], unit=unit)
    return _check_label(claim, segment, next_word, sheet, supports, unit)


def _absent(claim: NumberClaim, facts: list[FactNumber], unit: str | None) -> ClaimCheck:
    closest = min(facts, key=lambda f: _distance(claim, f), default=None)
    if closest is not None and not math.isfinite(_distance(claim, closest)):
        closest = None
    if claim.kind == "pp":
        as_percent = replace(claim, kind="percent")
        plain = [f for f in facts if any(_within(as_percent, c) for c in _candidates(as_percent, f))]
        if plain:
            return ClaimCheck(claim, closest=plain[0], reason="pp_not_difference", belongs_to=plain[0], unit=unit)
    if claim.kind == "multiplier":
        return ClaimCheck(claim, closest=closest, reason="no_ratio", unit=unit)
    return ClaimCheck(claim, closest=closest, reason="not_in_facts", unit=unit)


def _sign_agrees(claim: NumberClaim, fact: FactNumber, doc: _Text) -> bool:
    """A negative fact written without a minus needs a word of that direction («раньше», «снижение»);
    a positive change written with such a word (and none of growth) is the wrong way round."""
    if claim.signed or fact.value is None or fact.value == 0:
        return True
    clause = doc.text[slice(*_around(doc.clauses, claim.start))]
    negative, positive = bool(_NEGATIVE.search(clause)), bool(_POSITIVE.search(clause))
    if fact.value < 0:  # the direction may be said once for the sentence: «Тренд — снижение: … (0,6 % …)»
        return negative or (not positive and bool(_NEGATIVE.search(doc.text[slice(*_around(doc.sentences,
                                                                                              claim.start))])))
    if fact.role in ("change", "slope"):
        return positive or not negative
    return True


def _rate_agrees(claim: NumberClaim, fact: FactNumber, doc: _Text, sheet: _Sheet) -> bool:
    """«8 647,7 руб. в неделю» for a slope per month is a different number."""
    if fact.role != "slope" or sheet.period is None:
        return True
    found = text_unit(doc.text, claim.end)
    after = found[1] if found else claim.end
    rate = _RATE.match(doc.text, after)
    return rate is None or _RATE_UNITS[rate.group("p").lower()] == sheet.period


def _stat_agrees(fact: FactNumber, stats: set[str]) -> bool:
    if fact.stat is None:
        return True
    if fact.derived and stats <= {"min", "max"}:
        return True  # «максимум в марте»: the largest of the listed values, not a statistic of its own
    return fact.stat in stats


def _expanded(sheet: _Sheet, names: set[str]) -> set[str]:
    """The named entities with their ancestors and descendants; an entity named together with one of its
    descendants («Отдел «Склад»») stands for that descendant only."""
    ancestors = {other for name in names for other in names if other != name and other in sheet.ancestors.get(name, ())}
    names = names - ancestors
    return set().union(*(sheet.related.get(name, {name}) for name in names)) if names else set()


def _bind(claim: NumberClaim, claim_index: int, doc: _Text, sheet: _Sheet, binding: _Binding,
          supports: list[FactNumber], unit: str | None) -> list[FactNumber] | ClaimCheck:
    """Keep the facts about what the claim's clause talks about; without a name, headline facts and
    the bound facts its words describe (statistic and unit)."""
    named, phantom = binding.named, binding.phantom
    wide = _expanded(sheet, named)
    if named or phantom:
        in_sentence = _sentence_names(claim, doc, sheet)
        kept = [f for f in supports if (not f.entities and _pair_agrees(f, in_sentence, sheet))
                or (f.entities and f.entities[-1] in wide)]
        if not kept:
            reason: Reason = "period_absent" if phantom and not named else "other_entity"
            return ClaimCheck(claim, closest=supports[0], reason=reason, belongs_to=supports[0], unit=unit)
        if not binding.strong:
            return kept
        return _same_key(claim, claim_index, doc, sheet, named, kept, unit)
    kept = [f for f in supports if f.headline]
    if kept:
        return kept
    before = doc.text[_around(doc.sentences, claim.start)[0]:_around(doc.clauses, claim.start)[1]]
    for place, pattern in (("top", _TOP_WORDS), ("bottom", _BOTTOM_WORDS)):  # «самая сильная связь — 0,99»
        first = sheet.firsts.get(place)
        if first and pattern.search(before):
            ranked = [f for f in supports if f.entities and f.entities[-1] == first]
            if ranked:
                return ranked
    sentence = doc.text[_around(doc.sentences, doc.claims[claim_index].start)[0]:
                        _around(doc.clauses, doc.claims[claim_index].start)[1]]
    stats = _stats_in(sentence)
    described = [f for f in supports if f.stat and not f.derived and f.stat in stats
                 and (unit is None or (f.unit is not None and f.unit == unit))]
    if described:
        return described
    return ClaimCheck(claim, closest=supports[0], reason="unattributed", belongs_to=supports[0], unit=unit)


def _pair_agrees(fact: FactNumber, named: set[str], sheet: _Sheet) -> bool:
    """A gap or ratio between the leader and the outsider is not about two other groups; a label written the
    same as one of them («» for «» and « ») may stand for it."""
    if not fact.pair or not named:
        return True
    alike = {name for names in sheet.index.labels.values() if set(names) & set(fact.pair) for name in names}
    return named <= _expanded(sheet, set(fact.pair)) | alike | {name for name in named
                                                                if name not in sheet.index.entities}


def _same_key(claim: NumberClaim, claim_index: int, doc: _Text, sheet: _Sheet, named: set[str],
              supports: list[FactNumber], unit: str | None) -> list[FactNumber] | ClaimCheck:
    """A total written next to a named item that has its own number of that kind («пара посчитана по
    336 776 строкам» while the pair has 327 346 rows) is the item's number, wrongly."""
    if any(f.entities or f.kind != "value" for f in supports):
        return supports
    segment = _segment(doc, claim_index) + " " + (_next_word(doc.text, doc.claims[claim_index], len(doc.text))
                                                   or "")
    stems = {_stem(word) for word in re.findall(r"[а-яё]{3,}", _QUOTED.sub(" ", segment).lower())}
    claim = doc.claims[claim_index]
    sentence_start = _around(doc.sentences, claim.start)[0]
    clause_start = _around(doc.clauses, claim.start)[0]  # «Столбец «0»: 11 строк» is the column's count
    before = [m for m in doc.mentions if sentence_start <= m.start < claim.start
              and (not m.weak or clause_start <= m.start)]
    last_at = {name: max(at) for name in named
               if (at := [m.start for m in _own(before, name) if m.part in sheet.index.entities.get(name, ())])}
    named = {name for name, at in last_at.items() if at == max(last_at.values())}  # the item nearest before it
    own = [f for f in sheet.facts if f.entities and f.entities[-1] in named and f.kind == "value" and not f.textual
           and any(_same_stem(f.key.split(",")[0].lower(), s) for s in stems)
           and any(_same_stem(_stem(f.key.split()[0]), _stem(s.key.split()[0])) for s in supports)]
    if own:
        return ClaimCheck(claim, closest=own[0], reason="other_label", belongs_to=supports[0], unit=unit)
    return supports


def _check_label(claim: NumberClaim, segment: str, next_word: str | None, sheet: _Sheet,
                 supports: list[FactNumber], unit: str | None) -> ClaimCheck:
    """A total written with the words of another total («19 строк» while 19 is the column count;
    «пропуски есть в 19 столбцах» while «столбцов с пропусками» is 6) is a swap between unbound facts."""
    if claim.kind not in ("plain", "percent"):
        return ClaimCheck(claim, tuple(supports), unit=unit)
    owners = {f.entities for f in supports}
    bound = all(f.entities for f in supports)
    if any(f.entities for f in supports) and not bound:
        return ClaimCheck(claim, tuple(supports), unit=unit)
    found = [_SYNONYMS.get(word, word) for word in re.findall(r"[а-яё]{3,}", _QUOTED.sub(" ", segment).lower())
             if not text_unit(word, 0) and word not in _FUNCTION_WORDS]
    stems = {_stem(word) for word in found}
    plain = {_stem(word) for word in found if word not in _COMPARATIVES}  # for rivals: «выше 40 567» is a bound
    noun = {_stem(next_word)} if next_word and len(next_word) >= 3 and not text_unit(next_word, 0) else set()
    if not stems:
        return ClaimCheck(claim, tuple(supports), unit=unit)

    def score(fact: FactNumber, words: set[str]) -> int:
        label = _label_stems(_LIST_SUFFIX.sub("", fact.label) if not fact.entities else fact.key)
        return sum(any(_same_stem(s, t) for t in words) for s in label) + sum(
            any(_same_stem(s, t) for t in noun) for s in label)

    best = max(score(f, stems) for f in supports)
    percent = claim.kind == "percent"
    rivals = [f for f in sheet.facts if (f.kind == "value" or (f.kind == "count" and not percent and not bound))
              and (f.entities in owners and f.key[:1].isupper() if bound else not f.entities)
              and f.percent == percent and not f.textual
              and f not in supports and f.role != "ratio" and not f.label.startswith(tuple(SCOPE_KEYS))]
    top = max(rivals, key=lambda f: score(f, plain), default=None)
    if top is not None and score(top, plain) > best:
        return ClaimCheck(claim, closest=top, reason="other_label", belongs_to=supports[0], unit=unit)
    return ClaimCheck(claim, tuple(supports), unit=unit)


# --- the verdict -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """The result of checking a text: one `ClaimCheck` per number, in reading order, and the claim
    words (trend, strength, direction…) checked by lib.verify.claims."""

    text: str
    checks: tuple[ClaimCheck, ...] = field(default_factory=tuple)
    claims: tuple[ClaimWordCheck, ...] = field(default_factory=tuple)
    sheet_numbers: int = 0  # how many numbers the payload holds

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def supported_count(self) -> int:
        return sum(check.supported for check in self.checks)

    @property
    def unsupported(self) -> tuple[ClaimCheck, ...]:
        return tuple(check for check in self.checks if not check.supported)

    @property
    def failed_claims(self) -> tuple[ClaimWordCheck, ...]:
        return tuple(claim for claim in self.claims if not claim.ok)

    @property
    def claims_ok(self) -> bool:
        return not self.failed_claims

    @property
    def ok(self) -> bool:
        return not self.unsupported and self.claims_ok

    @property
    def numberless(self) -> bool:
        """No number in the text although the sheet has numbers: «0 из 0» is not a pass (the model may
        have obeyed an instruction planted in the data, «задержек нет»)."""
        return self.total == 0 and self.sheet_numbers > 0

    def summary(self) -> str:
        text = f"Проверено чисел: {self.supported_count} из {self.total}"
        if self.claims:
            text += f" · утверждений: {sum(c.ok for c in self.claims)} из {len(self.claims)}"
        if self.numberless:
            text += " — в тексте нет ни одного числа из сводки"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"supported": self.supported_count, "total": self.total, "ok": self.ok,
                "numberless": self.numberless,
                "claims": [check.to_dict() for check in self.checks],
                "claim_words": [{"raw": c.raw, "start": c.start, "end": c.end, "ok": c.ok, "reason": c.reason,
                                 "explanation": c.explanation} for c in self.claims],
                "claim_words_ok": sum(c.ok for c in self.claims), "claim_words_total": len(self.claims)}

    def highlighted_markdown(self) -> str:
        """The text as Streamlit markdown, unsupported numbers and failed claims wrapped in
        `:red-background[…]` and every other markdown character escaped, so the model's text cannot
        inject formatting."""
        spans = sorted([(c.claim.start, c.claim.end) for c in self.unsupported]
                       + [(c.start, c.end) for c in self.failed_claims])
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        parts: list[str] = []
        cursor = 0
        for start, end in merged:
            parts.append(escape_markdown(self.text[cursor:start]))
            parts.append(f":red-background[{escape_markdown(self.text[start:end])}]")
            cursor = end
        parts.append(escape_markdown(self.text[cursor:]))
        return "".join(parts)


def escape_markdown(text: str) -> str:
    """Backslash-escape markdown, LaTeX (`$`) and Streamlit directive (`:`) characters."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


_NAME_KEYS = ("набор", "столбец", "группировка", "показатель", "дата", "столбец сегментов")


def _quoted_names(text: str, payload: dict[str, Any]) -> list[tuple[int, int]]:
    """Spans of the sheet's own names quoted whole: the data set, column, grouping, measure, date column, or one
    factor of a grouping («0 (день недели) × Сумма, ₽ (год)»). Their digits are part of a name. Only these
    top-level names: a quoted period label such as «ноябрь 2013» still carries a year to check."""
    names = {" ".join(part.split()) for key in _NAME_KEYS if isinstance(payload.get(key), str)
             for part in [payload[key], *payload[key].split(" × ")]}
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text) if " ".join(m.group()[1:-1].split()) in names]


def verify_numbers(text: str, payload: dict[str, Any]) -> Verdict:
    """Check every number (and claim word) in `text` against `payload` (the exact dict the model was given)."""
    sheet = _prepare(payload)
    names = [(start, end) for start, end, _ in quoted_labels(text, sheet.index)] + _quoted_names(text, payload)
    claims = [c for c in extract_numbers(text) if not any(start < c.start and c.end < end for start, end in names)]
    doc = _Text(text, claims, _spans(_SENTENCE_END, text), _spans(_CLAUSE_END, text),
                _mentions(text, sheet.index, claims), _claim_units(text, claims))
    coordinated = _coordinated(doc, sheet)
    checks = []
    for index in range(len(claims)):
        if index in coordinated:
            named, phantom, strong = coordinated[index], False, True
        else:
            named, phantom, strong = _named(index, doc, sheet)
        checks.append(_check(index, doc, sheet, _Binding(named, phantom, strong)))
    numbers = sum(1 for f in sheet.facts if f.kind in ("value", "count"))
    return Verdict(text, tuple(checks), tuple(check_claims(text, payload)), numbers)


__all__ = ["NBSP", "ClaimCheck", "FactNumber", "Mention", "Verdict", "escape_markdown", "fact_numbers",
           "verify_numbers"]

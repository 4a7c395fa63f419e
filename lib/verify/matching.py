"""Matching numeric claims against the numbers of a fact-sheet payload (policy: see the package docstring)."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

import snowballstemmer

from lib.fmt import NBSP, fmt_date, fmt_int, fmt_month, fmt_num
from lib.verify.numbers import NumberClaim, extract_numbers, month_words

FactKind = Literal["value", "count", "rank", "year", "date"]
Status = Literal["supported", "unsupported"]
Reason = Literal["", "not_in_facts", "other_entity", "other_label"]

_PERCENT_LABEL = re.compile(r"%|процент|pct|percent|п\.\s?п\.", re.IGNORECASE)
_SHARE_LABEL = re.compile(r"дол[яиюе]|share|ratio", re.IGNORECASE)
_LINKING_WORDS = frozenset({"и", "или", "а", "но", "из", "от", "до", "в", "на", "по", "против", "чем"})
_NEXT_WORD = re.compile(r"[\s\u00a0\u202f\u2009]*([A-Za-zА-Яа-яЁё]+)")
_NAME_KEYS = ("имя", "название", "значение", "столбец", "группа", "период", "пара", "name", "value")
_REST_KEYS = frozenset({"прочее", "прочие значения"})  # the groups or values outside the shown lists
_REST = "*прочее"  # their entity: a text names it «остальные», «прочие», never verbatim
_REST_WORDS = re.compile(r"(?<![а-яё])(?:остальн[а-яё]*|проч(?:ее|его|ему|ем|ие|их|им|ими))(?![а-яё])",
                         re.IGNORECASE)
_SCOPE_KEYS = frozenset({"фильтры"})  # filters describe the scope, not an entity: never bound
_SP = r"[\s\u00a0\u202f\u2009]"
# between coordinated numbers («21,92 и 20,12», «17,4 %, 16,2 % и 16,1 %»): a separator, perhaps after a
# unit word that the next number repeats («21,92 минуты и 20,12 минуты»)
_NUMBER_JOINT = re.compile(rf"^{_SP}*(?:(?P<unit>[а-яёa-z]+\.?){_SP}*)?(?:,{_SP}*(?:и{_SP}+)?|и{_SP}+)$",
                           re.IGNORECASE)
# between coordinated entity names («F9 и FL», «UA, B6 и EV», «в июле и в августе»)
_NAME_JOINT = re.compile(rf"^{_SP}*(?:,{_SP}*(?:и{_SP}+|а{_SP}+также{_SP}+)?|и{_SP}+|а{_SP}+также{_SP}+)"
                         rf"(?:(?:в|во|у|на|для|из|от){_SP}+)?$", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s+[A-ZА-ЯЁ\d«\"(])|\n+")
_CLAUSE_END = re.compile(r"[;:]|,(?!\d)|[.!?…]+(?=\s+[A-ZА-ЯЁ\d«\"(])|\n+")
_STEMMER = snowballstemmer.stemmer("russian")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:=])")


@dataclass(frozen=True)
class FactNumber:
    """One number of the payload. `label` is a readable path («столбцы › dep_delay › пропусков, %»),
    `entities` the names of the list items (and named dicts) it lies in, outermost first («dep_delay», or
    «carrier», «UA»; a period as `@2013-07`); `owner` the innermost one as the payload writes it («июль 2013»)."""

    label: str
    value: float | None
    kind: FactKind = "value"
    percent: bool = False
    share: bool = False
    date: tuple[int, int | None, int | None] | None = None
    entities: tuple[str, ...] = ()
    owner: str = ""

    def shown(self) -> str:
        """The fact in Russian notation, for the «closest fact» hint: `336 776`, `17,4 %`, `1 января 2013 г.`"""
        if self.kind == "date" and self.date:
            year, month, day = self.date
            return fmt_date(dt.date(year, month or 1, day)) if day else fmt_month(dt.date(year, month or 1, 1))
        value = self.value if self.value is not None else math.nan
        text = fmt_int(value) if float(value).is_integer() else fmt_num(value, 4)
        return text.replace("-", "−") + (f"{NBSP}%" if self.percent else "")

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "kind": self.kind, "percent": self.percent,
                "date": list(self.date) if self.date else None, "shown": self.shown(),
                "entities": list(self.entities), "owner": self.owner}


def _is_percent_label(key: str) -> bool:
    return bool(_PERCENT_LABEL.search(key))


def _item_name(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in _NAME_KEYS:
            if isinstance(item.get(key), str):
                return item[key]
        for value in item.values():
            if isinstance(value, str):
                return value
    return f"№{index + 1}"


def _item_entity(item: Any) -> str | None:
    """The name of a list item that a text could mention: a name-like key, or its first string."""
    if not isinstance(item, dict):
        return None
    names = [item[key] for key in _NAME_KEYS if isinstance(item.get(key), str)]
    names = names or [value for value in item.values() if isinstance(value, str)][:1]
    name = next((name for name in names if len(name) >= 2 and _LETTER.search(name)), None)
    if name is None:
        return None
    claims = extract_numbers(name)
    if len(claims) == 1 and claims[0].kind == "date" and claims[0].raw == name.strip():
        return _date_key(claims[0]) or name
    return name


def _date_key(claim: NumberClaim) -> str | None:
    """`@2013-07` for «июль 2013», `@2013-07-01` for 2013-07-01: dates name list items (periods),
    and a text names them in any case form («в июле 2013»)."""
    if not claim.date or claim.date[0] is None or claim.date[1] is None:
        return None
    year, month, day = claim.date
    return f"@{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _dict_entity(key: str, node: dict[str, Any]) -> tuple[str, str] | None:
    """(entity, name as written) of a dict under a key, not in a list: its name key («первый период»:
    {"период": "январь 2013", …} is January's), or the rest («прочее»: the groups not listed)."""
    if key in _REST_KEYS:
        return _REST, key
    for name_key in _NAME_KEYS:
        value = node.get(name_key)
        entity = _item_entity({name_key: value}) if isinstance(value, str) else None
        if entity:
            return entity, value
    return None


def _string_facts(text: str, label: str, entities: tuple[str, ...], percent: bool,
                  owner: str = "") -> list[FactNumber]:
    facts: list[FactNumber] = []
    for claim in extract_numbers(text):
        if claim.kind == "date" and claim.date and claim.date[0] is not None:
            year, month, day = claim.date
            facts.append(FactNumber(label, float(year), "date", date=(year, month, day), entities=entities,
                                    owner=owner))
            facts.append(FactNumber(label, float(year), "year", entities=entities, owner=owner))
        elif claim.kind == "date" and claim.date:
            continue  # a day and month without a year says too little to support anything
        elif claim.kind == "year":
            facts.append(FactNumber(label, claim.value, "year", entities=entities, owner=owner))
        else:
            facts.append(FactNumber(label, claim.value, "value", percent=percent or claim.kind in ("percent", "pp"),
                                    entities=entities, owner=owner))
    return facts


def _walk(node: Any, path: tuple[str, ...], entities: tuple[str, ...], percent: bool,
          out: list[FactNumber], owner: str = "", bind: bool = True) -> None:
    """Collect the numbers under `node`; `percent` is set under a key that names a percent. List items
    and named dicts below the root bind what they hold to their name (`entities`, `owner`), except
    under the filters (`bind` False)."""
    label = " › ".join(path) or "—"
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, (int, float)):
        if isinstance(node, float) and not math.isfinite(node):
            return
        share = bool(path) and bool(_SHARE_LABEL.search(path[-1]))
        out.append(FactNumber(label, float(node), "value", percent=percent, share=share, entities=entities,
                              owner=owner))
    elif isinstance(node, str):
        out.extend(_string_facts(node, label, entities, percent, owner))
    elif isinstance(node, dict):
        for key, value in node.items():
            key = str(key)
            out.extend(_string_facts(key, label, entities, percent, owner))
            named = _dict_entity(key, value) if bind and isinstance(value, dict) else None
            inner, inner_owner = ((*entities, named[0]), named[1]) if named else (entities, owner)
            _walk(value, (*path, key), inner, percent or _is_percent_label(key), out, inner_owner,
                  bind and key not in _SCOPE_KEYS)
    elif isinstance(node, (list, tuple)):
        out.append(FactNumber(f"{label} (число элементов)", float(len(node)), "count", entities=entities,
                              owner=owner))
        for index, item in enumerate(node):
            out.append(FactNumber(f"{label} (место)", float(index + 1), "rank", entities=entities, owner=owner))
            name = _item_entity(item) if bind else None
            item_name = _item_name(item, index)
            _walk(item, (*path, item_name), (*entities, name) if name else entities, percent, out,
                  item_name if name else owner, bind)


def fact_numbers(payload: dict[str, Any]) -> list[FactNumber]:
    """Every number a payload states: numeric leaves (with the percent flag from their key), lengths
    of lists and places in them, numbers and dates written inside strings and keys (an ISO date or
    «январь 2013» gives a date fact and a year fact)."""
    out: list[FactNumber] = []
    _walk(payload, (), (), False, out)
    return out


# --- matching ----------------------------------------------------------------------------------

def _candidates(claim: NumberClaim, fact: FactNumber, bare: bool = True) -> list[float]:
    """The fact's value in the claim's unit, through the allowed transformations. `bare` is False
    when a noun follows a plain claim («17,4 строк»): then it does not stand for a percent."""
    if fact.value is None or fact.kind == "date":
        return []
    v = fact.value
    if claim.kind in ("percent", "pp"):
        if fact.kind != "value":
            return []
        if fact.percent or (fact.share and abs(v) > 1):
            return [v]
        return [v * 100] if abs(v) <= 1 else []
    if claim.kind == "ordinal":
        return [v] if fact.kind in ("value", "count", "rank") else []
    if claim.kind == "multiplier":
        return [v] if fact.kind in ("value", "count") and not fact.percent else []
    if fact.kind == "rank":
        return []
    if claim.kind == "year":
        return [v] if fact.kind in ("value", "year") else []
    if fact.kind == "year" and not (claim.value.is_integer() and 1800 <= abs(claim.value) <= 2100):
        return []
    if fact.percent:
        return [v / 100, v] if bare else [v / 100]
    return [v]


def _within(claim: NumberClaim, candidate: float) -> bool:
    low, high = claim.interval()
    if not claim.signed:
        candidate = abs(candidate)
    eps = 1e-9 * max(1.0, abs(candidate))
    return low - eps <= candidate <= high + eps


def _date_matches(claim: NumberClaim, fact: FactNumber) -> bool:
    if fact.kind != "date" or not claim.date or not fact.date:
        return False
    return all(part is None or part == fact_part for part, fact_part in zip(claim.date, fact.date, strict=True))


def _distance(claim: NumberClaim, fact: FactNumber) -> float:
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
    options = _candidates(claim, fact)
    if not options:
        return math.inf
    target = claim.value
    return min(abs((abs(c) if not claim.signed else c) - target) / max(abs(target), 1e-9) for c in options)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in pattern.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _around(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for start, end in spans:
        if start <= position < end:
            return start, end
    return 0, 0


@dataclass(frozen=True, order=True)
class Mention:
    """A place where the text names a payload entity. `weak` for «остальные»/«прочие» (the rest): it
    counts in the claim's own clause only, since «сильнее остальных» compares more than it names."""

    start: int
    end: int
    name: str
    weak: bool = False


def _month_periods(periods: list[str], month: int, day: int | None) -> list[str]:
    """The one period with this month (and day) in any year, or none when several have it."""
    suffix = f"-{month:02d}" + (f"-{day:02d}" if day else "")
    found = [name for name in periods if name[5:].startswith(suffix)]
    return found if len(found) == 1 else []


def _mentions(text: str, entities: set[str], claims: list[NumberClaim]) -> list[Mention]:
    """Where the text names payload entities: names verbatim, periods through its date claims and
    month names («в августе» names August 2013 when no other August is in the payload), the rest
    through «остальные», «прочие»."""
    found: list[Mention] = []
    for name in entities:
        if name.startswith(("@", "*")):
            continue
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        found.extend(Mention(m.start(), m.end(), name) for m in pattern.finditer(text))
    if _REST in entities:
        found.extend(Mention(m.start(), m.end(), _REST, weak=True) for m in _REST_WORDS.finditer(text))
    periods = [name for name in entities if name.startswith("@")]
    if not periods:
        return found
    dates = [claim for claim in claims if claim.kind == "date" and claim.date]
    for claim in dates:
        key = _date_key(claim)
        if key:
            found.extend(Mention(claim.start, claim.end, name) for name in periods
                         if name == key or name.startswith(key + "-") or key.startswith(name + "-"))
        elif claim.date and claim.date[0] is None and claim.date[1]:  # «5 января»
            found.extend(Mention(claim.start, claim.end, name)
                         for name in _month_periods(periods, claim.date[1], claim.date[2]))
    for start, end, month in month_words(text):
        if not any(claim.start <= start < claim.end for claim in dates):
            found.extend(Mention(start, end, name) for name in _month_periods(periods, month, None))
    return found


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on one claim: `supports` are facts it agrees with; `closest` is the nearest fact
    when it is unsupported (for «other_label», the fact the text names); `reason` says why:
    «not_in_facts», «other_entity» (the value belongs to another list item) or «other_label» (the
    value is another total than the noun after it names)."""

    claim: NumberClaim
    supports: tuple[FactNumber, ...] = ()
    closest: FactNumber | None = None
    reason: Reason = ""
    belongs_to: FactNumber | None = None  # the fact the value really is, when the text attributes it wrongly

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
        raw = self.claim.raw
        if not self.reason:
            return ""
        if self.closest is None:
            return f"«{raw}»: такого числа нет в сводке фактов."
        fact = f"«{self.closest.label}» = {self.closest.shown()}"
        if self.reason == "other_entity":
            return f"«{raw}»: это число в сводке относится к другому объекту — {fact}."
        if self.reason == "other_label" and self.belongs_to is not None:
            return f"«{raw}»: в сводке {fact}, а {raw} — это «{self.belongs_to.label}»."
        return f"«{raw}»: такого числа нет в сводке фактов; ближайшее — {fact}."


@dataclass(frozen=True)
class Verdict:
    """The result of checking a text: one `ClaimCheck` per number, in reading order."""

    text: str
    checks: tuple[ClaimCheck, ...] = field(default_factory=tuple)

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
    def ok(self) -> bool:
        return not self.unsupported

    def summary(self) -> str:
        return f"Проверено чисел: {self.supported_count} из {self.total}"

    def to_dict(self) -> dict[str, Any]:
        return {"supported": self.supported_count, "total": self.total, "ok": self.ok,
                "claims": [check.to_dict() for check in self.checks]}

    def highlighted_markdown(self) -> str:
        """The text as Streamlit markdown, unsupported numbers wrapped in `:red-background[…]` and
        every other markdown character escaped, so the model's text cannot inject formatting."""
        parts: list[str] = []
        cursor = 0
        for check in self.unsupported:
            start, end = check.claim.start, check.claim.end
            parts.append(escape_markdown(self.text[cursor:start]))
            parts.append(f":red-background[{escape_markdown(self.text[start:end])}]")
            cursor = end
        parts.append(escape_markdown(self.text[cursor:]))
        return "".join(parts)


def escape_markdown(text: str) -> str:
    """Backslash-escape markdown, LaTeX (`$`) and Streamlit directive (`:`) characters."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _named_near(claim: NumberClaim, clauses: list[tuple[int, int]], sentences: list[tuple[int, int]],
                mentions: list[Mention]) -> set[str]:
    """Entities the claim is about: those named in its clause plus the last one named before it in
    its sentence (not a weak mention); if there are none, all named in its sentence."""
    clause_start, clause_end = _around(clauses, claim.start)
    sentence_start, sentence_end = _around(sentences, claim.start)
    named = {m.name for m in mentions if clause_start <= m.start < clause_end}
    before = [m for m in mentions if sentence_start <= m.start < claim.start and not m.weak]
    if before:
        last = max(m.start for m in before)
        named.update(m.name for m in before if m.start == last)
    if not named:
        named = {m.name for m in mentions if sentence_start <= m.start < sentence_end}
    return named


def _number_runs(text: str, claims: list[NumberClaim]) -> list[list[int]]:
    """Indexes of coordinated numbers («21,92 и 20,12 минуты», «17,4 %, 16,2 % и 16,1 %»), two or more."""
    runs: list[list[int]] = []
    for index, claim in enumerate(claims):
        if claim.kind in ("date", "time", "year", "ordinal"):
            continue
        if runs and _joined(text, claims[runs[-1][-1]], claim):
            runs[-1].append(index)
        else:
            runs.append([index])
    return [run for run in runs if len(run) > 1]


def _joined(text: str, previous: NumberClaim, claim: NumberClaim) -> bool:
    joint = _NUMBER_JOINT.match(text[previous.end:claim.start])
    if not joint or not joint.group("unit"):
        return bool(joint)
    following = _NEXT_WORD.match(text, claim.end)  # «21,92 минуты и 20,12 минуты», not «685 рейсов, 21,92»
    return bool(following) and _stem(following.group(1)) == _stem(joint.group("unit").rstrip("."))


def _coordinated(text: str, claims: list[NumberClaim], sentences: list[tuple[int, int]],
                 mentions: list[Mention]) -> dict[int, set[str]]:
    """Entities for coordinated numbers after coordinated names: «F9 и FL … 21,92 и 20,12 минуты
    (соответственно)» pairs them in order; when the counts differ, each number is about the group."""
    slots: dict[tuple[int, int], set[str]] = {}
    for m in mentions:
        if not m.weak:
            slots.setdefault((m.start, m.end), set()).add(m.name)
    spans = sorted(slots)
    paired: dict[int, set[str]] = {}
    for run in _number_runs(text, claims):
        first = claims[run[0]]
        sentence_start, _ = _around(sentences, first.start)
        if _around(sentences, claims[run[-1]].start)[0] != sentence_start:
            continue
        before = [span for span in spans if sentence_start <= span[0] and span[1] <= first.start]
        if len(before) < 2:
            continue
        group = [before[-1]]
        for span in reversed(before[:-1]):
            if not _NAME_JOINT.match(text[span[1]:group[0][0]]):
                break
            group.insert(0, span)
        if len(group) < 2:
            continue
        if len(group) == len(run):
            paired.update((index, slots[span]) for index, span in zip(run, group, strict=True))
        else:
            whole = set().union(*(slots[span] for span in group))
            paired.update((index, whole) for index in run)
    return paired


def _check(claim: NumberClaim, text: str, facts: list[FactNumber], named: set[str]) -> ClaimCheck:
    check = _check_reading(claim, text, facts, named)
    other = claim.as_thousands()
    if check.supported or other is None:
        return check
    grouped = _check_reading(other, text, facts, named)
    return replace(grouped, claim=claim) if grouped.supported else check


def _check_reading(claim: NumberClaim, text: str, facts: list[FactNumber], named: set[str]) -> ClaimCheck:
    """`named`: the entities the text says the claim is about, with their ancestors and descendants."""
    if claim.kind == "date":
        supports = tuple(f for f in facts if _date_matches(claim, f))
    else:
        next_word = _NEXT_WORD.match(text, claim.end)
        bare = not next_word or next_word.group(1).lower() in _LINKING_WORDS
        supports = tuple(f for f in facts if any(_within(claim, c) for c in _candidates(claim, f, bare)))
    if not supports:
        closest = min(facts, key=lambda f: _distance(claim, f), default=None)
        if closest is not None and not math.isfinite(_distance(claim, closest)):
            closest = None
        return ClaimCheck(claim, closest=closest, reason="not_in_facts")
    if any(not f.entities for f in supports):
        return _check_label(claim, text, facts, supports)
    if named and not any(f.entities[-1] in named for f in supports):
        return ClaimCheck(claim, closest=supports[0], reason="other_entity", belongs_to=supports[0])
    return _check_label(claim, text, facts, supports)


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word.lower().replace("ё", "е"))


def _label_stems(label: str) -> frozenset[str]:
    return frozenset(_stem(word) for word in re.findall(r"[а-яё]{3,}", label.lower()))


def _same_stem(a: str, b: str) -> bool:
    """Snowball leaves «столбец» and «столбц» apart; a long shared start joins them."""
    shorter = min(len(a), len(b))
    common = len(os.path.commonprefix([a, b]))
    return common == shorter >= 4 or common >= max(5, shorter - 1)


def _check_label(claim: NumberClaim, text: str, facts: list[FactNumber],
                 supports: tuple[FactNumber, ...]) -> ClaimCheck:
    """A plain total followed by the noun of another total («19 строк» when 19 is the column count and
    the payload has «строк»: 336776) is a swap between unbound facts."""
    next_word = _NEXT_WORD.match(text, claim.end)
    if claim.kind != "plain" or not next_word or len(next_word.group(1)) < 3 or any(f.entities for f in supports):
        return ClaimCheck(claim, supports)
    noun = _stem(next_word.group(1))
    if any(_same_stem(noun, stem) for f in supports for stem in _label_stems(f.label)):
        return ClaimCheck(claim, supports)
    owners = [f for f in facts if f.kind == "value" and not f.entities and not f.percent
              and any(_same_stem(noun, stem) for stem in _label_stems(f.label.split(" › ")[-1]))]
    if owners:
        return ClaimCheck(claim, closest=owners[0], reason="other_label", belongs_to=supports[0])
    return ClaimCheck(claim, supports)


def verify_numbers(text: str, payload: dict[str, Any]) -> Verdict:
    """Check every number in `text` against `payload` (the exact dict the model was given)."""
    facts = fact_numbers(payload)
    related: dict[str, set[str]] = {}  # an entity with its ancestors and descendants
    for fact in facts:
        for depth, name in enumerate(fact.entities):
            related.setdefault(name, {name}).update(fact.entities[:depth])
            for ancestor in fact.entities[:depth]:
                related.setdefault(ancestor, {ancestor}).add(name)
    claims = extract_numbers(text)
    mentions = _mentions(text, set(related), claims)
    clauses, sentences = _spans(_CLAUSE_END, text), _spans(_SENTENCE_END, text)
    coordinated = _coordinated(text, claims, sentences, mentions)
    checks = []
    for index, claim in enumerate(claims):
        named = coordinated.get(index) or _named_near(claim, clauses, sentences, mentions)
        named = set().union(*(related.get(name, {name}) for name in named)) if named else set()
        checks.append(_check(claim, text, facts, named))
    return Verdict(text, tuple(checks))

"""Claim words in a narrative (trend, strength, direction, ranking, significance) checked against the sheet.

The number verifier checks figures; this module checks the words a statistician would strike out. The
payload says which claims the sheet makes (the keys `lib.facts` emits for this purpose):

- Динамика: `тренд` («рост» | «снижение» | «без выраженного тренда»), from the Mann–Kendall test. A rise or
  fall word (рост, растёт, выросло, увеличилось, снижение, падает, сократилось, уменьшилось…) about the
  series must match it; a flat word (стабильно, без тренда, тренда нет, не растёт…) needs «без выраженного
  тренда». A word about one period against the previous one («выросла по сравнению с ноябрём», «к
  предыдущему периоду») is checked against the sign of `изменение к предыдущему` instead. «значимый
  тренд» needs a trend, «случайные колебания» needs none.
- Связи: each pair's `сила` («сильная» | «умеренная» | «слабая» | «связь не подтверждается») and
  `направление` («прямая» | «обратная», only with a strength word), Spearman's in `сила по Спирмену`
  when it differs; `производные` pairs carry no strength at all. The pair is the one whose two columns the
  sentence names (nearest to the word); the coefficient is the one named in the clause («по Спирмену»),
  else Pearson's.
- Группировки: `лидер` and `аутсайдер` for ranking words (лидирует, на первом месте, больше всего,
  наибольшее / меньше всего, отстаёт, замыкает, наименьшее) about the group named nearest to the word;
  `разрыв значим` (true | false | null) for «значимо» / «не значимо», «случайно».

Russian inflection is handled by matching word stems (lower case, ё as е), not whole forms; negation is a
«не», «ни», «нет» or «без» just before the word, or «нет» just after («роста нет»): a negated rise is a flat
claim. Text in parentheses is skipped when looking for the coefficient a word belongs to. A sentence that
names no entity the sheet knows is not checked (it is counted as no claim), so the checker errs towards
silence rather than false alarms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lib.verify.names import lemmas, words

RISE, FALL, FLAT = "рост", "снижение", "без выраженного тренда"
NOT_CONFIRMED = "связь не подтверждается"

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9_]+(?:-[A-Za-zА-Яа-яЁё0-9_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")
_CLAUSE_END = re.compile(r"[,;:—–]|\s(?:а|но|однако|тогда как|при этом)\s")
_NEGATIONS = {"не", "ни", "нет", "без"}

_RISE_STEMS = ("рост", "раст", "вырос", "выраст", "увелич", "повыс", "повыша", "повышени", "возраст", "прирост")
_FALL_STEMS = ("снижен", "снижа", "сниз", "пада", "паден", "упал", "упад", "сокращ", "сократ", "уменьш",
               "спад", "убыва", "убыл")
_FLAT_STEMS = ("стабил",)
_LOCAL_MARKERS = ("предыдущ", "прошл", "сравнени", "относительно", "по отношению", "чем в", "чем за")
# a clause about one period («в июле задержка выросла») is not a claim about the series' trend
_PERIOD_WORDS = re.compile(r"январ|феврал|март|апрел|\bма[йяе]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|"
                           r"\d{2}\.\d{2}\.\d{4}|квартал|недел|\bлет(?:ом|о|а)\b|\bзим|\bвесн|\bосен|выходн|праздн",
                           re.IGNORECASE)
_SERIES_WORDS = re.compile(r"тренд|в целом|за весь|на протяжении|\bс\s+\w+.*\bпо\s|от\s+\w+.*\bк\s", re.IGNORECASE)
_STRENGTH_STEMS = {"сильн": "сильная", "высок": "сильная", "тесн": "сильная", "умерен": "умеренная",
                   "заметн": "заметная", "слаб": "слабая"}
_DIRECTION_STEMS = {"прям": "прямая", "положительн": "прямая", "обратн": "обратная", "отрицательн": "обратная"}
_NO_RELATION = re.compile(r"связи\s+нет|связи\s+между\s+[^.;:]{1,60}?\s+нет\b|нет\s+(?:никакой\s+)?связи|"
                          r"связь\s+не\s+подтвержда\w*|не\s+связан\w*|"
                          r"связь\s+(?:практически\s+)?отсутству\w*|отсутстви\w*\s+связи", re.IGNORECASE)
_FLAT_PHRASES = re.compile(r"без\s+(?:выраженного\s+|явного\s+|заметного\s+)?тренда|"
                           r"(?:выраженного\s+|явного\s+)?тренда\s+нет|нет\s+(?:выраженного\s+|явного\s+)?тренда|"
                           r"не\s+(?:меняет|изменяет)ся", re.IGNORECASE)
_TOP = re.compile(r"лидир\w*|лидер\w*|на\s+первом\s+месте|больше\s+всего|наибольш\w*|самы[йеяох]\w*\s+высок\w*|"
                  r"максимальн\w*", re.IGNORECASE)
_BOTTOM = re.compile(r"отста\w*|замыка\w*|меньше\s+всего|наименьш\w*|на\s+последнем\s+месте|аутсайдер\w*|"
                     r"самы[йеяох]\w*\s+низк\w*|минимальн\w*", re.IGNORECASE)
_SIGNIFICANT = re.compile(r"(?:статистически\s+)?(?<![\w])(?:не)?значим(?!ост)\w*", re.IGNORECASE)
_CHANCE = re.compile(r"случа(?:йн|ен)\w*", re.IGNORECASE)


@dataclass(frozen=True)
class ClaimWordCheck:
    """One claim word found in the text and what the fact sheet says about it."""

    raw: str
    start: int
    end: int
    ok: bool
    reason: str
    explanation: str


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str


def _normal(text: str) -> str:
    return text.lower().replace("ё", "е")


def _sentences(text: str) -> list[_Span]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append(_Span(start, match.start(), text[start:match.start()]))
        start = match.end()
    if start < len(text):
        spans.append(_Span(start, len(text), text[start:]))
    return spans


def _without_parentheses(text: str) -> str:
    """The text with everything inside (…) replaced by spaces, offsets kept."""
    out, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        out.append(" " if depth else char)
        if char == ")" and depth:
            depth -= 1
    return "".join(out)


def _clause(text: str, position: int) -> tuple[int, int]:
    """Bounds of the clause around `position` (commas, semicolons, colons, dashes, «а»/«но» split clauses)."""
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.end() <= position:
            start = match.end()
        elif match.start() >= position:
            return start, match.start()
    return start, len(text)


def _words_before(text: str, position: int, count: int = 2) -> list[str]:
    return [_normal(w) for w in _WORD.findall(text[max(0, position - 40):position])][-count:]


def _words_after(text: str, position: int, count: int = 2) -> list[str]:
    return [_normal(w) for w in _WORD.findall(text[position:position + 30])][:count]


def _negated(text: str, start: int, end: int) -> bool:
    """«не растёт», «ни рост», «без роста», «роста нет», «значимого тренда нет», «незначимый»."""
    before = _words_before(text, start)
    word = _normal(text[start:end])
    return bool(set(before) & _NEGATIONS) or "нет" in _words_after(text, end) or word.startswith("незначим")


def _check(raw: str, start: int, ok: bool, reason: str, explanation: str) -> ClaimWordCheck:
    return ClaimWordCheck(raw, start, start + len(raw), ok, "" if ok else reason, explanation)


# --- Динамика ---------------------------------------------------------------------------------------------


def _trend_word(word: str) -> str | None:
    norm = _normal(word)
    if norm.startswith(_RISE_STEMS):
        return RISE
    if norm.startswith(_FALL_STEMS):
        return FALL
    if norm.startswith(_FLAT_STEMS):
        return FLAT
    return None


def _local_change(payload: Mapping[str, Any]) -> float | None:
    last_full = payload.get("последний полный период")
    if isinstance(last_full, Mapping) and last_full.get("изменение к предыдущему") is not None:
        return float(last_full["изменение к предыдущему"])
    change = payload.get("изменение к предыдущему")
    return None if change is None else float(change)


def _trend_claims(sentence: _Span, payload: Mapping[str, Any]) -> list[ClaimWordCheck]:
    stated = payload.get("тренд")
    text = sentence.text
    checks: list[ClaimWordCheck] = []
    taken: list[tuple[int, int]] = []
    for match in _FLAT_PHRASES.finditer(text):
        taken.append(match.span())
        ok = stated == FLAT
        checks.append(_check(match.group(), sentence.start + match.start(), ok, "trend_contradicted",
                             f"«{match.group()}»: в сводке тренд — «{stated}» (тест Манна–Кендалла, p < 0,05)"
                             if not ok else f"«{match.group()}»: в сводке — «{FLAT}»"))
    for match in _WORD.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        claimed = _trend_word(match.group())
        if claimed is None:
            continue
        negated = _negated(text, match.start(), match.end())
        if negated and claimed == FLAT:
            continue  # «нестабильно», «не стабильно»: too vague to check
        clause_start, clause_end = _clause(text, match.start())
        clause = _normal(text[clause_start:clause_end])
        if not negated and any(marker in clause for marker in _LOCAL_MARKERS):
            checks.extend(_local_claim(match, sentence, claimed, payload))
            continue
        if _PERIOD_WORDS.search(clause) and not _SERIES_WORDS.search(clause):
            continue
        if negated:
            claimed = FLAT
        ok = claimed == stated
        if ok:
            explanation = f"«{match.group()}»: в сводке тренд — «{stated}»"
        elif stated == FLAT:
            explanation = (f"«{match.group()}»: сводка не подтверждает тренд — «{FLAT}» (тест Манна–Кендалла не "
                           "значим); о росте или снижении ряда писать нельзя")
        else:
            explanation = f"«{match.group()}»: в сводке тренд — «{stated}», а не «{claimed}»"
        reason = "trend_not_stated" if stated == FLAT else "trend_contradicted"
        checks.append(_check(match.group(), sentence.start + match.start(), ok, reason, explanation))
    checks.extend(_significance_in_trend(sentence, stated))
    return checks


def _local_claim(match: re.Match[str], sentence: _Span, claimed: str, payload: Mapping[str, Any]) -> list[
        ClaimWordCheck]:
    change = _local_change(payload)
    if change is None or claimed == FLAT:
        return []
    ok = (change > 0) if claimed == RISE else (change < 0)
    said = "выросло" if change > 0 else "снизилось" if change < 0 else "не изменилось"
    return [_check(match.group(), sentence.start + match.start(), ok, "change_contradicted",
                   f"«{match.group()}»: к предыдущему периоду значение {said} (изменение {change:+g})")]


def _significance_in_trend(sentence: _Span, stated: Any) -> list[ClaimWordCheck]:
    checks = []
    text = sentence.text
    for match in _SIGNIFICANT.finditer(text):
        if "тренд" not in _normal(text):
            continue
        negated = _negated(text, match.start(), match.end())
        ok = (stated == FLAT) if negated else (stated in (RISE, FALL))
        checks.append(_check(match.group(), sentence.start + match.start(), ok, "significance_contradicted",
                             f"«{match.group()}»: в сводке тренд — «{stated}»"))
    for match in _CHANCE.finditer(text):
        if _negated(text, match.start(), match.end()):
            continue
        ok = stated == FLAT
        checks.append(_check(match.group(), sentence.start + match.start(), ok, "significance_contradicted",
                             f"«{match.group()}»: в сводке тренд — «{stated}»"))
    return checks


# --- Связи ------------------------------------------------------------------------------------------------


def _pairs(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    pairs = [p for p in payload.get("сильнейшие связи") or [] if isinstance(p, Mapping)]
    chosen = payload.get("выбранная пара")
    if isinstance(chosen, Mapping) and "сила" in chosen:
        pairs.append(chosen)
    derived = [{**d, "производная": d.get("почему", "")} for d in payload.get("производные") or []
               if isinstance(d, Mapping)]
    return pairs + derived


def _mentions(text: str, name: str) -> list[int]:
    """Where `text` names `name`, in any case form («у Иванова Ивана Ивановича», «бытовой техники»): word by
    word through lib.verify.names' dictionary forms, as the number verifier binds names."""
    if not re.search(r"\w", name):  # an empty or blank label would match everywhere: it is never named
        return []
    pattern = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])", re.IGNORECASE)
    found = {m.start() for m in pattern.finditer(text)}
    wanted = [lemmas(word) for _, _, word in words(name)]
    tokens = words(text)
    if wanted:
        for index in range(len(tokens) - len(wanted) + 1):
            if all(lemmas(tokens[index + k][2]) & wanted[k] for k in range(len(wanted))):
                found.add(tokens[index][0])
    return sorted(found)


def _pair_for(text: str, position: int, pairs: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The pair both of whose columns the sentence names, nearest to `position`; a pair label quoted exactly
    first, the last one before the word, else the first after it («a@month —»: a blank column is named only so)."""
    quoted = [(spot > position, abs(spot - position), index) for index, pair in enumerate(pairs)
              for spot in _quoted(text, str(pair.get("пара", "")))]
    if quoted:
        return pairs[min(quoted)[2]]
    best: tuple[int, Mapping[str, Any]] | None = None
    for pair in pairs:
        names = str(pair.get("пара", "")).split(" — ")
        if len(names) != 2:
            continue
        spots = [_mentions(text, name) for name in names]
        if not all(spots):
            continue
        distance = max(min(abs(s - position) for s in spot) for spot in spots)
        if best is None or distance < best[0]:
            best = (distance, pair)
    return None if best is None else best[1]


def _coefficient(masked: str, position: int) -> str:
    """The coefficient a word belongs to: the one named nearest in its clause, else the last one named
    before it in the sentence («по Спирмену — умеренная»), else Pearson's."""
    start, end = _clause(masked, position)
    text = _normal(masked)
    mentions = [(m.start(), "Спирмен") for m in re.finditer(r"спирмен", text)]
    mentions += [(m.start(), "Пирсон") for m in re.finditer(r"пирсон", text)]
    inside = [(abs(spot - position), name) for spot, name in mentions if start <= spot < end]
    if inside:
        return min(inside)[1]
    before = [(spot, name) for spot, name in mentions if spot < position]
    return max(before)[1] if before else "Пирсон"


def _stated_words(pair: Mapping[str, Any], coefficient: str) -> tuple[str, str | None]:
    if coefficient == "Спирмен" and "сила по Спирмену" in pair:
        return str(pair["сила по Спирмену"]), pair.get("направление по Спирмену")
    return str(pair.get("сила", NOT_CONFIRMED)), pair.get("направление")


def _relation_claims(sentence: _Span, payload: Mapping[str, Any]) -> list[ClaimWordCheck]:
    pairs = _pairs(payload)
    text = sentence.text
    masked = _without_parentheses(text)
    checks: list[ClaimWordCheck] = []
    taken: list[tuple[int, int]] = []
    for match in _NO_RELATION.finditer(masked):
        taken.append(match.span())
        pair = _pair_for(text, match.start(), pairs)
        if pair is None:
            continue
        strength, _ = _stated_words(pair, _coefficient(masked, match.start()))
        ok = "производная" in pair or strength == NOT_CONFIRMED
        checks.append(_check(text[match.start():match.end()], sentence.start + match.start(), ok,
                             "strength_contradicted",
                             f"«{match.group()}»: в сводке связь пары «{pair['пара']}» — «{strength}»"))
    for match in _WORD.finditer(masked):
        if any(a <= match.start() < b for a, b in taken):
            continue
        norm = _normal(match.group())
        strength_word = next((w for stem, w in _STRENGTH_STEMS.items() if norm.startswith(stem)), None)
        direction_word = next((w for stem, w in _DIRECTION_STEMS.items() if norm.startswith(stem)), None)
        if strength_word is None and direction_word is None:
            continue
        if strength_word is not None and norm.startswith("сильн") and _words_before(masked, match.start(), 1) == [
                "очень"]:
            strength_word = "сильная"
        pair = _pair_for(text, match.start(), pairs)
        if pair is None or _negated(masked, match.start(), match.end()):
            continue
        checks.append(_pair_claim(match, sentence, pair, _coefficient(masked, match.start()), strength_word,
                                  direction_word))
    return checks


def _pair_claim(match: re.Match[str], sentence: _Span, pair: Mapping[str, Any], coefficient: str,
                strength_word: str | None, direction_word: str | None) -> ClaimWordCheck:
    raw, start = match.group(), sentence.start + match.start()
    name = pair["пара"]
    if "производная" in pair:
        return _check(raw, start, False, "derived_pair",
                      f"«{raw}»: пара «{name}» производная ({pair['производная']}) — о силе её связи сводка не "
                      "говорит")
    strength, direction = _stated_words(pair, coefficient)
    by = "по Спирмену" if coefficient == "Спирмен" else "по Пирсону"
    if strength_word is not None:
        if strength == NOT_CONFIRMED:
            return _check(raw, start, False, "strength_not_confirmed",
                          f"«{raw}»: для пары «{name}» {by} связь не подтверждается (мало строк или 95 % "
                          "интервал включает ноль)")
        ok = strength == strength_word or (strength_word == "заметная" and strength in ("умеренная", "сильная"))
        return _check(raw, start, ok, "strength_contradicted",
                      f"«{raw}»: в сводке связь пары «{name}» {by} — «{strength}»")
    if direction is None:
        return _check(raw, start, False, "direction_not_stated",
                      f"«{raw}»: для пары «{name}» {by} направление не указано — связь не подтверждается")
    return _check(raw, start, direction == direction_word, "direction_contradicted",
                  f"«{raw}»: в сводке направление связи пары «{name}» {by} — «{direction}»")


# --- Группировки ------------------------------------------------------------------------------------------


def _group_labels(payload: Mapping[str, Any]) -> list[str]:
    labels = {payload[k] for k in ("лидер", "аутсайдер") if isinstance(payload.get(k), str)}
    for key in ("наибольшие", "наименьшие"):
        labels |= {g["группа"] for g in payload.get(key) or [] if isinstance(g, Mapping)
                   and isinstance(g.get("группа"), str)}
    return sorted(labels, key=len, reverse=True)


def _quoted(text: str, label: str) -> list[int]:
    """Where `text` quotes `label` exactly as the sheet writes it («1», «-0.0», even a blank «»)."""
    quote = f"«{' '.join(label.split())}»"
    return [m.start() for m in re.finditer(re.escape(quote), text)]


def _nearest_label(text: str, start: int, end: int, labels: list[str]) -> str | None:
    """The group named nearest to the word in its clause (or else in the sentence): a label quoted exactly
    first («0.0» is not «-0.0»), else one named in any case form."""
    clause_start, clause_end = _clause(text, start)
    for bounds in ((clause_start, clause_end), (0, len(text))):
        for find in (_quoted, _mentions):
            best: tuple[int, str] | None = None
            for label in labels:
                for spot in find(text[bounds[0]:bounds[1]], label):
                    spot += bounds[0]
                    distance = start - (spot + len(label)) if spot < start else spot - end
                    if best is None or distance < best[0]:
                        best = (distance, label)
            if best is not None:
                return best[1]
    return None


def _group_claims(sentence: _Span, payload: Mapping[str, Any]) -> list[ClaimWordCheck]:
    text = sentence.text
    checks: list[ClaimWordCheck] = []
    labels = _group_labels(payload)
    leader = payload.get("лидер") or next((g.get("группа") for g in payload.get("наибольшие") or []), None)
    outsider = payload.get("аутсайдер")
    for pattern, stated, role in ((_TOP, leader, "лидер"), (_BOTTOM, outsider, "аутсайдер")):
        for match in pattern.finditer(text):
            if stated is None or _negated(text, match.start(), match.end()):
                continue
            named = _nearest_label(text, match.start(), match.end(), labels)
            if named is None:
                continue
            ok = named.split() == str(stated).split()  # «» is both «» and « »: the text cannot tell them apart
            checks.append(_check(match.group(), sentence.start + match.start(), ok, "rank_contradicted",
                                 f"«{match.group()}»: в сводке {role} — «{stated}», а не «{named}»" if not ok
                                 else f"«{match.group()}»: {role} — «{stated}»"))
    checks.extend(_gap_significance(sentence, payload))
    return checks


def _gap_significance(sentence: _Span, payload: Mapping[str, Any]) -> list[ClaimWordCheck]:
    if "разрыв значим" not in payload:
        return []
    stated = payload["разрыв значим"]
    text = sentence.text
    checks = []
    for pattern, claims_significant in ((_SIGNIFICANT, True), (_CHANCE, False)):
        for match in pattern.finditer(text):
            said = claims_significant != _negated(text, match.start(), match.end())
            if stated is None:
                checks.append(_check(match.group(), sentence.start + match.start(), False, "significance_not_tested",
                                     f"«{match.group()}»: для этого агрегата значимость разрыва не проверялась"))
                continue
            ok = said == bool(stated)
            truth = "значим" if stated else "не значим"
            checks.append(_check(match.group(), sentence.start + match.start(), ok, "significance_contradicted",
                                 f"«{match.group()}»: в сводке разрыв между лидером и аутсайдером {truth}"))
    return checks


def check_claims(text: str, payload: Mapping[str, Any]) -> tuple[ClaimWordCheck, ...]:
    """Every claim word in `text` checked against `payload` (the dict the model saw), in text order."""
    if isinstance(payload.get("тренд"), str) and "последний период" in payload:
        check = _trend_claims
    elif "сильнейшие связи" in payload:
        check = _relation_claims
    elif "группировка" in payload:
        check = _group_claims
    else:
        return ()
    found = [c for sentence in _sentences(text) for c in check(sentence, payload)]
    unique = {(c.start, c.end): c for c in found}
    return tuple(sorted(unique.values(), key=lambda c: c.start))

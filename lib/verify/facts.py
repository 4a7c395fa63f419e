"""The numbers of a fact-sheet payload, each with what it is about: entity, unit, statistic, role."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from lib.fmt import NBSP, fmt_date, fmt_int, fmt_month, fmt_num
from lib.units import column_unit
from lib.verify.names import PART_SEPARATORS, period_key
from lib.verify.numbers import extract_numbers

FactKind = Literal["value", "count", "rank", "year", "date"]

_PERCENT_LABEL = re.compile(r"%|процент|pct|percent|п\.\s?п\.", re.IGNORECASE)
_SHARE_LABEL = re.compile(r"дол[яиюе]|share|ratio", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")
NAME_KEYS = ("имя", "название", "значение", "столбец", "группа", "период", "пара", "name", "value")
REST_KEYS = frozenset({"прочее", "прочие значения"})  # the groups or values outside the shown lists
REST = "*прочее"  # their entity: a text names it «остальные», «прочие», never verbatim
SCOPE_KEYS = frozenset({"фильтры"})  # filters describe the scope, not an entity: never bound

_COUNT_KEYS = re.compile(
    r"^(?:строк(?:-дубликатов| с датой)?|пропусков|заполненных|уникальных|различных значений|значений показателя"
    r"|групп|число|ниже|выше|всего|столбцов(?: с пропусками)?|пустых ячеек|точек на графике|числовых столбцов"
    r"|высокая|средняя|низкая|периодов|пропущенных периодов|сравнений|аномалий|пар|подтверждённых связей"
    r"|периодов в проверке|не вошли(?: ещё)? столбцов|групп(?: в прочем)?|числовой|категория|дата/время|текст"
    r"|логический|идентификатор|пустой)$")
_LABEL_CHARS = 60
_LABEL_WORDS = 6
_PERIOD_COUNT_KEYS = frozenset({"периодов", "пропущенных периодов"})
_STAT_KEYS = {"среднее": "mean", "медиана": "median", "мин": "min", "макс": "max", "ст. отклонение": "std",
              "q1": "q1", "q3": "q3"}
_MEASURE_KEYS = frozenset({"значение", "по всем строкам", "разрыв", "изменение к предыдущему", "наклон за период",
                           "нижняя граница", "верхняя граница"})
_AGGREGATIONS = {"среднее": "mean", "медиана": "median", "сумма": "sum", "количество": "count"}
PERIOD_UNITS = {"день": "day", "неделя": "week", "месяц": "month", "квартал": "quarter", "год": "year"}
_RATIO_LABEL = re.compile(r"во сколько раз|(?<![а-яё])раз(?:а)?$|ratio|отношени", re.IGNORECASE)
_PP_LABEL = re.compile(r"п\.\s?п\.|разрыв, %|разница, %|\bpp\b", re.IGNORECASE)


@dataclass(frozen=True)
class FactNumber:
    """One number of the payload. `label` is a readable path («столбцы › dep_delay › пропусков, %»),
    `entities` the names of the list items (and named dicts) it lies in, outermost first; `owner` the
    innermost one as the payload writes it. `unit` (lib.units codes), `stat` (mean, median, min, max, std,
    q1, q3, sum, count; `derived` when it comes from the sheet's aggregation rather than the key) and
    `role` («change», «slope», «ratio», «gap», «pp») say what kind of number it is; `headline` facts may
    support a clause that names nothing; `pair` is the leader and outsider a gap or ratio compares."""

    label: str
    value: float | None
    kind: FactKind = "value"
    percent: bool = False
    share: bool = False
    date: tuple[int, int | None, int | None] | None = None
    entities: tuple[str, ...] = ()
    owner: str = ""
    unit: str | None = None
    stat: str | None = None
    derived: bool = False
    role: str = ""
    headline: bool = True
    pair: tuple[str, ...] = ()
    textual: bool = False  # written inside a string («набор»: «Рейсы …, 2013»), not a number of its own

    @property
    def key(self) -> str:
        return self.label.rsplit(" › ", 1)[-1]

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
                "entities": list(self.entities), "owner": self.owner, "unit": self.unit}


@dataclass(frozen=True)
class _Context:
    """What the walk knows about the numbers below: the column they describe, the sheet's aggregation."""

    column: str | None = None
    measure: str | None = None
    aggregation: str | None = None
    period: str | None = None
    pair_y: str | None = None
    headline: bool = True
    pair: tuple[str, ...] = ()


def is_percent_label(key: str) -> bool:
    return bool(_PERCENT_LABEL.search(key))


def item_name(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in NAME_KEYS:
            if isinstance(item.get(key), str):
                return str(item[key])
        for value in item.values():
            if isinstance(value, str):
                return value
    return f"№{index + 1}"


def named_in_words(name: str) -> bool:
    """Whether a text can name `name` in its own words: two characters or more with a letter («EWR»), or a
    period («2013»). Other labels («1», «0 · 1», «a») are named only quoted, exactly as written («1»)."""
    return len(name) >= 2 and bool(_LETTER.search(name) or period_key(name))


def item_entity(item: Any) -> str | None:
    """The name of a list item that a text could mention: a name-like key, or its first string. A blank label
    («» — a group or value of empty text) is a name a text can only quote; a blank column is none («вся
    таблица» in an alert)."""
    if not isinstance(item, dict):
        return None
    keyed = [(key, item[key]) for key in NAME_KEYS if isinstance(item.get(key), str)]
    names = [name for _, name in keyed] or [value for value in item.values() if isinstance(value, str)][:1]
    blank = next((name for key, name in keyed if key != "столбец"), None)
    return next((name for name in names if re.search(r"\w", name)), blank)


def _dict_entity(key: str, node: dict[str, Any]) -> tuple[str, str] | None:
    """(entity, name as written) of a dict under a key, not in a list: its name key («первый период»:
    {"период": "январь 2013", …} is January's), or the rest («прочее»: the groups not listed)."""
    if key in REST_KEYS:
        return REST, key
    for name_key in NAME_KEYS:
        value = node.get(name_key)
        entity = item_entity({name_key: value}) if isinstance(value, str) else None
        if entity:
            return entity, str(value)
    return None


def _leaf_meaning(key: str, percent: bool, ctx: _Context) -> tuple[str | None, str | None, bool, str]:
    """(unit, statistic, derived, role) of a numeric leaf under `key`."""
    low = key.lower()
    role = ""
    if _RATIO_LABEL.search(low):
        return None, None, False, "ratio"
    if "интервал" in low:
        role = "interval"
    elif low.startswith("изменение"):
        role = "change"
    elif low.startswith("наклон"):
        role = "slope"
    elif low.startswith("разрыв"):
        role = "gap"
    if _PP_LABEL.search(low):
        return "pct", None, False, "pp"
    if percent:
        return "pct", None, False, role
    if low in _PERIOD_COUNT_KEYS:
        return PERIOD_UNITS.get(ctx.period or ""), None, False, role
    if _COUNT_KEYS.match(low):
        return "count", None, False, role
    if low == "наклон" and ctx.pair_y:
        return column_unit(ctx.pair_y), None, False, "slope"
    if low in _STAT_KEYS:
        column = ctx.column or ctx.measure
        return (column_unit(column) if column else None), _STAT_KEYS[low], False, role
    if low in _MEASURE_KEYS:
        if ctx.column and not ctx.aggregation:
            return column_unit(ctx.column), None, False, role
        stat = _AGGREGATIONS.get(ctx.aggregation or "")
        if ctx.aggregation == "количество":
            return "count", stat, True, role
        if ctx.aggregation and ctx.aggregation.startswith("доля"):
            return "pct", None, True, role
        unit = column_unit(ctx.measure) if ctx.measure else None
        return unit, (stat if low in ("значение", "по всем строкам") else None), True, role
    return None, None, False, role


def _string_facts(text: str, label: str, entities: tuple[str, ...], percent: bool, owner: str,
                  ctx: _Context, key: bool = False) -> list[FactNumber]:
    """Dates and years written in a string or a key («январь 2013», "2013-01"), and the numbers of a short
    label («12», «-5», «EWR · 5»); a number inside a key («наклон, 95 % интервал») or inside a sentence of
    explanation («сильная |r| ≥ 0.7») describes the sheet, it is not a fact of the data."""
    facts: list[FactNumber] = []
    prose = key or len(text) > _LABEL_CHARS or len(text.split()) > _LABEL_WORDS
    for claim in extract_numbers(text):
        if prose and claim.kind not in ("date", "year"):
            continue
        if claim.kind == "date" and claim.date and claim.date[0] is not None:
            year: int = claim.date[0]
            _, month, day = claim.date
            facts.append(FactNumber(label, float(year), "date", date=(year, month, day), entities=entities,
                                    owner=owner, headline=ctx.headline))
            facts.append(FactNumber(label, float(year), "year", entities=entities, owner=owner,
                                    headline=ctx.headline))
        elif claim.kind == "date" and claim.date:
            continue  # a day and month without a year says too little to support anything
        elif claim.kind == "year":
            facts.append(FactNumber(label, claim.value, "year", entities=entities, owner=owner,
                                    headline=ctx.headline))
        else:
            facts.append(FactNumber(label, claim.value, "value", percent=percent or claim.kind in ("percent", "pp"),
                                    entities=entities, owner=owner, headline=ctx.headline, textual=True))
    return facts


def _walk(node: Any, path: tuple[str, ...], entities: tuple[str, ...], percent: bool, out: list[FactNumber],
          ctx: _Context, owner: str = "", bind: bool = True) -> None:
    """Collect the numbers under `node`; `percent` is set under a key that names a percent. List items
    and named dicts below the root bind what they hold to their name (`entities`, `owner`), except
    under the filters (`bind` False)."""
    label = " › ".join(path) or "—"
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, (int, float)):
        if isinstance(node, float) and not math.isfinite(node):
            return
        key = path[-1] if path else ""
        if key.startswith("№") and len(path) > 1:  # an item of a list of numbers («интервал»: [0,86, 0,89])
            key = path[-2]
        share = bool(path) and bool(_SHARE_LABEL.search(key))
        unit, stat, derived, role = _leaf_meaning(key, percent, ctx)
        out.append(FactNumber(label, float(node), "value", percent=percent or unit == "pct" and role != "ratio",
                              share=share, entities=entities, owner=owner, unit=unit, stat=stat, derived=derived,
                              role=role, headline=ctx.headline or not entities, pair=ctx.pair if role in (
                                  "gap", "ratio", "pp") else ()))
    elif isinstance(node, str):
        out.extend(_string_facts(node, label, entities, percent, owner, ctx))
    elif isinstance(node, dict):
        column = next((node[k] for k in ("имя", "столбец") if isinstance(node.get(k), str)), None)
        if column is not None and path:
            ctx = _Context(column, ctx.measure, None, ctx.period, ctx.pair_y, ctx.headline, ctx.pair)
        if isinstance(node.get("пара"), str) and len(parts := PART_SEPARATORS.split(node["пара"])) == 2:
            ctx = _Context(ctx.column, ctx.measure, ctx.aggregation, ctx.period, parts[1], ctx.headline, ctx.pair)
        for key, value in node.items():
            key = str(key)
            out.extend(_string_facts(key, label, entities, percent, owner, ctx, key=True))
            named = _dict_entity(key, value) if bind and isinstance(value, dict) else None
            inner, inner_owner = ((*entities, named[0]), named[1]) if named else (entities, owner)
            inner_ctx = ctx
            if named and not path:  # a named dict at the top: «выбранная пара» is a headline, a period is not
                headline = period_key(named[1]) is None and named[0] != REST
                inner_ctx = _Context(ctx.column, ctx.measure, ctx.aggregation, ctx.period, ctx.pair_y, headline,
                                     ctx.pair)
            elif named:
                inner_ctx = _Context(ctx.column, ctx.measure, ctx.aggregation, ctx.period, ctx.pair_y, False,
                                     ctx.pair)
            _walk(value, (*path, key), inner, percent or is_percent_label(key), out, inner_ctx, inner_owner,
                  bind and key not in SCOPE_KEYS)
    elif isinstance(node, (list, tuple)):
        out.append(FactNumber(f"{label} (число элементов)", float(len(node)), "count", entities=entities,
                              owner=owner, unit="count", headline=ctx.headline or not entities))
        for index, item in enumerate(node):
            out.append(FactNumber(f"{label} (место)", float(index + 1), "rank", entities=entities, owner=owner))
            name = item_entity(item) if bind else None
            name_of_item = item_name(item, index)
            item_ctx = _Context(ctx.column, ctx.measure, ctx.aggregation, ctx.period, ctx.pair_y,
                                ctx.headline if name is None else False, ctx.pair)
            _walk(item, (*path, name_of_item), entities if name is None else (*entities, name), percent, out,
                  item_ctx, owner if name is None else name_of_item, bind)


def _root_context(payload: dict[str, Any]) -> _Context:
    measure = payload.get("показатель") if isinstance(payload.get("показатель"), str) else None
    column = payload.get("столбец") if isinstance(payload.get("столбец"), str) else None
    aggregation = payload.get("агрегат") if isinstance(payload.get("агрегат"), str) else None
    period = payload.get("период") if isinstance(payload.get("период"), str) else None
    leaders, outsiders = payload.get("наибольшие"), payload.get("наименьшие")
    pair: tuple[str, ...] = ()
    if isinstance(leaders, list) and isinstance(outsiders, list) and leaders and outsiders:
        first, last = item_entity(leaders[0]), item_entity(outsiders[0])
        pair = tuple(name for name in (first, last) if name is not None)
    return _Context(column, measure, aggregation, period, None, True, pair)


def fact_numbers(payload: dict[str, Any]) -> list[FactNumber]:
    """Every number a payload states: numeric leaves (with the percent flag from their key), lengths
    of lists and places in them, numbers and dates written inside strings and keys (an ISO date or
    «январь 2013» gives a date fact and a year fact)."""
    out: list[FactNumber] = []
    _walk(payload, (), (), False, out, _root_context(payload) if isinstance(payload, dict) else _Context())
    return out


def filter_values(payload: dict[str, Any]) -> set[str]:
    """Every string under the payload's filters: they describe the scope and never name an entity."""
    found: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, str):
            found.add(node.casefold())
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                collect(value)

    for key in SCOPE_KEYS:
        collect(payload.get(key))
    return found


"""Связи: the strongest pairs with their tests, the derived pairs and the chosen pair."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_int, fmt_num, plural
from lib.narration.templates.common import (
    filtered,
    joined,
    number,
    quoted,
)


def _p(item: dict[str, Any], key: str) -> str | None:
    if item.get(f"{key} меньше") is not None:
        return f"{key} меньше {fmt_num(item[f'{key} меньше'], 3)}"
    if item.get(key) is not None:
        return f"{key} = {fmt_num(item[key], 3)}"
    return None


def _pair(item: dict[str, Any]) -> str:
    """«a — b» (Пирсон 0,91, интервал от 0,91 до 0,92, p меньше 0,001; Спирмен 0,63): сильная прямая связь."""
    parts = []
    if item.get("Пирсон") is not None:
        pearson = f"Пирсон {number(item['Пирсон'])}"
        if item.get("интервал"):
            low, high = item["интервал"]
            pearson += f", интервал от {number(low)} до {number(high)}"
        if (p := _p(item, "p")) is not None:
            pearson += f", {p}"
        parts.append(pearson)
    if item.get("Спирмен") is not None:
        parts.append(f"Спирмен {number(item['Спирмен'])}")
    if item["сила"] == "связь не подтверждается":
        words = "связь не подтверждается"
    else:
        words = f"{item['сила']} {item['направление']} связь по Пирсону"
    spearman = item.get("сила по Спирмену")
    if spearman:
        words += (", по Спирмену связь не подтверждается" if spearman == "связь не подтверждается"
                  else f", по Спирмену — {spearman} {item.get('направление по Спирмену', '')}".rstrip())
    return f"{quoted(item['пара'])} ({'; '.join(parts)}): {words}"


def relations_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [
        f"Связи искали по всем строкам ({fmt_int(p['строк'])}){filtered(p)} между "
        f"{fmt_int(p['числовых столбцов'])} числовыми столбцами: пар — {fmt_int(p['пар'])}, "
        f"подтверждённых связей — {fmt_int(p['подтверждённых связей'])}."
    ]
    strongest = p.get("сильнейшие связи") or []
    if strongest:
        sentences.append(f"Первая по силе пара — {_pair(strongest[0])}.")
    if len(strongest) > 1:
        sentences.append(f"Далее: {joined([_pair(s) for s in strongest[1:3]])}.")
    derived = p.get("производные") or []
    if derived:
        sentences.append(f"Производные пары (один столбец вычисляется из другого, в рейтинг не входят): "
                         f"{joined([quoted(d['пара']) for d in derived])}.")
    chosen = p.get("выбранная пара")
    if chosen:
        if chosen.get("производная"):
            text = (f"На диаграмме рассеяния — производная пара {quoted(chosen['пара'])} ({chosen['производная']}; "
                    f"Пирсон {number(chosen['Пирсон'])}), о силе её связи говорить нечего")
        elif chosen.get("см."):
            text = f"На диаграмме рассеяния — пара {quoted(chosen['пара'])}"
        else:
            text = f"На диаграмме рассеяния — {_pair(chosen)}"
        if chosen.get("наклон") is not None:
            text += f"; наклон линии регрессии — {number(chosen['наклон'])}"
        drawn = chosen["точек на графике"]
        same = [s for s in p.get("сильнейшие связи") or [] if s.get("пара") == chosen["пара"]]
        rows = chosen.get("строк", same[0].get("строк") if same else None)
        if rows is None or drawn < rows:
            text += (f"; на графике {fmt_int(drawn)} {plural(drawn, 'точка', 'точки', 'точек')} случайной выборки, "
                     "только для рисования, коэффициенты посчитаны по всем строкам")
        else:
            text += f"; на графике все {fmt_int(drawn)} {plural(drawn, 'точка', 'точки', 'точек')}"
        sentences.append(text + ".")
    if p.get("не вошли"):
        total = p.get("не вошли, всего")
        sentences.append(f"Не вошли в расчёт{f' (всего {fmt_int(total)})' if total else ''}: "
                         f"{joined([quoted(c) for c in p['не вошли'][:5]])}" + (" и другие." if total else "."))
    return " ".join(sentences[:6])

"""Сравнение: both sides, the change, whether it is significant, and the groups that drove it."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import NBSP
from lib.narration.templates.common import filtered, joined, number, percent_text, quoted, signed, signed_percent


def compare_template(facts: FactSheet) -> str:
    p = facts.payload()
    a, b = p.get("А"), p.get("Б")
    if a is None or b is None or p.get("примечание"):
        return p.get("примечание") or "Сравнивать пока не с чем: выберите стороны сравнения."
    share = "изменение, п.п." in p

    def value(item: dict[str, Any]) -> str:
        shown = item.get("значение, %" if share else "значение")
        if shown is None:
            return "нет значений"
        return f"{number(shown)}{NBSP}%" if share else number(shown)

    sentences = [f"Сравнение {_subject(p, share)}{filtered(p)}: {quoted(a['что'])} — {value(a)}, "
                 f"{quoted(b['что'])} — {value(b)}."]
    if share:
        sentences.append(f"Изменение — {signed(p['изменение, п.п.'])}{NBSP}п.п.")
    elif p.get("изменение") is not None:
        relative = f" ({signed_percent(p['изменение, %'])})" if p.get("изменение, %") is not None else ""
        sentences.append(f"Изменение — {signed(p['изменение'])}{relative}.")
    sentences += _significance(p) + _drivers(p, share) + _partial(p)
    return " ".join(sentences)


def _subject(p: dict[str, Any], share: bool) -> str:
    """«числа строк», «доли значений «arr_delay» больше 0», «показателя «arr_delay» (среднее)»."""
    if p["показатель"] == "число строк":
        return "числа строк"
    if share:
        return f"доли значений {quoted(p['показатель'])} больше 0"
    return f"показателя {quoted(p['показатель'])} ({p['агрегат']})"


def _significance(p: dict[str, Any]) -> list[str]:
    if "тест" not in p:
        return []
    shown = p.get("p-значение")
    if shown is None:
        return [f"Проверить значимость ({p['тест']}) не удалось: на одной из сторон слишком мало значений."]
    p_text = f"p {shown}" if isinstance(shown, str) else f"p = {number(shown)}"
    if p.get("изменение значимо"):
        return [f"Изменение значимо ({p['тест']}, {p_text})."]
    return [f"Изменение не значимо ({p['тест']}, {p_text}): разница может быть случайной."]


def _drivers(p: dict[str, Any], share: bool) -> list[str]:
    if "разбивка" not in p:
        return []
    unit = f"{NBSP}п.п." if share else ""
    key = "вклад, п.п." if share else "вклад"

    def item(group: dict[str, Any]) -> str:
        of_change = group.get("доля изменения, %")
        part = f"; {percent_text(of_change)} изменения" if of_change is not None else ""
        return f"{quoted(group['группа'])} ({signed(group[key])}{unit}{part})"

    out = []
    ups, downs = p.get("больше всего увеличили") or [], p.get("больше всего уменьшили") or []
    if ups:
        out.append(f"По {quoted(p['разбивка'])} больше всего изменение увеличили {joined([item(g) for g in ups])}.")
    if downs:
        out.append(f"Уменьшили его {joined([item(g) for g in downs])}.")
    rate, mix = p.get(f"эффект значений в группах{', п.п.' if share else ''}"), p.get(
        f"эффект структуры{', п.п.' if share else ''}")
    if rate is not None and mix is not None:
        out.append(f"Эффект значений в группах — {signed(rate)}{unit}, эффект структуры (изменения долей групп) — "
                   f"{signed(mix)}{unit}".rstrip(".") + ".")
    changes = [f"появились {joined([quoted(n) for n in p['появились']])}" if p.get("появились") else "",
               f"исчезли {joined([quoted(n) for n in p['исчезли']])}" if p.get("исчезли") else ""]
    if any(changes):
        out.append(f"Группы: {'; '.join(c for c in changes if c)}.")
    return out


def _partial(p: dict[str, Any]) -> list[str]:
    out = [f"Период {quoted(side['что'])} неполный: данные охватывают его не целиком."
           for side in (p["А"], p["Б"]) if side.get("неполный период")]
    if p.get("не сравнивается неполный период"):
        out.append(f"Последний период {quoted(p['не сравнивается неполный период'])} неполный и не сравнивается.")
    return out

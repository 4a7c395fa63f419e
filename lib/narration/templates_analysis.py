"""Deterministic narratives of the analysis pages (columns, groups, trends, relations, quality).

Registered into `lib.narration.templates` on import. Like the overview template, every number comes
from `facts.payload()` and is written the way the page shows it, so the text passes the verifier.
"""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_count, fmt_date, fmt_int
from lib.narration.templates import filtered, joined, number, percent_text, quoted, template_for


def _rows(n: int) -> str:
    return fmt_count(n, "строка", "строки", "строк")


def _signed(value: int | float) -> str:
    return ("+" if value > 0 else "") + number(value)


def _signed_percent(value: int | float) -> str:
    return ("+" if value > 0 else "") + percent_text(value)


@template_for("columns")
def columns_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [
        f"Столбец {quoted(p['столбец'])}, тип — {p['тип']}{filtered(p)}: {_rows(p['строк'])}, "
        f"уникальных значений — {fmt_int(p['уникальных'])}."
    ]
    sentences.append(
        "Пропусков нет." if not p["пропусков"]
        else f"Пропусков — {fmt_int(p['пропусков'])} ({percent_text(p['пропусков, %'])})."
    )
    if "среднее" in p:
        sentences.append(
            f"Среднее — {number(p['среднее'])}, медиана — {number(p['медиана'])}; значения лежат "
            f"от {number(p['мин'])} до {number(p['макс'])}, половина из них — между {number(p['Q1'])} "
            f"и {number(p['Q3'])}."
        )
        outliers = p.get("выбросы (правило IQR)")
        if outliers and outliers["всего"]:
            sentences.append(
                f"По правилу IQR выбросами считаются значения ниже {number(outliers['нижняя граница'])} "
                f"или выше {number(outliers['верхняя граница'])}: таких {fmt_int(outliers['всего'])} "
                f"({percent_text(outliers['доля, %'])}), из них {fmt_int(outliers['ниже'])} снизу "
                f"и {fmt_int(outliers['выше'])} сверху."
            )
        elif outliers:
            sentences.append("Выбросов по правилу IQR нет.")
    top = p.get("частые значения") or []
    if top:
        first = top[0]
        sentence = (
            f"Чаще всего встречается {quoted(first['значение'])}: {_rows(first['строк'])}, "
            f"{percent_text(first['доля, %'])} заполненных значений"
        )
        others = [f"{quoted(t['значение'])} — {percent_text(t['доля, %'])}" for t in top[1:3]]
        if others:
            sentence += f"; за ним {joined(others)}"
        sentences.append(sentence + ".")
        rest = p.get("прочие значения")
        if rest:
            sentences.append(f"Остальные значения вместе — {_rows(rest['строк'])} ({percent_text(rest['доля, %'])}).")
    if p.get("с"):
        days = p.get("дней")
        span = f" ({fmt_count(days, 'день', 'дня', 'дней')})" if days else ""
        sentences.append(f"Даты охватывают период с {fmt_date(p['с'])} по {fmt_date(p['по'])}{span}.")
    return " ".join(sentences[:6])


@template_for("groups")
def groups_template(facts: FactSheet) -> str:
    p = facts.payload()
    share = "разрыв, %" in p or any("доля, %" in g for g in p.get("наибольшие", []))
    key = "доля, %" if share else "значение"

    def shown(value: int | float) -> str:
        return percent_text(value) if share else number(value)

    def group(item: dict[str, Any]) -> str:
        if not share and item[key] == item["строк"]:  # row counts: the value is the number of rows
            return f"{quoted(item['группа'])} — {fmt_int(item[key])}"
        return f"{quoted(item['группа'])} — {shown(item[key])} ({_rows(item['строк'])})"

    sentences = [
        f"Группировка по {quoted(p['группировка'])}{filtered(p)}: показатель {quoted(p['показатель'])}, "
        f"агрегат — {p['агрегат']}, {fmt_count(p['групп'], 'группа', 'группы', 'групп')}."
    ]
    if p.get("по всем строкам") is not None:
        sentences.append(f"По всем строкам значение — {number(p['по всем строкам'])}.")
    leaders = p.get("наибольшие") or []
    if leaders:
        sentences.append(f"Наибольшие значения: {joined([group(g) for g in leaders[:3]])}.")
    outsiders = p.get("наименьшие") or []
    if outsiders:
        sentences.append(f"Наименьшие: {joined([group(g) for g in outsiders[:3]])}.")
    gap = p.get("разрыв, %", p.get("разрыв"))
    if gap is not None and leaders and outsiders:
        text = (f"Разница между {quoted(leaders[0]['группа'])} и {quoted(outsiders[0]['группа'])} — "
                + (f"{number(gap)} п.п." if share else number(gap)))
        if p.get("во сколько раз") is not None:
            text += f", то есть в {number(p['во сколько раз'])} раза"
        sentences.append(text + ".")
    other = p.get("прочее")
    if other:
        sentences.append(
            f"Остальные группы ({fmt_count(other['групп'], 'группа', 'группы', 'групп')}) вместе, "
            "на графике — «прочее»: "
            f"{shown(other[key])}, {_rows(other['строк'])}."
        )
    return " ".join(sentences[:6])


def _period(item: dict[str, Any]) -> str:
    return f"{item['период']}, неполный" if item.get("неполный период") else item["период"]


@template_for("trends")
def trends_template(facts: FactSheet) -> str:
    p = facts.payload()
    first, last = p["первый период"], p["последний период"]
    sentences = [
        f"Динамика показателя {quoted(p['показатель'])} ({p['агрегат']}) по столбцу {quoted(p['дата'])}"
        f"{filtered(p)}, период — {p['период']}: "
        f"{fmt_count(p['периодов'], 'период', 'периода', 'периодов')}.",
        f"В первом периоде ({_period(first)}) значение — {number(first['значение'])}, "
        f"в последнем ({_period(last)}) — {number(last['значение'])}"
        if first["значение"] is not None and last["значение"] is not None
        else f"Ряд начинается периодом {_period(first)} и заканчивается периодом {_period(last)}",
    ]
    change = p.get("изменение к предыдущему")
    if change is not None:
        share = p.get("изменение к предыдущему, %")
        sentences[-1] += (f"; изменение к предыдущему периоду — {_signed(change)}"
                          + (f" ({_signed_percent(share)})" if share is not None else ""))
    last_full = p.get("последний полный период")
    if last_full:
        share = last_full.get("изменение к предыдущему, %")
        sentences[-1] += (f"; последний полный период — {last_full['период']}: {number(last_full['значение'])}, "
                          f"изменение к предыдущему — {_signed(last_full['изменение к предыдущему'])}"
                          + (f" ({_signed_percent(share)})" if share is not None else ""))
    sentences[-1] += "."
    partial = p.get("неполные периоды") or []
    if partial:
        counted = p.get("неполные периоды в тренде и сравнениях") == "учтены"
        sentences.append(f"Неполные периоды (данные или фильтр по дате охватывают их не целиком): {joined(partial)}"
                         + ("; они учтены в расчёте, но сравнивать их с остальными стоит осторожно."
                            if counted else "; в тренд, наибольшие и наименьшие значения и изменения они не вошли."))
    best = p.get("наибольшие") or []
    worst = p.get("наименьшие") or []
    if best:
        text = f"Наибольшее значение — {_period(best[0])}: {number(best[0]['значение'])}"
        if worst:
            text += f"; наименьшее — {_period(worst[0])}: {number(worst[0]['значение'])}"
        sentences.append(text + ".")
    direction = p.get("тренд")
    if p.get("наклон за период") is not None:
        slope = f"наклон {_signed(p['наклон за период'])} за период"
        relative = p.get("наклон за период, % от среднего")
        if relative is not None:
            slope += f", {percent_text(abs(relative))} от среднего уровня"
        if direction in ("рост", "снижение"):
            sentences.append(f"В целом заметен тренд: {direction} ({slope}).")
        else:
            sentences.append(f"Выраженного тренда нет ({slope}).")
    gaps = p.get("пропущенных периодов", 0)
    if gaps:
        listed = joined(list(p.get("пропуски", [])))
        sentences.append(f"Периодов без строк — {fmt_int(gaps)}: {listed}.")
    else:
        sentences.append("Периодов без строк нет.")
    return " ".join(sentences[:6])


def _pair(item: dict[str, Any]) -> str:
    coefficients = []
    if item.get("Пирсон") is not None:
        coefficients.append(f"Пирсон {number(item['Пирсон'])}")
    if item.get("Спирмен") is not None:
        coefficients.append(f"Спирмен {number(item['Спирмен'])}")
    return f"{quoted(item['пара'])} ({', '.join(coefficients)}): {item['сила']}, {item['направление']}"


@template_for("relations")
def relations_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [
        f"Связи искали между {fmt_int(p['числовых столбцов'])} числовыми столбцами по всем "
        f"{fmt_int(p['строк'])} строкам{filtered(p)}."
    ]
    strongest = p.get("сильнейшие связи") or []
    if strongest:
        sentences.append(f"Самая сильная связь — {_pair(strongest[0])}.")
    if len(strongest) > 1:
        sentences.append(f"Далее идут {joined([_pair(s) for s in strongest[1:3]])}.")
    chosen = p.get("выбранная пара")
    if chosen:
        text = f"На диаграмме рассеяния — пара {_pair(chosen)}; строк с обоими значениями — {fmt_int(chosen['строк'])}"
        if chosen.get("наклон") is not None:
            text += f", наклон линии регрессии — {number(chosen['наклон'])}"
        sentences.append(text + ".")
        sentences.append(
            f"На графике {fmt_int(chosen['точек на графике'])} точек случайной выборки, только для рисования; "
            "коэффициенты посчитаны по всем строкам."
        )
    if p.get("не вошли"):
        sentences.append(f"Не вошли в расчёт: {joined([quoted(c) for c in p['не вошли'][:5]])}.")
    return " ".join(sentences[:6])


@template_for("quality")
def quality_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [f"Проверено {_rows(p['строк'])} и {fmt_count(p['столбцов'], 'столбец', 'столбца', 'столбцов')}"
                 f"{filtered(p)}."]
    cells = p["пустых ячеек"]
    sentence = (f"Пустых ячеек — {fmt_int(cells)} ({percent_text(p['пустых ячеек, %'])})" if cells
                else "Пустых ячеек нет")
    duplicates = p["строк-дубликатов"]
    sentence += (f", строк-дубликатов — {fmt_int(duplicates)} ({percent_text(p['строк-дубликатов, %'])})."
                 if duplicates else ", строк-дубликатов нет.")
    sentences.append(sentence)
    counts = p["предупреждений"]
    if any(counts.values()):
        parts = [f"{label} важности — {fmt_int(n)}" for label, n in
                 (("высокой", counts["высокая"]), ("средней", counts["средняя"]), ("низкой", counts["низкая"])) if n]
        sentences.append(f"Предупреждений {joined(parts)}.")
    else:
        sentences.append("Предупреждений нет.")
    alerts = p.get("предупреждения") or []
    described = [_alert(a) for a in alerts[:3]]
    if described:
        sentences.append(f"Главное: {'; '.join(described)}.")
    missing = p.get("пропуски") or []
    if missing:
        top = missing[0]
        sentences.append(f"Больше всего пропусков в столбце {quoted(top['столбец'])} — {fmt_int(top['пропусков'])} "
                         f"({percent_text(top['доля, %'])}).")
    return " ".join(sentences[:6])


def _alert(alert: dict[str, Any]) -> str:
    where = f"столбец {quoted(alert['столбец'])}" if alert.get("столбец") else "вся таблица"
    text = f"{where} — {alert['проблема']}"
    distinct = alert.get("различных значений")
    if distinct == 1 and alert.get("подробно"):
        return f"{text}: всегда {quoted(alert['подробно'])}"
    if distinct is not None:
        return f"{text} ({fmt_int(distinct)} различн.)"
    if "число" in alert:
        amount = fmt_int(alert["число"])
        if alert.get("доля, %") is not None:
            amount += f", {percent_text(alert['доля, %'])}"
        text += f" ({amount})"
    return text

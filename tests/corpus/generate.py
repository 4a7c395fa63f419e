"""Regenerate the verifier corpus's fact sheets: `python -m tests.corpus.generate`.

Each sheet is computed by the real fact functions (flights and three Russian-language tables built here
with a fixed seed) and stored as the exact payload the model sees, in `tests/corpus/sheets/<name>.json`.
The narratives in `narratives/*.yaml` quote values of these payloads. The committed sheets are the payloads
as they were when the narratives were written (2026-12-01, 21:47 UTC): a corpus is only a test while its
texts and sheets belong together, and the verifier must handle every payload shape anyway. To re-check
against today's fact functions, write the sheets elsewhere (`python -m tests.corpus.generate /tmp/sheets`)
and compare: on the payloads of 23:05 UTC (trimmed overview, C's trend and relation keys, groups ranked
from 30 values), 45 narratives no longer fit their sheet — 41 quote a value the sheet no longer holds,
4 became true or false as the data changed (16 → 15 carriers, ratio 1,56 → 1,38) — and none is a verifier
error; new texts for the new shapes are in tests/test_verify_match.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from lib.facts.base import FactSheet, Scope
from lib.facts.columns import column_facts
from lib.facts.groups import group_facts
from lib.facts.overview import overview_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import trend_facts
from lib.filters import apply_filters

SHEETS_DIR = Path(__file__).parent / "sheets"

REGIONS = ["Москва", "Санкт-Петербург", "Нижегородская область", "Свердловская область", "Республика Татарстан",
           "Краснодарский край", "Новосибирская область"]
CATEGORIES = ["Книги", "Бытовая техника", "Одежда", "Продукты", "Электроника", "Игрушки"]
PEOPLE = ["Иванов Иван Иванович", "Петрова Анна Сергеевна", "Смирнов Алексей Петрович",
          "Кузнецова Мария Андреевна", "Попов Дмитрий Олегович", "Васильева Елена Викторовна",
          "Соколов Николай Юрьевич", "Михайлова Ольга Павловна"]
DEPARTMENTS = ["Продажи", "Бухгалтерия", "Разработка", "Склад"]


def sales_frame(seed: int = 11) -> pd.DataFrame:
    """Orders of a shop: declinable region and category names, roubles, a percent column, kilograms."""
    rng = np.random.default_rng(seed)
    n = 1200
    region = rng.choice(REGIONS, n, p=[0.3, 0.2, 0.12, 0.1, 0.1, 0.1, 0.08])
    category = rng.choice(CATEGORIES, n, p=[0.15, 0.2, 0.2, 0.25, 0.12, 0.08])
    base = {"Книги": 900, "Бытовая техника": 24000, "Одежда": 3500, "Продукты": 1200, "Электроника": 18000,
            "Игрушки": 1500}
    revenue = np.array([base[c] for c in category]) * rng.lognormal(0, 0.35, n)
    discount = rng.choice([0, 5, 10, 15, 20, 25], n).astype(float)
    quantity = rng.integers(1, 8, n)
    weight = np.round(rng.gamma(2.0, 1.6, n), 2)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    frame = pd.DataFrame({
        "Дата заказа": dates, "Регион": region, "Категория": category,
        "Выручка, руб.": np.round(revenue, 2), "Скидка, %": discount, "Количество, шт.": quantity,
        "Вес (кг)": weight,
    })
    frame.loc[rng.choice(n, 40, replace=False), "Скидка, %"] = np.nan
    frame.loc[rng.choice(n, 15, replace=False), "Регион"] = None
    return frame


def staff_frame(seed: int = 12) -> pd.DataFrame:
    """Staff list: full names (ФИО), salaries in roubles, a header with a newline, a negative code."""
    rng = np.random.default_rng(seed)
    rows = []
    for index in range(240):
        person = PEOPLE[index % len(PEOPLE)]
        department = DEPARTMENTS[int(rng.integers(0, len(DEPARTMENTS)))]
        salary = float(np.round(rng.normal({"Продажи": 85000, "Бухгалтерия": 70000, "Разработка": 140000,
                                            "Склад": 55000}[department], 9000), -2))
        rows.append({
            "ФИО": person, "Отдел": department, "Оклад, руб.": salary,
            "Премия, %": float(rng.choice([0, 5, 10, 15])), "Стаж, лет": int(rng.integers(0, 25)),
            "Дата приёма": pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 700))),
            "Код\nстатуса": str(rng.choice(["-5", "-1", "0", "3"])),
        })
    frame = pd.DataFrame(rows)
    frame.loc[rng.choice(240, 12, replace=False), "Премия, %"] = np.nan
    return frame


def delivery_frame(seed: int = 13) -> pd.DataFrame:
    """Deliveries: region names, minutes and kilometres, a daily date for weekly trends."""
    rng = np.random.default_rng(seed)
    n = 900
    region = rng.choice(REGIONS[:5], n)
    distance = np.round(rng.gamma(3, 6, n), 1)
    minutes = np.round(20 + distance * 2.2 + rng.normal(0, 12, n)).astype(int)
    dates = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    return pd.DataFrame({
        "Дата": dates, "Регион": region, "Время доставки, мин": minutes, "Расстояние, км": distance,
        "Курьер": rng.choice(["Смирнов", "Кузнецова", "Попов", "Соколов"], n),
        "Стоимость, руб.": np.round(150 + distance * 18 + rng.normal(0, 40, n), 0),
    })


SheetMaker = Callable[[pd.DataFrame, Scope], FactSheet]


def _specs(date_col: str, measure: str, money: str, region: str, category: str) -> list[tuple[str, SheetMaker]]:
    return [
        ("overview", overview_facts),
        ("columns_money", partial(column_facts, column=money)),
        ("columns_region", partial(column_facts, column=region)),
        ("groups_mean", partial(group_facts, dimensions=(region,), measure=money, aggregation="mean")),
        ("groups_sum", partial(group_facts, dimensions=(category,), measure=money, aggregation="sum")),
        ("groups_count", partial(group_facts, dimensions=(region, f"{date_col}@quarter"))),
        ("trends_month", partial(trend_facts, date_column=date_col, measure=money, aggregation="sum",
                                 period="month")),
        ("trends_week", partial(trend_facts, date_column=date_col, measure=measure, aggregation="mean",
                                period="week")),
        ("relations", relation_facts),
        ("quality", quality_facts),
    ]


def sheets() -> Iterator[tuple[str, FactSheet]]:
    """(name, sheet) for every corpus sheet: flights with and without filters, the three tables."""
    from lib.sources.embedded import load_flights

    flights = load_flights()
    jfk = {"categories": {"origin": ["JFK"]}}
    summer = {"date": {"column": "time_hour", "from": "2013-06-01", "to": "2013-08-31"}}
    flight_specs: list[tuple[str, SheetMaker]] = [
        ("overview", overview_facts),
        ("columns_arr_delay", partial(column_facts, column="arr_delay")),
        ("columns_carrier", partial(column_facts, column="carrier")),
        ("columns_distance", partial(column_facts, column="distance")),
        ("groups_carrier_arr_delay", partial(group_facts, dimensions=("carrier",), measure="arr_delay",
                                             aggregation="mean")),
        ("groups_origin_month", partial(group_facts, dimensions=("origin", "time_hour@month"))),
        ("groups_dest_share", partial(group_facts, dimensions=("dest",), aggregation="share")),
        ("trends_count_month", partial(trend_facts, date_column="time_hour", period="month")),
        ("trends_arr_delay_week", partial(trend_facts, date_column="time_hour", measure="arr_delay",
                                          aggregation="mean", period="week")),
        ("trends_distance_quarter", partial(trend_facts, date_column="time_hour", measure="distance",
                                            aggregation="sum", period="quarter")),
        ("relations", relation_facts),
        ("relations_delays", partial(relation_facts, x="dep_delay", y="arr_delay")),
        ("quality", quality_facts),
    ]
    for label, filters in (("", {}), ("_jfk", jfk), ("_summer", summer)):
        frame = apply_filters(flights.frame, filters)
        scope = Scope.of(flights.id, flights.name, filters)
        for name, make in flight_specs:
            if label and name in ("columns_distance", "relations", "trends_distance_quarter"):
                continue
            yield f"flights_{name}{label}", make(frame, scope)
    tables = (
        ("sales", "Продажи магазина", sales_frame(), ("Дата заказа", "Количество, шт.", "Выручка, руб.",
                                                      "Регион", "Категория"),
         {"categories": {"Категория": ["Книги", "Бытовая техника"]}}),
        ("staff", "Сотрудники", staff_frame(), ("Дата приёма", "Стаж, лет", "Оклад, руб.", "ФИО", "Отдел"),
         {"categories": {"Отдел": ["Продажи"]}}),
        ("delivery", "Доставки", delivery_frame(), ("Дата", "Время доставки, мин", "Стоимость, руб.",
                                                    "Регион", "Курьер"),
         {"date": {"column": "Дата", "from": "2024-04-01", "to": "2024-05-31"}}),
    )
    for prefix, title, frame, (date_col, measure, money, region, category), filters in tables:
        specs = _specs(date_col, measure, money, region, category)
        for label, spec_filters in (("", {}), ("_filtered", filters)):
            scoped = apply_filters(frame, spec_filters)
            scope = Scope.of(f"corpus:{prefix}", title, spec_filters)
            for name, make in specs:
                if label and name not in ("overview", "groups_mean", "trends_month", "quality", "columns_region"):
                    continue
                yield f"{prefix}_{name}{label}", make(scoped, scope)


def main() -> int:
    """`python -m tests.corpus.generate [DIR]`: write the sheets to DIR (default: the corpus's sheets/)."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SHEETS_DIR
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, sheet in sheets():
        path = target / f"{name}.json"
        path.write_text(json.dumps(sheet.payload(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        count += 1
    print(f"{count} sheets written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Number verifier (issue 11): corpus figures per error class, and speed.

`python -m bench.verify` runs the verifier over tests/corpus/ (narratives written from real fact sheets, each
with its expected verdict) and prints, per error class, how many texts it judged as expected; then the time
to verify a 10-sentence narrative against the largest sheet (the flights overview and the largest corpus
payload), best of five runs. Targets: 100 % of planted wrong numbers caught, ≤ 2 % of correct texts
rejected, ≤ 50 ms per narrative. Exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from lib.facts.base import Scope
from lib.facts.overview import overview_facts
from lib.sources.embedded import load_flights
from lib.verify import verify_numbers
from tests.corpus.load import CORPUS_DIR, payload, score

CATCH_TARGET = 1.0
FALSE_ALARM_TARGET = 0.02
SPEED_TARGET_MS = 50.0
RUNS = 5

TEN_SENTENCES = " ".join([
    "В наборе 336 776 строк и 19 столбцов.",
    "Пустых ячеек — 46 595, это около 0,7 % всех значений.",
    "Самый частый перевозчик — UA: 58 665 рейсов (17,4 %).",
    "За ним идут B6 и EV — 16,2 % и 16,1 % соответственно.",
    "Больше всего рейсов из EWR — 35,9 %, из JFK — 33 %, из LGA — 31,1 %.",
    "Дальность перелёта (distance) в среднем 1 039,9 мили, максимум — 4 983 мили.",
    "Пропуски есть в dep_time и dep_delay (по 8 255), в arr_time — 8 713.",
    "Средняя задержка вылета (dep_delay) — 12,64 минуты, а медиана отрицательная: −2 минуты.",
    "У tailnum 4 043 различных значения и 2 512 пропусков.",
    "Данные охватывают период с 1 января по 31 декабря 2013 года.",
])


def best_ms(text: str, sheet: dict[str, Any]) -> float:
    verify_numbers(text, sheet)  # warm the lemma cache, as a running app has
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        verify_numbers(text, sheet)
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def figures(context: object) -> list[Any]:
    """The harness's figures: catch rate, false-alarm rate, per-class counts as notes, verification time."""
    from bench.__main__ import Figure

    result = score()
    classes = ", ".join(f"{name} {hits}/{total}" for name, (hits, total) in sorted(result.by_class.items()))
    flights = load_flights()
    overview = overview_facts(flights.frame, Scope.of(flights.id, flights.name)).payload()
    return [
        Figure("verify: planted wrong numbers caught", 100 * result.catch_rate, "%", 100.0, at_least=True,
               note=f"{result.caught} из {result.wrong}"),
        Figure("verify: correct texts rejected", 100 * result.false_alarm_rate, "%", 100 * FALSE_ALARM_TARGET,
               note=f"{result.rejected} из {result.correct}; {classes}"),
        Figure("verify: 10 sentences vs the flights overview", best_ms(TEN_SENTENCES, overview), "мс",
               SPEED_TARGET_MS),
    ]


def main() -> int:
    result = score()
    failed = False
    print(f"{'class':<16} {'as expected':>12}")
    for name, (hits, total) in sorted(result.by_class.items()):
        print(f"{name:<16} {hits:>6} / {total:<5}")
    catch, alarms = result.catch_rate, result.false_alarm_rate
    print(f"caught wrong numbers: {result.caught} of {result.wrong} ({catch:.1%})"
          f"  {'OK' if catch >= CATCH_TARGET else 'MISSED (target 100 %)'}")
    print(f"correct texts rejected: {result.rejected} of {result.correct} ({alarms:.1%})"
          f"  {'OK' if alarms <= FALSE_ALARM_TARGET else 'TOO MANY (target ≤ 2 %)'}")
    failed |= catch < CATCH_TARGET or alarms > FALSE_ALARM_TARGET
    for item, why in result.failures:
        print(f"  {item.source} [{item.error_class}] {item.text[:90]!r}: {why[:160]}")

    flights = load_flights()
    overview = overview_facts(flights.frame, Scope.of(flights.id, flights.name)).payload()
    sheets = sorted((path.stem for path in (CORPUS_DIR / "sheets").glob("*.json")),
                    key=lambda name: len(json.dumps(payload(name), ensure_ascii=False)))
    for label, sheet in (("flights overview", overview), (f"largest corpus sheet ({sheets[-1]})", payload(sheets[-1]))):
        ms = best_ms(TEN_SENTENCES, sheet)
        verdict = "OK" if ms <= SPEED_TARGET_MS else f"SLOW (target {SPEED_TARGET_MS:.0f} ms)"
        print(f"{'10 sentences vs ' + label:<60} {ms:7.1f} ms  {verdict}")
        failed |= ms > SPEED_TARGET_MS
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

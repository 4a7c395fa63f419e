"""Template narratives: natural Russian with correct plurals, and every number passes the verifier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
import pytest

from lib.facts.base import FactSheet, Scope
from lib.facts.overview import overview_facts
from lib.narration import templates
from lib.narration.templates import EMPTY_TEXT, template_narrative
from lib.verify import verify_numbers

NBSP = "\u00a0"


def nb(text: str) -> str:
    """Expected texts are written with `~` where lib.fmt puts a no-break space and `^` for Babel's
    narrow no-break space (before «г.» in dates)."""
    return text.replace("~", NBSP).replace("^", "\u202f")


def overview(frame: pd.DataFrame, name: str = "Т"):
    return overview_facts(frame, Scope.of("test:frame", name))


def first_sentence(text: str) -> str:
    return text.split(". ")[0] + "."


def test_small_frame_template_reads_as_expected(small_frame):
    # by hand: 10 rows × 5 columns; kinds: sales, units numeric; city category; day datetime; paid bool;
    # 3 empty cells of 50 = 6 %; city, sales, paid miss 1 each (10 %); Москва 5 of 10 = 50 %
    assert template_narrative(overview(small_frame, "Тест")) == nb(
        "В наборе «Тест» 10~строк и 5~столбцов. "
        "Среди столбцов 2~числовых, 1~категориальный, 1~с датой и временем и 1~логический. "
        "Пустых ячеек — 3, это 6~% всех значений; больше всего их в столбцах «city», «sales» и «paid» — по 1 (10~%). "
        "Повторяющихся строк нет. "
        "В столбце «city» чаще всего встречается значение «Москва»: 5~строк (50~%). "
        "Даты в столбце «day» охватывают период с 1 января 2024^г. по 10 января 2024^г."
    )


@pytest.mark.parametrize(
    ("rows", "columns", "expected"),
    [
        (1, 1, "1~строка и 1~столбец"),
        (2, 2, "2~строки и 2~столбца"),
        (4, 3, "4~строки и 3~столбца"),
        (5, 5, "5~строк и 5~столбцов"),
        (11, 11, "11~строк и 11~столбцов"),
        (12, 14, "12~строк и 14~столбцов"),
        (21, 21, "21~строка и 21~столбец"),
        (22, 23, "22~строки и 23~столбца"),
        (25, 20, "25~строк и 20~столбцов"),
        (111, 2, "111~строк и 2~столбца"),
        (101, 1, "101~строка и 1~столбец"),
        (1021, 3, "1021~строка и 3~столбца"),
    ],
)
def test_rows_and_columns_agree_in_number(rows: int, columns: int, expected: str):
    frame = pd.DataFrame({f"n{i}": range(i, i + rows) for i in range(columns)})
    assert first_sentence(template_narrative(overview(frame))) == nb(f"В наборе «Т» {expected}.")


@pytest.mark.parametrize(
    ("numeric", "expected"),
    [
        (1, "1~числовой и 1~категориальный"),
        (2, "2~числовых и 1~категориальный"),
        (5, "5~числовых и 1~категориальный"),
        (11, "11~числовых и 1~категориальный"),
        (21, "21~числовой и 1~категориальный"),
    ],
)
def test_column_kinds_agree_in_number(numeric: int, expected: str):
    frame = pd.DataFrame({**{f"n{i}": range(30) for i in range(numeric)}, "c": ["a", "b", "c"] * 10})
    assert nb(f"Среди столбцов {expected}.") in template_narrative(overview(frame))


@pytest.mark.parametrize(
    ("copies", "expected"),
    [(1, "Полных дубликатов — 1~строка."), (2, "Полных дубликатов — 2~строки."),
     (5, "Полных дубликатов — 5~строк."), (21, "Полных дубликатов — 21~строка.")],
)
def test_duplicates_agree_in_number(copies: int, expected: str):
    frame = pd.DataFrame({"x": list(range(30)) + [0] * copies, "y": list(range(30)) + [0] * copies})
    assert nb(expected) in template_narrative(overview(frame))


def test_single_top_missing_column_is_named():
    frame = pd.DataFrame({"a": [1, None, None, 4], "b": [1, 2, None, 4]})
    # 3 empty cells of 8 = 37,5 %; a misses 2 of 4 = 50 %
    assert nb("Пустых ячеек — 3, это 37,5~% всех значений; больше всего их в столбце «a» — 2 (50~%).") in (
        template_narrative(overview(frame)))


def test_no_missing_values_is_said_in_words():
    text = template_narrative(overview(pd.DataFrame({"a": [1, 2, 3]})))
    assert "Пропусков нет: все ячейки заполнены." in text


def test_template_passes_verifier_on_small_frame(small_frame):
    facts = overview(small_frame, "Тест")
    verdict = verify_numbers(template_narrative(facts), facts.payload())
    # 10, 5, 2, 1, 1, 1, 3, 6 %, 1, 10 %, 5, 50 % and the two dates
    assert verdict.ok and verdict.total == 14


def test_template_passes_verifier_on_flights(flights):
    facts = overview_facts(flights.frame, Scope.of(flights.id, flights.name))
    text = template_narrative(facts)
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [(c.claim.raw, c.closest) for c in verdict.unsupported]
    assert verdict.total >= 10
    assert nb(f"{len(flights.frame):,}".replace(",", "~") + "~строк") in text


@pytest.mark.parametrize("seed", range(6))
def test_template_passes_verifier_on_varied_frames(seed: int):
    rng = pd.Series(range(200)).sample(frac=1, random_state=seed).to_numpy()
    frame = pd.DataFrame({
        "id": rng,
        "value": (rng * 1.37 + seed).round(2),
        "group": pd.Series(["альфа", "бета", "гамма", None])[rng % (2 + seed % 3)].to_numpy(),
        "when": pd.Timestamp("2020-02-01") + pd.to_timedelta(rng % 50, unit="D"),
        "flag": rng % 3 == 0,
    })
    frame.loc[frame.index[: seed * 7], "value"] = None
    facts = overview(frame, f"Набор {seed}")
    verdict = verify_numbers(template_narrative(facts), facts.payload())
    assert verdict.ok, [(c.claim.raw, c.closest) for c in verdict.unsupported]


def test_empty_sheet_gets_a_notice():
    facts = overview(pd.DataFrame({"a": pd.Series([], dtype="float64")}))
    assert template_narrative(facts) == EMPTY_TEXT


@dataclass(frozen=True)
class _ToyFacts(FactSheet):
    kind: ClassVar[str] = "toy"
    rows: int = 0
    share: float = 0.0

    def payload(self) -> dict[str, Any]:
        return {"строк": self.rows, "доля, %": self.share, "пропусков": 3, "пропусков, %": 0.2, "список": [1, 2]}


def test_unknown_kind_gets_generic_figures_that_pass_the_verifier():
    facts = _ToyFacts("d", "Игрушка", rows=1234, share=12.5)
    text = template_narrative(facts)
    assert text == nb("Основные показатели: строк — 1234; доля — 12,5~%; пропусков — 3 (0,2~%).")
    assert verify_numbers(text, facts.payload()).ok


def test_registered_template_is_dispatched_by_kind(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(templates.TEMPLATES, "toy", lambda facts: f"Всего {facts.rows}.")
    assert template_narrative(_ToyFacts("d", "Игрушка", rows=7)) == "Всего 7."
    assert "overview" in templates.TEMPLATES


def test_every_page_kind_has_a_template_without_loading_the_ui():
    """The service and CLI never import lib.ui; the analysis templates must register anyway."""
    import subprocess
    import sys
    from pathlib import Path

    code = "from lib.narration.templates import TEMPLATES; print(','.join(sorted(TEMPLATES)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parent.parent, check=True)
    assert result.stdout.strip().split(",") == ["columns", "compare", "groups", "overview", "quality", "relations",
                                                 "trends"]

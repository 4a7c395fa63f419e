"""Group labels that look like numbers («1», «0 · 1», «2013») and the one-row placeholder label: the template
names them quoted, and the verifier binds the numbers after them to them (tests/test_fuzz.py found both).

Before the fix «1» was not a name at all: the facts of group «1» were unbound (any clause could use them) and
the number after «1» bound to the group named before it, so ««(группа из одной строки)» — 2 (1 строка) и «1» —
1 (3 строки)» called the 3 another object's, while ««1» — 8» (group «2»'s sum) passed.
"""

from __future__ import annotations

import pandas as pd

from lib.facts.base import Scope
from lib.facts.columns import column_facts
from lib.facts.groups import SINGLE_ROW_LABEL, group_facts
from lib.facts.overview import overview_facts
from lib.facts.relations import relation_facts
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers

SCOPE = Scope.of("test:labels", "Подписи")
# sums of v by g: «1» — 10 + 10 + 10 = 30 over 3 rows, «2» — 4 + 4 = 8 over 2 rows
NUMERIC = pd.DataFrame({"g": [1, 1, 1, 2, 2], "v": [10, 10, 10, 4, 4]})


def numeric_sheet() -> dict:
    return group_facts(NUMERIC, SCOPE, dimensions=("g",), measure="v", aggregation="sum").payload()


def checks(text: str, payload: dict) -> list[tuple[str, str]]:
    return [(check.claim.raw, check.reason) for check in verify_numbers(text, payload).checks]


def test_template_with_numeric_labels_passes_its_own_check():
    """x = [0, 1, 1, 1, 2] by x, «минимум»: «0» and «2» are one-row groups (placeholder), «1» has 3 rows."""
    facts = group_facts(pd.DataFrame({"x": [0, 1, 1, 1, 2]}), SCOPE, dimensions=("x",), measure="x",
                        aggregation="min")
    text = template_narrative(facts)
    assert f"«{SINGLE_ROW_LABEL}» — 2 (1\u00a0строка) и «1» — 1 (3\u00a0строки)" in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_numbers_after_numeric_labels_bind_to_them():
    assert checks("«1» — 30 (3 строки), «2» — 8 (2 строки).", numeric_sheet()) == [
        ("30", ""), ("3", ""), ("8", ""), ("2", "")]


def test_a_swap_between_numeric_labels_is_caught():
    assert checks("Наибольшие значения: «1» — 8 (3 строки).", numeric_sheet()) == [
        ("8", "other_entity"), ("3", "")]


def test_digits_of_a_quoted_label_are_part_of_the_name():
    """«1» and «2» are names, not claims; the same digits written bare are numbers to check."""
    payload = numeric_sheet()
    assert checks("Разница между «1» и «2» — 22.", payload) == [("22", "")]
    assert [raw for raw, _ in checks("Разница между 1 и 2 — 22.", payload)] == ["1", "2", "22"]


def test_a_bare_digit_does_not_name_a_numeric_label():
    """«группа 2» without quotes names nothing: 30 (group «1»'s sum) is then about no group of the sentence."""
    assert checks("Группа 2 — 30.", numeric_sheet()) == [("2", ""), ("30", "unattributed")]


def test_a_two_part_label_with_a_number_is_named_quoted():
    """«0.0 · a»: the part «0.0» is a number, so the label was never named in full and its count bound elsewhere."""
    frame = pd.DataFrame({"d": [0.0, 0.0, 1.0, 1.0, 1.0], "c": ["a", "a", "b", "b", "b"]})
    facts = group_facts(frame, SCOPE, dimensions=("d", "c"))
    payload = facts.payload()
    assert [g["группа"] for g in payload["наибольшие"] + payload["наименьшие"]] == ["1.0 · b", "0.0 · a"]
    assert checks("Больше всего строк у «1.0 · b» — 3, меньше у «0.0 · a» — 2.", payload) == [("3", ""), ("2", "")]
    assert checks("Больше всего строк у «1.0 · b» — 2.", payload) == [("2", "other_label")]  # «0.0 · a»'s count
    verdict = verify_numbers(template_narrative(facts), payload)
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_a_yearly_group_label_is_a_name_not_a_year_claim():
    frame = pd.DataFrame({"t": pd.to_datetime(["2013-01-05", "2013-02-01", "2014-03-01", "2014-04-01",
                                               "2014-05-01"])})
    facts = group_facts(frame, SCOPE, dimensions=("t@year",))
    payload = facts.payload()
    assert checks("«2014» — 3 строки, «2013» — 2 строки.", payload) == [("3", ""), ("2", "")]
    assert checks("«2013» — 3 строки.", payload) == [("3", "other_entity")]
    verdict = verify_numbers(template_narrative(facts), payload)
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_a_quoted_label_names_only_itself():
    """«-1e+308» shares its words with «1e+308»: quoted, it names only itself."""
    payload = group_facts(pd.DataFrame({"v": [-1e308, -1e308, 1e308, 1e308, 1e308]}), SCOPE,
                          dimensions=("v",)).payload()
    assert (payload["лидер"], payload["аутсайдер"]) == ("1e+308", "-1e+308")
    assert checks("Больше всего строк у «1e+308» — 3, меньше у «-1e+308» — 2.", payload) == [("3", ""), ("2", "")]
    verdict = verify_numbers("Больше всего строк у «-1e+308» — 3.", payload)
    assert [(c.claim.raw, c.reason) for c in verdict.checks] == [("3", "other_entity")]
    assert [c.explanation for c in verdict.failed_claims] == [
        "«Больше всего»: в сводке лидер — «1e+308», а не «-1e+308»"]


def test_a_blank_label_is_named_as_empty_quotes():
    """g = «» (3 rows, 1 + 2 + 3 = 6) and «a» (2 rows, 4 + 10 = 14)."""
    payload = group_facts(pd.DataFrame({"g": ["", "", "", "a", "a"], "v": [1, 2, 3, 4, 10]}), SCOPE,
                          dimensions=("g",), measure="v", aggregation="sum").payload()
    assert checks("«» — 6 (3 строки), «a» — 14 (2 строки).", payload) == [("6", ""), ("3", ""), ("14", ""), ("2", "")]
    assert checks("«» — 14 (3 строки).", payload) == [("14", "other_entity"), ("3", "")]


def test_a_two_part_label_does_not_name_another_with_the_same_parts():
    """«(пусто) · ё» (2 rows) and «(пусто) · (пусто)» (2 rows): the ratio 2 ÷ 1 is about the leader and the
    one-row outsider; «ё» is not named by «то есть»."""
    frame = pd.DataFrame({"x": [None, None, None, None, "b"], "y": ["ё", "ё", None, None, "c"]})
    facts = group_facts(frame, SCOPE, dimensions=("x", "y"))
    payload = facts.payload()
    assert [g["группа"] for g in payload["наибольшие"]] == ["(пусто) · ё", "(пусто) · (пусто)"]
    assert payload["аутсайдер"] == SINGLE_ROW_LABEL and payload["во сколько раз"] == 2
    text = template_narrative(facts)
    assert f"Разница между «(пусто) · ё» и «{SINGLE_ROW_LABEL}» — 1, то есть в 2 раза" in text
    verdict = verify_numbers(text, payload)
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_a_huge_ratio_is_as_precise_as_written():
    """1,5·10²⁹² ÷ 1 is shown «2·10²⁹²»: the ±10 % of «в 2 раза» would leave it out."""
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "v": [1.5e292, 0.0, 1.0, 0.0]})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="sum")
    text = template_narrative(facts)
    assert "то есть в 2·10²⁹² раза" in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]
    assert checks("«a» больше «b» в 3·10²⁹² раза.", facts.payload())[0][1] == "no_ratio"


def test_a_value_label_that_is_also_the_column_name():
    """Column «0» with values a ×3, 0 ×2, b, one missing: «Столбец «0»: 7 строк» names the column (7 is its
    row count), «за ним «0» — 33,3 %» the value; a's 50 % next to «0» is caught."""
    frame = pd.DataFrame({"0": pd.Series(["a", "a", "a", "0", "0", "b", None], dtype="category")})
    facts = column_facts(frame, SCOPE, column="0")
    text = template_narrative(facts)
    assert text.startswith("Столбец «0», тип — категория: 7\u00a0строк") and "за ним «0» — 33,3\u00a0%" in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]
    assert checks("Чаще всего встречается «a»: 3 строки; за ним «0» — 50 %.", facts.payload()) == [
        ("3", ""), ("50 %", "other_entity")]


def test_a_number_after_a_blank_label_is_not_the_previous_groups():
    """Minima of v by g: «» — 8 (rows 8, 9), «c» — 6, «a» — 1, «b» — 3; the note «(2 строки)» describes the 8."""
    frame = pd.DataFrame({"g": ["a", "a", "b", "b", "b", "c", "c", "", ""], "v": [1, 2, 3, 4, 5, 6, 7, 8, 9]})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="min")
    text = template_narrative(facts)
    assert "Наибольшие значения: «» — 8 (2\u00a0строки) и «c» — 6 (2\u00a0строки)." in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]
    assert checks("Наименьшие: «a» — 1 (2 строки) и «» — 6.", facts.payload()) == [
        ("1", ""), ("2", ""), ("6", "other_entity")]


def test_one_row_groups_share_the_placeholder_that_names_any_of_them():
    """Sums of v by g: c 90, b 70, a 50 (one row each: the payload hides their labels), d 10 × 3 = 30. The shared
    label names every one-row group: a number of any of them is supported next to it, d's or nobody's is not."""
    frame = pd.DataFrame({"g": list("abcddd"), "v": [50, 70, 90, 10, 10, 10]})
    facts = group_facts(frame, SCOPE, dimensions=("g",), measure="v", aggregation="sum")
    payload = facts.payload()
    assert [g["группа"] for g in payload["наибольшие"] + payload["наименьшие"]] == [
        SINGLE_ROW_LABEL, SINGLE_ROW_LABEL, "d", SINGLE_ROW_LABEL]
    assert not {"a", "b", "c"} & {g["группа"] for g in payload["наибольшие"] + payload["наименьшие"]}
    verdict = verify_numbers(template_narrative(facts), payload)
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]
    label = f"«{SINGLE_ROW_LABEL}»"
    assert checks(f"{label} — 90 и {label} — 50.", payload) == [("90", ""), ("50", "")]
    assert checks(f"{label} — 30.", payload) == [("30", "other_entity")]
    assert checks(f"{label} — 80.", payload) == [("80", "not_in_facts")]
    assert checks("«d» — 70.", payload) == [("70", "other_entity")]


def test_a_blank_value_under_a_column_is_that_columns():
    """Overview: column «x» has «» twice (2 of 7 rows, 28,6 %): the count is about «x»'s blank value."""
    frame = pd.DataFrame({"x": pd.Series(["", "", "a", "b", "c", "a", None], dtype="category"),
                          "v": [1, 2, 3, 4, 5, 6, 7]})
    facts = overview_facts(frame, SCOPE)
    text = template_narrative(facts)
    assert "В столбце «x» чаще всего встречается значение «»: 2\u00a0строки (28,6\u00a0%)." in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_empty_quotes_name_every_blank_label():
    """A column named « » (11 missing of 11) and a blank value of «id» (2 of 11 rows, 18,2 %) are both «»."""
    frame = pd.DataFrame({"x": [0] * 11, " ": pd.array([None] * 11, dtype="Int64"), "id": [None] * 9 + ["", ""],
                          "user_id": [0.0] * 11})
    facts = overview_facts(frame, SCOPE)
    text = template_narrative(facts)
    assert "больше всего их в столбце «» — 11 (100\u00a0%)" in text
    assert "В столбце «id» чаще всего встречается значение «»: 2\u00a0строки (18,2\u00a0%)." in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_labels_written_alike_stand_for_each_other():
    """Column « » holds «» ×3, « » ×2 and 6 missing: both values are written «», like the column itself."""
    values = ["", None, None, None, "", " ", " ", None, None, "", None]
    frame = pd.DataFrame({"Сумма, ₽": values, " ": values})
    column = column_facts(frame, SCOPE, column=" ")
    assert "Чаще всего встречается «»: 3\u00a0строки, 60\u00a0% заполненных значений; за ним «» — 40\u00a0%." in (
        template_narrative(column))
    groups = group_facts(frame, SCOPE, dimensions=("Сумма, ₽",))
    assert "Разница между «(пусто)» и «» — 4, то есть в 3 раза" in template_narrative(groups)
    for facts in (column, groups):
        verdict = verify_numbers(template_narrative(facts), facts.payload())
        assert verdict.ok, [c.explanation() for c in verdict.unsupported]


def test_a_pair_with_a_blank_column_is_named_by_its_quoted_label():
    """«a@month —» (with the column « ») carries Spearman's «умеренная»; it is not «a@month — x», whose two
    columns the same sentence also names."""
    frame = pd.DataFrame({
        "a@month": [5463, 2165656, 112226, -557636620350965, 17008, 193, 4631, 8, 515263, 224, 229815615, 53453],
        "x": [3, 1, 3, 3, 0, 2, 0, 2, 0, 3, 0, 1],
        " ": [1878, 26018, 5112981040, -6022250, -(2**63), -173, -33014, -1307674368000, 13420, 2165, 726168648040,
              -1858615]})
    facts = relation_facts(frame, SCOPE)
    text = template_narrative(facts)
    assert "«a@month —» (" in text and "по Спирмену — умеренная прямая" in text
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, [c.explanation() for c in verdict.unsupported] + [c.explanation for c in verdict.failed_claims]


def test_a_ranking_word_about_labels_written_alike():
    """Groups « » and «» (2 rows each, like «(пусто)») are both written «»: «Наибольшие … «»» is the leader « »."""
    facts = group_facts(pd.DataFrame({"x": [" ", None, None, "", "", " "]}), SCOPE, dimensions=("x",))
    assert (facts.payload()["лидер"], facts.payload()["аутсайдер"]) == (" ", "")
    verdict = verify_numbers(template_narrative(facts), facts.payload())
    assert verdict.ok, [c.explanation for c in verdict.failed_claims]


def test_a_count_of_groups_is_not_the_code_of_a_group():
    """«Остальные 5 групп … (7 строк)» beside a group «-5 · январь»: the 5 counts groups, it does not name the
    code −5, so the rows of the rest are not bound to that group (found by test_templates_property)."""
    counts = [7, 5, 5, 4, 4, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1]  # by hand: top 10 = 7 … 2, the rest 2+2+1+1+1 = 7 rows
    codes = [12, 12, -5, 3, 0, -1, 12, -5, 3, 0, -1, 7, 8, 9, 10]
    days = ["2023-01-05", "2023-03-05", "2023-01-07", "2023-02-01", "2023-01-09", "2023-02-03", "2023-02-08",
            "2023-03-09", "2023-03-02", "2023-03-03", "2023-01-04", "2023-01-02", "2023-02-02", "2023-03-01",
            "2023-01-03"]
    rows = [(code, day) for code, day, n in zip(codes, days, counts, strict=True) for _ in range(n)]
    frame = pd.DataFrame({"Код": [r[0] for r in rows], "Дата": pd.to_datetime([r[1] for r in rows])})
    sheet = group_facts(frame, SCOPE, dimensions=("Код", "Дата@month"), aggregation="count")
    payload = sheet.payload()
    assert payload["прочее"] == {"групп": 5, "значение": 7, "строк": 7}
    text = template_narrative(sheet)
    assert "«-5 · январь» — 5" in text and "Остальные 5\xa0групп" in text and "(7\xa0строк)" in text
    assert verify_numbers(text, payload).ok, text
    assert not verify_numbers(text.replace("(7\xa0строк)", "(8\xa0строк)"), payload).ok


def test_digits_in_a_quoted_grouping_name_are_part_of_the_name():
    """A column named «0» grouped by weekday: the sheet's grouping is «0 (день недели) × Сумма, ₽ (год)», and
    the 0 inside that quote is the column's name, not a number (found by test_templates_property at 400 random
    examples). The same quote does not shield a period label: «ноябрь 2013» keeps its year as a claim."""
    frame = pd.DataFrame({"0": pd.to_datetime(["2024-01-01", None, None, "2024-01-02"]),
                          "Сумма, ₽": pd.to_datetime([None, None, "2023-05-01", "2024-01-01"]),
                          "id": [0, 0, 0, 0]})
    sheet = group_facts(frame, SCOPE, dimensions=("0@weekday", "Сумма, ₽@year"), measure="id", aggregation="sum")
    payload = sheet.payload()
    assert payload["группировка"] == "0 (день недели) × Сумма, ₽ (год)"
    text = template_narrative(sheet)
    assert "«0 (день недели) × Сумма, ₽ (год)»" in text
    assert verify_numbers(text, payload).ok, text
    # the grouping's name is no number; a factor of it quoted alone is a name too
    assert checks("Группировка «0 (день недели) × Сумма, ₽ (год)»: 4 группы.", payload) == [("4", "")]
    assert checks("По «0 (день недели)» всего 4 группы.", payload) == [("4", "")]
    # a name the sheet does not hold is no shield: its digit is checked (7 is nowhere in the sheet)
    assert [raw for raw, _ in checks("Группировка «7 (день недели)»: 4 группы.", payload)] == ["7", "4"]

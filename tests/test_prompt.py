"""Facts → messages: the system prompt's rules, compact JSON of the payload, no raw rows, fitting num_ctx."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lib.errors import NarrationError
from lib.facts.base import Scope
from lib.facts.overview import overview_facts
from lib.narration.prompt import (
    PROMPT_VERSION,
    TRIM_NOTE_KEY,
    build_messages,
    build_prompt,
    count_tokens,
    estimate_tokens,
    strict_instruction,
)
from lib.narration.settings import DEFAULT_SYSTEM_PROMPT
from lib.verify import ClaimCheck, FactNumber, NumberClaim, verify_numbers

TASK = "Опиши набор данных: размер, пропуски, дубликаты и самые заметные столбцы."
PLANTED_TEXT = "ZQX-уникум-7781"
PLANTED_NUMBER = "47.318"


def facts_of(frame: pd.DataFrame):
    return overview_facts(frame, Scope.of("test:frame", "Тестовая таблица"))


def planted_frame() -> pd.DataFrame:
    """A unique string and a unique mid-range number, each in one row only: neither is an aggregate."""
    comments = [f"комментарий номер {i}" for i in range(40)]
    comments[17] = PLANTED_TEXT
    values = [float(i) for i in range(40)]
    values[23] = float(PLANTED_NUMBER)
    return pd.DataFrame({"comment": comments, "value": values, "group": ["а", "б"] * 20})


def test_system_prompt_states_the_rules():
    text = DEFAULT_SYSTEM_PROMPT
    assert "только числа из сводки" in text
    assert "Не вычисляй новых чисел" in text
    assert "только на русском" in text
    assert "3–6 предложений" in text
    assert "самых важных находок" in text


def test_messages_are_system_then_user_with_compact_payload_and_task(small_frame):
    facts = facts_of(small_frame)
    messages = build_messages(facts, TASK)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"] == DEFAULT_SYSTEM_PROMPT
    user = messages[1]["content"]
    compact = json.dumps(facts.payload(), ensure_ascii=False, separators=(",", ":"))
    assert compact in user
    assert f"Задание: {TASK}" in user
    assert '": ' not in user and '", "' not in user  # no spaces between JSON items
    assert "\\u" not in user  # Cyrillic not escaped


def test_custom_system_prompt_is_used_and_blank_falls_back_to_default(small_frame):
    facts = facts_of(small_frame)
    assert build_messages(facts, TASK, "Пиши коротко.")[0]["content"] == "Пиши коротко."
    assert build_messages(facts, TASK, "   ")[0]["content"] == DEFAULT_SYSTEM_PROMPT


def test_no_raw_row_value_reaches_the_prompt():
    frame = planted_frame()
    assert (frame["comment"] == PLANTED_TEXT).sum() == 1
    prompt = build_prompt(facts_of(frame), TASK)
    everything = json.dumps(prompt.messages, ensure_ascii=False)
    assert PLANTED_TEXT not in everything
    assert PLANTED_NUMBER not in everything
    assert "комментарий номер" not in everything


def test_prompt_carries_version_and_payload_it_was_built_from(small_frame):
    facts = facts_of(small_frame)
    prompt = build_prompt(facts, TASK)
    assert prompt.version == PROMPT_VERSION
    assert prompt.payload == facts.payload()
    assert prompt.trimmed_items == 0
    assert prompt.tokens == estimate_tokens(prompt.messages)


def test_stricter_prompt_names_the_bad_numbers(small_frame):
    prompt = build_prompt(facts_of(small_frame), TASK, bad_numbers=["12,5", "340"])
    assert "12,5; 340" in prompt.user
    assert "Не используй их" in prompt.user
    assert prompt.strict_numbers == ("12,5", "340")


def test_stricter_prompt_says_what_a_misplaced_number_belongs_to(small_frame):
    """A number that is in the sheet but was given to the wrong item is not called missing: by hand,
    20 % is Казань's share (Москва has 5 of 10 rows, 50 %), 12,5 is nowhere in the sheet."""
    facts = facts_of(small_frame)
    text = "Москва встречается в 20 % строк. Пропусков 12,5, или 12,5."
    verdict = verify_numbers(text, facts.payload())
    assert [(c.claim.raw, c.reason) for c in verdict.unsupported] == [
        ("20 %", "other_entity"), ("12,5", "not_in_facts"), ("12,5", "not_in_facts")]
    prompt = build_prompt(facts, TASK, bad_numbers=verdict.unsupported)
    assert prompt.user.endswith(
        "Важно: в прошлом варианте текста были числа, которых нет в сводке: 12,5. Не используй их. "
        "Ещё там были числа, отнесённые не к тому: 20 % в сводке относится к «Казань». "
        "Называй каждое число рядом с тем, к чему оно относится в сводке. "
        "Пиши только те числа, которые дословно есть в сводке, а остальное передавай словами."
    )
    assert prompt.strict_numbers == ("20 %", "12,5")


def test_stricter_prompt_with_only_misplaced_numbers_calls_none_missing():
    august = FactNumber("наибольшие › август 2013 › значение", 29327.0, entities=("@2013-08",), owner="август 2013")
    swapped = ClaimCheck(NumberClaim(0, 6, "29 327", 29327.0, 0.5), closest=august, reason="other_entity",
                         belongs_to=august)
    columns, rows = FactNumber("столбцов", 19.0), FactNumber("строк", 336776.0)
    mislabeled = ClaimCheck(NumberClaim(10, 12, "19", 19.0, 0.5), closest=rows, reason="other_label",
                            belongs_to=columns)
    assert strict_instruction([swapped, mislabeled]) == (
        "Важно: в прошлом варианте текста были числа, отнесённые не к тому: "
        "29 327 в сводке относится к «август 2013»; 19 в сводке — это «столбцов», а не «строк». "
        "Называй каждое число рядом с тем, к чему оно относится в сводке. "
        "Пиши только те числа, которые дословно есть в сводке, а остальное передавай словами."
    )


def test_qwen_tokens_are_counted_per_digit():
    assert count_tokens("336776") == 6


def test_a_sheet_too_big_for_num_ctx_is_trimmed_from_the_end_of_the_longest_list():
    frame = pd.DataFrame({f"col_{i:02d}": range(5) for i in range(30)})
    facts = facts_of(frame)
    full = build_prompt(facts, TASK)
    small_ctx = full.tokens + 400 + 128 - 50  # 50 tokens short of fitting the whole sheet
    prompt = build_prompt(facts, TASK, num_ctx=small_ctx, num_predict=400)
    assert prompt.trimmed_items > 0
    kept = [c["имя"] for c in prompt.payload["столбцы"]]
    assert kept == [f"col_{i:02d}" for i in range(len(kept))]
    assert len(kept) == 30 - prompt.trimmed_items
    assert TRIM_NOTE_KEY in prompt.payload
    assert prompt.tokens <= small_ctx - 400 - 128
    assert json.dumps(prompt.payload, ensure_ascii=False, separators=(",", ":")) in prompt.user
    assert facts.payload()["столбцы"][-1]["имя"] == "col_29"  # the sheet itself is untouched


def test_a_sheet_that_cannot_fit_is_a_russian_error(small_frame):
    with pytest.raises(NarrationError) as caught:
        build_prompt(facts_of(small_frame), TASK, num_ctx=300, num_predict=200)
    assert caught.value.kind == "bad_request"
    assert "не помещается в контекст" in caught.value.user_message
    assert "«Модель»" in caught.value.user_message


GOLDEN = Path(__file__).resolve().parent / "golden" / "prompt_overview_small.txt"


def rendered(prompt) -> str:
    return "".join(f"=== {m['role']} ===\n{m['content']}\n" for m in prompt.messages)


def test_overview_prompt_matches_the_reviewed_golden_file(small_frame):
    """The exact text the model reads for a known sheet. When the prompt changes on purpose: review the new
    text, bump PROMPT_VERSION (it keys the narrative cache) and rewrite the golden file."""
    prompt = build_prompt(facts_of(small_frame), TASK)
    golden = GOLDEN.read_text(encoding="utf-8")
    assert golden.splitlines()[0] == f"version: {PROMPT_VERSION}"
    assert rendered(prompt) == golden.split("\n", 1)[1]

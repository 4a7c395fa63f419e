"""«Проверить модель»: one short Russian question, timed, so a user learns in a minute whether a model is
usable on this machine instead of waiting hours for a narrative.

Thresholds. A narrative paragraph is about PARAGRAPH_TOKENS = 150 tokens of Russian (≈ 55 words at the
measured 2.7 tokens per word). The estimate «~N с на абзац» is PARAGRAPH_TOKENS / measured generation speed
(reading the fact sheet comes on top of it; the first call also pays the model load shown separately):
- «годится»            — a paragraph in at most GOOD_SECONDS = 30 s  (≥ 5 tokens/s);
- «медленно»           — up to SLOW_SECONDS = 120 s                 (≥ 1.25 tokens/s): usable with patience;
- «слишком медленно»   — longer than that: choose a smaller model.
The probe uses the current options (num_ctx included), so the model it loads stays warm for the narratives;
only `num_predict` is capped at PROBE_NUM_PREDICT to keep the probe short. Every probe is journalled
with page "model".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lib.errors import NarrationError
from lib.fmt import fmt_num
from lib.journal import CallRecord, JournalError, record_call, text_hash
from lib.narration.kinds import CallStatus
from lib.narration.ollama import ANSWER_CHAR_CAP, CallMetrics, OllamaGateway, plain_text
from lib.narration.settings import NarrationSettings
from lib.vocab import PROBE_LEVEL_LABELS, ProbeLevel

log = logging.getLogger(__name__)

PROBE_SYSTEM_PROMPT = "Ты — вежливый помощник. Отвечай коротко и только на русском языке."
PROBE_PROMPT = "Расскажи в двух предложениях, зачем аналитику краткая сводка по таблице данных."
PROBE_VERSION = "probe-1"
PROBE_NUM_PREDICT = 64
PARAGRAPH_TOKENS = 150
GOOD_SECONDS = 30.0
SLOW_SECONDS = 120.0

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class ProbeResult:
    model: str
    text: str
    load_seconds: float | None  # server's load_duration: reading the model into memory
    first_token_seconds: float | None  # from sending the request to the first chunk (load included)
    tokens_per_second: float | None  # generation speed
    prompt_tokens_per_second: float | None  # reading speed of the prompt
    paragraph_seconds: float | None  # PARAGRAPH_TOKENS / tokens_per_second
    level: ProbeLevel
    verdict: str  # Russian, e.g. «годится: ~12 с на абзац»
    language_warning: str | None
    call_id: int | None  # journal row, None when the journal could not be written

    @property
    def usable(self) -> bool:
        return self.level in (ProbeLevel.GOOD, ProbeLevel.SLOW)


def probe_messages() -> list[dict[str, str]]:
    return [{"role": "system", "content": PROBE_SYSTEM_PROMPT}, {"role": "user", "content": PROBE_PROMPT}]


def probe_options(settings: NarrationSettings) -> dict:
    return {**settings.options(), "num_predict": PROBE_NUM_PREDICT}


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"~{fmt_num(max(1, round(seconds)), 0)} с"
    return f"~{fmt_num(seconds / 60, 1)} мин"


def speed_verdict(tokens_per_second: float | None) -> tuple[ProbeLevel, str, float | None]:
    """(level, Russian verdict, seconds per paragraph) for a measured generation speed."""
    if not tokens_per_second:
        return ProbeLevel.UNKNOWN, _verdict(ProbeLevel.UNKNOWN, NO_SPEED), None
    seconds = PARAGRAPH_TOKENS / tokens_per_second
    per_paragraph = f"{_duration(seconds)} на абзац"
    if seconds <= GOOD_SECONDS:
        return ProbeLevel.GOOD, _verdict(ProbeLevel.GOOD, per_paragraph), seconds
    if seconds <= SLOW_SECONDS:
        return ProbeLevel.SLOW, _verdict(ProbeLevel.SLOW, f"{per_paragraph} — тексты будут, но ждать придётся"), seconds
    advice = f"{per_paragraph} — выберите модель поменьше (например, qwen2.5:1.5b)"
    return ProbeLevel.TOO_SLOW, _verdict(ProbeLevel.TOO_SLOW, advice), seconds


NO_SPEED = "сервер не сообщил, сколько токенов и за какое время он написал"


def _verdict(level: ProbeLevel, why: str) -> str:
    return f"{PROBE_LEVEL_LABELS[level]}: {why}"


def language_warning(text: str) -> str | None:
    if CJK.search(text):
        return "В ответе есть иероглифы: модель сбивается с русского. Тексты могут быть смешанными."
    if text.strip() and not CYRILLIC.search(text):
        return "Модель ответила не по-русски. Для русских текстов выберите другую модель."
    return None


def _seconds(ns: int | None) -> float | None:
    return ns / 1e9 if ns else None


def _journal(settings: NarrationSettings, options: dict, text: str, status: str, error: str | None,
             metrics: CallMetrics) -> int | None:
    messages = probe_messages()
    try:
        return record_call(
            CallRecord(
                page="model",
                model=settings.model,
                options=options,
                system_prompt_hash=text_hash(PROBE_SYSTEM_PROMPT),
                prompt_hash=text_hash(PROBE_PROMPT),
                prompt_chars=len(PROBE_PROMPT),
                prompt_tokens=metrics.prompt_eval_count,
                messages=messages,
                response=text,
                status=status,
                error=error,
                cache_hit=False,
                facts_kind="probe",
                dataset_id="",
                prompt_version=PROBE_VERSION,
                metrics=metrics.to_dict(),
            )
        )
    except JournalError as exc:
        log.warning("probe not journalled: %s", exc.detail, exc_info=exc)
        return None  # the probe result matters more than its log line


def probe_model(gateway: OllamaGateway, settings: NarrationSettings) -> ProbeResult:
    """Send the probe question to `settings.model` and time it. Raises NarrationError (journalled first)."""
    options = probe_options(settings)
    stream = None
    try:
        stream = gateway.chat_stream(
            settings.model, probe_messages(), options=options, keep_alive=settings.keep_alive, think=False,
            deadline=settings.answer_timeout, max_chars=ANSWER_CHAR_CAP,
        )
        for _ in stream:
            pass
    except NarrationError as exc:
        metrics = stream.metrics if stream is not None else CallMetrics()
        _journal(settings, options, stream.text if stream is not None else "", exc.kind, plain_text(exc.user_message),
                 metrics)
        raise
    metrics = stream.metrics
    call_id = _journal(settings, options, stream.text, CallStatus.OK, None, metrics)
    level, verdict, paragraph = speed_verdict(metrics.tokens_per_second)
    prompt_speed = (
        metrics.prompt_eval_count / metrics.prompt_eval_duration * 1e9
        if metrics.prompt_eval_count and metrics.prompt_eval_duration
        else None
    )
    return ProbeResult(
        model=settings.model,
        text=stream.text,
        load_seconds=_seconds(metrics.load_duration),
        first_token_seconds=metrics.first_token_seconds,
        tokens_per_second=metrics.tokens_per_second,
        prompt_tokens_per_second=prompt_speed,
        paragraph_seconds=paragraph,
        level=level,
        verdict=verdict,
        language_warning=language_warning(stream.text),
        call_id=call_id,
    )

"""Facts → narrative: cache → model call (streamed) → journal → verify → one stricter retry → template.

`NarrationService.request()` returns a `NarrationJob`. A cache hit is a finished job. Otherwise the work
runs once per key in a background thread (single-flight); every session asking for that key follows the
same chunks through `job.streams()`, which yields one chunk iterator per attempt, ready for
`st.write_stream`. `job.wait()` gives the final `Narrative`. Nothing here imports Streamlit.

Policy (issue 4): a text in which any number is not supported by the payload is regenerated once with an
instruction that names the bad numbers; if that still fails, the template narrative becomes the main text
and the model's text is kept (with its verdict) to be shown folded. Verified texts, and failed texts with
their verdict, go to the cache; errors never do.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.journal import CallRecord, record_call
from lib.narration.cache import Flight, NarrativeCache, SingleFlight, cache_key
from lib.narration.ollama import CallMetrics, OllamaGateway, base_url, gateway_for, narration_error
from lib.narration.prompt import PROMPT_VERSION, Prompt, build_prompt, facts_json
from lib.narration.settings import NarrationSettings
from lib.narration.templates import template_narrative
from lib.verify import VERIFIER_VERSION, Verdict, verify_numbers

log = logging.getLogger(__name__)

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
TRUNCATION_SHARE = 0.9  # prompt_eval_count at or above this share of num_ctx: the sheet may have been cut
SEED_LIMIT = 2**31 - 1  # the «Модель» page offers seeds 0 … 2**31 - 1

WARNINGS = {
    "truncated": (
        "Модель прочитала {tokens} токенов при размере контекста {num_ctx}: часть сводки могла не поместиться, "
        "и текст может опираться не на все факты. Увеличьте размер контекста (num_ctx) на странице «Модель»."
    ),
    "cjk": (
        "В ответе модели есть китайские или японские иероглифы: небольшие модели иногда сбиваются с русского. "
        "Нажмите «Сгенерировать заново» или выберите модель побольше на странице «Модель»."
    ),
    "length": (
        "Ответ модели упёрся в предел длины (num_predict = {num_predict}) и может обрываться на полуслове. "
        "Увеличьте предел на странице «Модель»."
    ),
}
EMPTY_ANSWER = {
    "stop": (
        "Модель вернула пустой ответ, поэтому ниже текст по шаблону. Нажмите «Сгенерировать заново»; "
        "если так повторяется, выберите другую модель на странице «Модель»."
    ),
    "length": (
        "Модель не написала ни слова: ответ упёрся в предел длины (num_predict = {num_predict}) раньше, "
        "чем начался текст. Так бывает с «думающими» моделями, которые тратят весь предел на рассуждения. "
        "Увеличьте num_predict (наибольшую длину ответа) на странице «Модель» или выберите там модель "
        "с тегом -instruct: она отвечает без рассуждений."
    ),
}
FALLBACK_TEMPLATE = "Текст по сводке сейчас недоступен; все показатели выше посчитаны точно по данным."


@dataclass(frozen=True)
class Event:
    kind: str  # "attempt" (value: number), "chunk" (value: text), "end" (value: number)
    value: Any


@dataclass
class Attempt:
    """One call to the model (or its cached copy)."""

    number: int
    prompt: Prompt
    text: str = ""
    metrics: CallMetrics | None = None
    verdict: Verdict | None = None
    error: NarrationError | None = None
    warnings: list[str] = field(default_factory=list)
    options: dict[str, Any] | None = None  # as sent, when they differ from the settings' (a regenerate's seed)

    @property
    def verified(self) -> bool:
        return self.error is None and self.verdict is not None and self.verdict.ok


@dataclass
class Narrative:
    """What the panel shows: the main text, where it came from, and the model attempts behind it."""

    text: str
    source: str  # "model" or "template"
    model: str
    attempts: list[Attempt] = field(default_factory=list)
    error: NarrationError | None = None
    cached: bool = False

    @property
    def last(self) -> Attempt | None:
        """The model attempt the page shows (main text or folded under the failed check)."""
        with_text = [a for a in self.attempts if a.text]
        return with_text[-1] if with_text else (self.attempts[-1] if self.attempts else None)

    @property
    def model_text(self) -> str:
        return self.last.text if self.last else ""

    @property
    def verdict(self) -> Verdict | None:
        return self.last.verdict if self.last else None

    @property
    def metrics(self) -> CallMetrics | None:
        return self.last.metrics if self.last else None

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.last.prompt.messages if self.last else []

    @property
    def warnings(self) -> list[str]:
        return self.last.warnings if self.last else []

    @property
    def failed_check(self) -> bool:
        """The model answered but its numbers did not pass: the template is shown instead."""
        return self.source == "template" and bool(self.model_text) and self.verdict is not None

    def to_entry(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": self.source,
            "model": self.model,
            "attempts": [
                {"number": a.number, "messages": a.prompt.messages, "payload": a.prompt.payload, "task": a.prompt.task,
                 "tokens": a.prompt.tokens, "text": a.text, "metrics": a.metrics.to_dict() if a.metrics else None,
                 "verdict": a.verdict.to_dict() if a.verdict is not None else None, "warnings": a.warnings}
                for a in self.attempts
            ],
        }


def cjk_present(text: str) -> bool:
    return bool(CJK.search(text))


def answer_warnings(text: str, metrics: CallMetrics | None, settings: NarrationSettings) -> list[str]:
    warnings = []
    tokens = metrics.prompt_eval_count if metrics else None
    if tokens is not None and tokens >= TRUNCATION_SHARE * settings.num_ctx:
        warnings.append(WARNINGS["truncated"].format(tokens=tokens, num_ctx=settings.num_ctx))
    if metrics and metrics.done_reason == "length":
        warnings.append(WARNINGS["length"].format(num_predict=settings.num_predict))
    if cjk_present(text):
        warnings.append(WARNINGS["cjk"])
    return warnings


def empty_answer_error(metrics: CallMetrics | None, settings: NarrationSettings) -> NarrationError:
    """A blank answer is a failure, not a text with «0 из 0» numbers checked: it is never cached or shown."""
    reason = metrics.done_reason if metrics else None
    message = EMPTY_ANSWER["length" if reason == "length" else "stop"].format(num_predict=settings.num_predict)
    eval_count = metrics.eval_count if metrics else None
    return NarrationError(message, kind="empty", detail=f"empty answer: done_reason={reason}, eval_count={eval_count}")


def fresh_seed(previous: int | None) -> int:
    """A seed for «Сгенерировать заново»: with the same prompt, options and seed Ollama writes the same text."""
    seed = secrets.randbelow(SEED_LIMIT)
    return (seed + 1) % SEED_LIMIT if seed == previous else seed


def request_options(settings: NarrationSettings, *, force: bool) -> dict[str, Any]:
    """The options sent: the settings' own, with a new seed when the user asked for a new text. The result is
    still cached under the settings' key, so the page shows it until the next regenerate."""
    options = settings.options()
    if force:
        options["seed"] = fresh_seed(settings.seed)
    return options


def verify(text: str, payload: dict[str, Any]) -> Verdict:
    return verify_numbers(text, payload)


def template_text(facts: FactSheet) -> str:
    """The deterministic narrative (lib.narration.templates); a plain notice if it cannot be built."""
    try:
        return template_narrative(facts)
    except Exception:  # noqa: BLE001 - the page must keep working whatever the template does
        log.warning("template narrative failed for %s", facts.kind, exc_info=True)
        return FALLBACK_TEMPLATE


def record(**fields: Any) -> int | None:
    """One journal row; a journal that cannot be written never breaks the narrative."""
    try:
        return record_call(CallRecord(**fields))
    except Exception:  # noqa: BLE001
        log.warning("could not record the call in the journal", exc_info=True)
        return None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NarrationJob:
    """A narrative on its way: finished already (`result`) or followed through a flight."""

    def __init__(self, key: str, *, flight: Flight | None = None, result: Narrative | None = None,
                 started: bool = False) -> None:
        self.key = key
        self.flight = flight
        self.started = started
        self._result = result

    @property
    def done(self) -> bool:
        return self._result is not None or (self.flight is not None and self.flight.done)

    def streams(self) -> Iterator[tuple[int, Iterator[str]]]:
        """(attempt number, chunk iterator) for every model attempt; consume each iterator before the next."""
        if self.flight is None:
            return
        events = self.flight.events()

        def chunks() -> Iterator[str]:
            for event in events:
                if event.kind == "end":
                    return
                if event.kind == "chunk":
                    yield event.value

        for event in events:
            if event.kind == "attempt":
                yield event.value, chunks()

    def wait(self, timeout: float | None = None) -> Narrative:
        if self._result is None:
            assert self.flight is not None
            self._result = self.flight.result(timeout)
        return self._result


class NarrationService:
    def __init__(
        self,
        cache: NarrativeCache | None = None,
        flights: SingleFlight | None = None,
        gateway: Callable[[str, float], OllamaGateway] = gateway_for,
    ) -> None:
        self.cache = cache or NarrativeCache()
        self.flights = flights or SingleFlight()
        self.gateway = gateway

    def key(self, facts: FactSheet, task: str, settings: NarrationSettings) -> str:
        """The sheet's fingerprint and its payload both count: a change in what `payload()` shows the model
        (a new key, another rounding) must not serve a text written from the old payload. So does the verifier's
        version: a cached entry holds the outcome (model text or template) the old rules decided."""
        sheet = hashlib.sha256((facts.fingerprint() + facts_json(facts.payload())).encode("utf-8")).hexdigest()
        return cache_key(fingerprint=sheet, task=task, model=settings.model,
                         options=settings.options(), system_prompt=settings.system_prompt,
                         prompt_version=PROMPT_VERSION, verifier_version=VERIFIER_VERSION)

    def cached(self, facts: FactSheet, task: str, settings: NarrationSettings) -> Narrative | None:
        try:
            entry = self.cache.get(self.key(facts, task, settings))
        except Exception:  # noqa: BLE001 - a broken cache file means no cache, not a broken page
            log.warning("narrative cache unreadable", exc_info=True)
            return None
        return self._from_entry(entry) if entry else None

    def request(self, facts: FactSheet, task: str, page: str, settings: NarrationSettings, *,
                force: bool = False) -> NarrationJob:
        """The narrative for `facts`: from the cache (unless `force`), or joined to / started as a flight."""
        key = self.key(facts, task, settings)
        if not force:
            hit = self.cached(facts, task, settings)
            if hit is not None:
                self._record_hit(hit, facts, page, settings)
                return NarrationJob(key, result=hit)
        flight, started = self.flights.run(
            key, lambda fl: self._produce(fl, key, facts, task, page, settings, force=force))
        return NarrationJob(key, flight=flight, started=started)

    def narrate(self, facts: FactSheet, task: str, page: str, settings: NarrationSettings, *,
                force: bool = False) -> Narrative:
        """Blocking form of `request` (tests, CLI)."""
        return self.request(facts, task, page, settings, force=force).wait()

    def unavailable(self, facts: FactSheet, task: str, page: str, settings: NarrationSettings) -> Narrative:
        """The template narrative when the server is known to be down (the status probe said so): no call is
        made, but the journal still gets a `connection` row so the outage is visible on «Журнал»."""
        error = narration_error("connection", host=base_url(settings.host), model=settings.model,
                                detail="server did not answer the status probe")
        self._record(Attempt(1, Prompt(messages=[], payload={}, task=task), error=error), facts, page, settings)
        return Narrative(template_text(facts), "template", settings.model, error=error)

    # --- the producer (runs in the flight's thread) ------------------------------------------------
    def _produce(self, flight: Flight, key: str, facts: FactSheet, task: str, page: str,
                 settings: NarrationSettings, *, force: bool) -> Narrative:
        if not force:
            hit = self.cached(facts, task, settings)  # a flight for this key may have just finished
            if hit is not None:
                return hit
        gateway = self.gateway(settings.host, settings.timeout)
        try:
            prompt = build_prompt(facts, task, settings.system_prompt, num_ctx=settings.num_ctx,
                                  num_predict=settings.num_predict)
        except NarrationError as error:
            self._record(Attempt(1, Prompt(messages=[], payload={}, task=task), error=error), facts, page, settings)
            return Narrative(template_text(facts), "template", settings.model, error=error)

        options = request_options(settings, force=force)
        first = self._attempt(flight, gateway, prompt, 1, facts, page, settings, options)
        attempts = [first]
        final = first
        if first.error is None and first.verdict is not None and not first.verdict.ok:
            bad = list(first.verdict.unsupported)
            stricter = build_prompt(facts, task, settings.system_prompt, num_ctx=settings.num_ctx,
                                    num_predict=settings.num_predict, bad_numbers=bad, payload=prompt.payload)
            final = self._attempt(flight, gateway, stricter, 2, facts, page, settings, options)
            attempts.append(final)

        if final.verified:
            narrative = Narrative(final.text, "model", settings.model, attempts)
        elif final.error is None and final.verdict is None:
            # the verifier itself failed: show the text, unchecked, and keep it out of the cache
            return Narrative(final.text, "model", settings.model, attempts)
        else:
            narrative = Narrative(template_text(facts), "template", settings.model, attempts, error=final.error)
        if final.error is None:
            try:
                self.cache.put(key, narrative.to_entry(), model=settings.model, prompt_version=PROMPT_VERSION)
            except Exception:  # noqa: BLE001
                log.warning("could not store the narrative in the cache", exc_info=True)
        return narrative

    def _attempt(self, flight: Flight, gateway: OllamaGateway, prompt: Prompt, number: int, facts: FactSheet,
                 page: str, settings: NarrationSettings, options: dict[str, Any]) -> Attempt:
        attempt = Attempt(number, prompt, options=options)
        flight.publish(Event("attempt", number))
        stream = None
        try:
            stream = gateway.chat_stream(settings.model, prompt.messages, options=options,
                                         keep_alive=settings.keep_alive, think=False)
            for chunk in stream:
                flight.publish(Event("chunk", chunk))
        except NarrationError as error:
            attempt.error = error
        except Exception as exc:  # noqa: BLE001 - never let a bug in the stream reach the screen
            attempt.error = gateway.translate(exc, settings.model)
        finally:
            flight.publish(Event("end", number))
        if stream is not None:
            attempt.text, attempt.metrics = stream.text, stream.metrics
        if attempt.error is None and not attempt.text.strip():
            attempt.error = empty_answer_error(attempt.metrics, settings)
        if attempt.error is None:
            attempt.warnings = answer_warnings(attempt.text, attempt.metrics, settings)
            try:
                attempt.verdict = verify(attempt.text, prompt.payload)
            except Exception:  # noqa: BLE001
                log.warning("verifier failed", exc_info=True)
        self._record(attempt, facts, page, settings)
        return attempt

    # --- journal and cache entries ------------------------------------------------------------------
    def _record(self, attempt: Attempt, facts: FactSheet, page: str, settings: NarrationSettings,
                cache_hit: bool = False) -> int | None:
        metrics = attempt.metrics or CallMetrics()
        prompt = attempt.prompt
        return record(
            page=page, model=settings.model, options=attempt.options or settings.options(),
            system_prompt_hash=_hash(settings.system_prompt), prompt_hash=prompt.hash(),
            prompt_chars=prompt.chars, prompt_tokens=metrics.prompt_eval_count, messages=prompt.messages,
            response=attempt.text, status="ok" if attempt.error is None else attempt.error.kind,
            error=None if attempt.error is None else f"{attempt.error.user_message} [{attempt.error.detail}]",
            cache_hit=cache_hit, facts_kind=facts.kind, dataset_id=facts.dataset_id, prompt_version=prompt.version,
            metrics=metrics.to_dict(), verdict=attempt.verdict.to_dict() if attempt.verdict is not None else None,
            attempt=attempt.number,
        )

    def _record_hit(self, narrative: Narrative, facts: FactSheet, page: str, settings: NarrationSettings) -> None:
        if narrative.last is not None:
            self._record(narrative.last, facts, page, settings, cache_hit=True)

    def _from_entry(self, entry: dict[str, Any]) -> Narrative:
        attempts = []
        for item in entry.get("attempts", []):
            prompt = Prompt(messages=item["messages"], payload=item["payload"], task=item.get("task", ""),
                            tokens=item.get("tokens", 0))
            verdict = None
            if item.get("verdict") is not None:
                try:
                    verdict = verify(item["text"], item["payload"])  # deterministic: rebuild the full object
                except Exception:  # noqa: BLE001
                    log.warning("verifier failed on a cached text", exc_info=True)
            attempts.append(Attempt(item["number"], prompt, item["text"], CallMetrics.from_dict(item.get("metrics")),
                                    verdict, warnings=list(item.get("warnings", []))))
        return Narrative(entry["text"], entry["source"], entry["model"], attempts, cached=True)


_service: NarrationService | None = None
_service_lock = threading.Lock()


def narration_service() -> NarrationService:
    """The process-wide service: one single-flight registry shared by every session. Created under a lock:
    two sessions arriving at once must not get two registries (and call the model twice for one key)."""
    global _service
    with _service_lock:
        if _service is None:
            _service = NarrationService()
        return _service

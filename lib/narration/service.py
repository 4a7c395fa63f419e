"""Facts → narrative: one handle per narration (`NarrationService.open`).

`open(facts, settings)` computes the cache key once and decides at once where the narrative comes from
(`job.source`): what this session already shows or the disk cache («cache»), the template because the server
does not answer the status probe («offline»), or the model («live»: a call in a background thread,
single-flight per key, followed by every session asking for it). `job.streams()` yields one chunk iterator
per model attempt, ready for `st.write_stream`; `job.result()` gives the final `Narrative`. Nothing here
imports Streamlit: the panel only renders the handle.

Policy: a text in which any number is not supported by the payload is regenerated once with an instruction
that names the bad numbers; if that still fails, the template narrative becomes the main text and the model's
text is kept (with its verdict) to be shown folded. So is a text that holds no number of a sheet that has
numbers (it may obey an instruction planted in the data: «задержек нет»). Checked outcomes go to the cache;
errors never do. A template shown because the server was down gives way to the model as soon as the server
answers again; anything else a session was shown stays until «Сгенерировать заново» (`force`).
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
from lib.narration.kinds import CallStatus, ErrorKind, JobSource, Outcome, TextSource
from lib.narration.ollama import (
    ANSWER_CHAR_CAP,
    CallMetrics,
    LivenessProbe,
    OllamaGateway,
    gateway_for,
    narration_error,
    plain_text,
)
from lib.narration.prompt import PROMPT_VERSION, Prompt, build_prompt, facts_json, with_safety_rules
from lib.narration.settings import NarrationSettings
from lib.narration.tasks import task_for
from lib.narration.templates import template_narrative
from lib.verify import VERIFIER_VERSION, Verdict, fact_numbers, verify_numbers

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
    sheet_has_numbers: bool = True  # the payload it was given holds numbers

    @property
    def verified(self) -> bool:
        return self.error is None and self.verdict is not None and self.verdict.ok

    @property
    def numberless(self) -> bool:
        """«Проверено чисел: 0 из 0» on a sheet full of numbers: the text says nothing checkable (or obeys an
        instruction planted in the data), so it is not a pass."""
        return self.verified and self.verdict is not None and self.verdict.total == 0 and self.sheet_has_numbers

    @property
    def status(self) -> str:
        """The journal's status of this call: the error kind, or what the check made of the answer."""
        if self.error is not None:
            return self.error.kind
        if self.verdict is None:
            return CallStatus.UNCHECKED
        if not self.verdict.ok:
            return CallStatus.REJECTED
        return CallStatus.NO_NUMBERS if self.numberless else CallStatus.OK


@dataclass
class Narrative:
    """What the panel shows: the main text, where it came from and why, and the model attempts behind it."""

    text: str
    source: TextSource
    model: str
    attempts: list[Attempt] = field(default_factory=list)
    error: NarrationError | None = None
    cached: bool = False
    outcome: Outcome = Outcome.VERIFIED
    template_verdict: Verdict | None = None  # the template's own check (template texts only), made once

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
        """The model answered but its text did not pass: the template is shown, the model's text folded below."""
        return self.source == TextSource.TEMPLATE and bool(self.model_text) and self.verdict is not None

    def to_entry(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": str(self.source),
            "model": self.model,
            "outcome": str(self.outcome),
            "attempts": [
                {"number": a.number, "messages": a.prompt.messages, "payload": a.prompt.payload, "task": a.prompt.task,
                 "tokens": a.prompt.tokens, "text": a.text, "metrics": a.metrics.to_dict() if a.metrics else None,
                 "verdict": a.verdict.to_dict() if a.verdict is not None else None, "warnings": a.warnings,
                 "sheet_has_numbers": a.sheet_has_numbers}
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
    return NarrationError(message, kind=ErrorKind.EMPTY,
                          detail=f"empty answer: done_reason={reason}, eval_count={eval_count}")


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


def verify(text: str, payload: dict[str, Any]) -> Verdict | None:
    """The verifier's verdict, or None when the verifier itself fails (the text is then shown unchecked)."""
    try:
        return verify_numbers(text, payload)
    except Exception:  # noqa: BLE001 - a verifier bug must not take the narrative down
        log.warning("verifier failed", exc_info=True)
        return None


def lost(narrative: Narrative) -> bool:
    """The server went away during the call: shown like an offline template, replaced once it answers."""
    return narrative.error is not None and narrative.error.kind == ErrorKind.CONNECTION


def has_numbers(payload: dict[str, Any]) -> bool:
    try:
        return bool(fact_numbers(payload))
    except Exception:  # noqa: BLE001
        log.warning("could not list the payload's numbers", exc_info=True)
        return False


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


@dataclass(frozen=True)
class Shown:
    key: str
    narrative: Narrative
    offline: bool


class SessionMemo:
    """What one session shows on each page (kept in its session state by the panel): a rerun of the page shows
    the same narrative without asking again, errors included, until the user asks for a new text. Only a
    template shown because the server was down is replaced once the server answers."""

    def __init__(self) -> None:
        self._pages: dict[str, Shown] = {}

    def get(self, page: str) -> Shown | None:
        return self._pages.get(page)

    def remember(self, page: str, key: str, narrative: Narrative, *, offline: bool) -> None:
        self._pages[page] = Shown(key, narrative, offline)


class NarrationJob:
    """One narration: `key` and `source` are known at once; `streams()` follows a live call's chunks, attempt
    by attempt; `result()` gives the final narrative (at once for «cache» and «offline»)."""

    def __init__(self, key: str, source: JobSource, *, flight: Flight | None = None,
                 result: Narrative | None = None, on_result: Callable[[Narrative], None] | None = None) -> None:
        self.key = key
        self.source = source
        self._flight = flight
        self._result = result
        self._on_result = on_result
        self._reported = False

    @property
    def done(self) -> bool:
        return self._result is not None or (self._flight is not None and self._flight.done)

    def streams(self) -> Iterator[tuple[int, Iterator[str]]]:
        """(attempt number, chunk iterator) for every model attempt; consume each iterator before the next.
        Nothing for a narrative that was ready when the handle opened."""
        if self._flight is None:
            return
        events = self._flight.events()

        def chunks() -> Iterator[str]:
            for event in events:
                if event.kind == "end":
                    return
                if event.kind == "chunk":
                    yield event.value

        for event in events:
            if event.kind == "attempt":
                yield event.value, chunks()

    def result(self, timeout: float | None = None) -> Narrative:
        """The final narrative; waits for a live call (TimeoutError after `timeout` seconds)."""
        if self._result is None:
            assert self._flight is not None
            self._result = self._flight.result(timeout)
        if self._on_result is not None and not self._reported:
            self._reported = True
            self._on_result(self._result)
        return self._result


class NarrationService:
    def __init__(
        self,
        cache: NarrativeCache | None = None,
        flights: SingleFlight | None = None,
        gateway: Callable[[str, float], OllamaGateway] = gateway_for,
        status: LivenessProbe | None = None,
    ) -> None:
        self.cache = cache if cache is not None else NarrativeCache()  # an empty cache is falsy (__len__)
        self.flights = flights if flights is not None else SingleFlight()
        self.gateway = gateway
        self.status = status or LivenessProbe()
        self._stored = 0  # narratives this service put into the cache; see `_produce`

    def key(self, facts: FactSheet, settings: NarrationSettings) -> str:
        """The sheet's fingerprint and its payload both count: a change in what `payload()` shows the model
        (a new key, another rounding) must not serve a text written from the old payload. So does the verifier's
        version: a cached entry holds the outcome (model text or template) the old rules decided."""
        sheet = hashlib.sha256((facts.fingerprint() + facts_json(facts.payload())).encode("utf-8")).hexdigest()
        return cache_key(fingerprint=sheet, task=task_for(facts.kind), model=settings.model,
                         options=settings.options(), system_prompt=with_safety_rules(settings.system_prompt),
                         prompt_version=PROMPT_VERSION, verifier_version=VERIFIER_VERSION)

    def open(self, facts: FactSheet, settings: NarrationSettings, *, force: bool = False,
             memo: SessionMemo | None = None) -> NarrationJob:
        """The narration of `facts`: one key computation, at most one cache read, at most one status probe.

        `force` («Сгенерировать заново») skips what the session shows and the cache and asks the model with a new
        seed. `memo` is the session's record of what it shows (see `SessionMemo`)."""
        key = self.key(facts, settings)
        page = facts.kind
        if facts.is_empty:
            return NarrationJob(key, JobSource.OFFLINE, result=self._template(facts, settings, Outcome.OFFLINE))
        if force:
            self.status.forget(settings.host)
        elif memo is not None:
            shown = memo.get(page)
            if shown is not None and shown.key == key and (not shown.offline or not self.status.up(settings.host)):
                return NarrationJob(key, JobSource.OFFLINE if shown.offline else JobSource.CACHE,
                                    result=shown.narrative)
        stored = self._stored
        hit = None if force else self._cached(key, facts)
        problem = None if hit is not None else self.status.problem(settings.host)
        if hit is not None:
            if hit.last is not None:
                self._record(hit.last, facts, settings, cache_hit=True)
            job = NarrationJob(key, JobSource.CACHE, result=hit)
        elif problem is not None:
            job = NarrationJob(key, JobSource.OFFLINE, result=self._offline(facts, settings, problem))
        else:
            flight, _ = self.flights.run(
                key, lambda fl: self._produce(fl, key, facts, settings, force=force, stored=stored))
            job = NarrationJob(key, JobSource.LIVE, flight=flight)
        if memo is not None:
            source = job.source
            job._on_result = lambda narrative: memo.remember(page, key, narrative,
                                                             offline=source == JobSource.OFFLINE or lost(narrative))
        return job

    # --- narratives without a call ------------------------------------------------------------------
    def _template(self, facts: FactSheet, settings: NarrationSettings, outcome: Outcome, *,
                  attempts: list[Attempt] | None = None, error: NarrationError | None = None) -> Narrative:
        text = template_text(facts)
        return Narrative(text, TextSource.TEMPLATE, settings.model, attempts or [], error=error, outcome=outcome,
                         template_verdict=verify(text, facts.payload()))

    def _offline(self, facts: FactSheet, settings: NarrationSettings, error: NarrationError) -> Narrative:
        """The template when the server is known to be down (the status probe said so): no call is made, but
        the journal still gets a row so the outage is visible on «Журнал»."""
        attempt = Attempt(1, Prompt(messages=[], payload={}, task=task_for(facts.kind)), error=error)
        self._record(attempt, facts, settings)
        return self._template(facts, settings, Outcome.OFFLINE, error=error)

    def _cached(self, key: str, facts: FactSheet) -> Narrative | None:
        try:
            entry = self.cache.get(key)
        except Exception:  # noqa: BLE001 - a broken cache file means no cache, not a broken page
            log.warning("narrative cache unreadable", exc_info=True)
            return None
        return self._from_entry(entry, facts) if entry else None

    # --- the producer (runs in the flight's thread) ------------------------------------------------
    def _produce(self, flight: Flight, key: str, facts: FactSheet, settings: NarrationSettings, *,
                 force: bool, stored: int) -> Narrative:
        try:
            if not force and self._stored != stored:
                # a flight for this key may have finished between the caller's cache read and this flight
                hit = self._cached(key, facts)
                if hit is not None:
                    return hit
            return self._narrate(flight, key, facts, settings, force=force)
        except Exception as exc:  # noqa: BLE001 - a bug here must end in the template, not in a traceback
            log.exception("narration failed")
            error = narration_error(ErrorKind.UNKNOWN, error=type(exc).__name__, detail=repr(exc))
            return self._template(facts, settings, Outcome.ERROR, error=error)

    def _narrate(self, flight: Flight, key: str, facts: FactSheet, settings: NarrationSettings, *,
                 force: bool) -> Narrative:
        task = task_for(facts.kind)
        try:
            gateway = self.gateway(settings.host, settings.timeout)
            prompt = build_prompt(facts, task, settings.system_prompt, num_ctx=settings.num_ctx,
                                  num_predict=settings.num_predict)
        except NarrationError as error:
            self._record(Attempt(1, Prompt(messages=[], payload={}, task=task), error=error), facts, settings)
            return self._template(facts, settings, Outcome.ERROR, error=error)

        options = request_options(settings, force=force)
        numbers = has_numbers(prompt.payload)
        first = self._attempt(flight, gateway, prompt, 1, facts, settings, options, numbers)
        attempts = [first]
        final = first
        if first.error is None and first.verdict is not None and not first.verdict.ok:
            stricter = build_prompt(facts, task, settings.system_prompt, num_ctx=settings.num_ctx,
                                    num_predict=settings.num_predict, bad_numbers=list(first.verdict.unsupported),
                                    bad_claims=list(first.verdict.failed_claims), payload=prompt.payload)
            final = self._attempt(flight, gateway, stricter, 2, facts, settings, options, numbers)
            attempts.append(final)

        if final.error is not None:
            if final.error.kind == ErrorKind.CONNECTION:
                self.status.forget(settings.host)  # it went down after the probe: ask again next time
            return self._template(facts, settings, Outcome.ERROR, attempts=attempts, error=final.error)
        if final.verdict is None:  # the verifier itself failed: show the text, unchecked, and keep it out of the cache
            return Narrative(final.text, TextSource.MODEL, settings.model, attempts, outcome=Outcome.UNCHECKED)
        if final.numberless:
            narrative = self._template(facts, settings, Outcome.NO_NUMBERS, attempts=attempts)
        elif final.verified:
            narrative = Narrative(final.text, TextSource.MODEL, settings.model, attempts, outcome=Outcome.VERIFIED)
        else:
            narrative = self._template(facts, settings, Outcome.REJECTED, attempts=attempts)
        try:
            self.cache.put(key, narrative.to_entry(), model=settings.model, prompt_version=PROMPT_VERSION)
            self._stored += 1
        except Exception:  # noqa: BLE001
            log.warning("could not store the narrative in the cache", exc_info=True)
        return narrative

    def _attempt(self, flight: Flight, gateway: OllamaGateway, prompt: Prompt, number: int, facts: FactSheet,
                 settings: NarrationSettings, options: dict[str, Any], numbers: bool) -> Attempt:
        attempt = Attempt(number, prompt, options=options, sheet_has_numbers=numbers)
        flight.publish(Event("attempt", number))
        stream = None
        try:
            stream = gateway.chat_stream(settings.model, prompt.messages, options=options,
                                         keep_alive=settings.keep_alive, think=False,
                                         deadline=settings.answer_timeout, max_chars=ANSWER_CHAR_CAP)
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
            attempt.verdict = verify(attempt.text, prompt.payload)
        self._record(attempt, facts, settings)
        return attempt

    # --- journal and cache entries ------------------------------------------------------------------
    def _record(self, attempt: Attempt, facts: FactSheet, settings: NarrationSettings,
                cache_hit: bool = False) -> int | None:
        metrics = attempt.metrics or CallMetrics()
        prompt = attempt.prompt
        error = attempt.error
        return record(
            page=facts.kind, model=settings.model, options=attempt.options or settings.options(),
            system_prompt_hash=_hash(settings.system_prompt), prompt_hash=prompt.hash(),
            prompt_chars=prompt.chars, prompt_tokens=metrics.prompt_eval_count, messages=prompt.messages,
            response=attempt.text, status=str(attempt.status),
            error=None if error is None else f"{plain_text(error.user_message)} [{error.detail}]",
            cache_hit=cache_hit, facts_kind=facts.kind, dataset_id=facts.dataset_id, prompt_version=prompt.version,
            metrics=metrics.to_dict(), verdict=attempt.verdict.to_dict() if attempt.verdict is not None else None,
            attempt=attempt.number,
        )

    def _from_entry(self, entry: dict[str, Any], facts: FactSheet) -> Narrative:
        """A cached narrative, each attempt's verdict rebuilt once (verifying is deterministic)."""
        attempts = []
        for item in entry.get("attempts", []):
            prompt = Prompt(messages=item["messages"], payload=item["payload"], task=item.get("task", ""),
                            tokens=item.get("tokens", 0))
            verdict = verify(item["text"], item["payload"]) if item.get("verdict") is not None else None
            numbers = item.get("sheet_has_numbers")
            attempts.append(Attempt(item["number"], prompt, item["text"], CallMetrics.from_dict(item.get("metrics")),
                                    verdict, warnings=list(item.get("warnings", [])),
                                    sheet_has_numbers=has_numbers(item["payload"]) if numbers is None else numbers))
        source = TextSource(entry["source"])
        default = Outcome.VERIFIED if source == TextSource.MODEL else Outcome.REJECTED
        outcome = Outcome(entry.get("outcome") or default)
        template_verdict = verify(entry["text"], facts.payload()) if source == TextSource.TEMPLATE else None
        return Narrative(entry["text"], source, entry["model"], attempts, cached=True, outcome=outcome,
                         template_verdict=template_verdict)


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

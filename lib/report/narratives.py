"""Narratives for the report: through the same narration service as the pages (cache, journal, verifier,
stricter retry, template fallback), or the template when no model is to be called.

`narrate` is the one place that talks to the service, so moving to `NarrationService.open()` is one edit.
"""

from __future__ import annotations

import logging

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.narration.prompt import build_prompt
from lib.narration.service import NarrationJob, Narrative, narration_service, template_text
from lib.narration.settings import NarrationSettings
from lib.narration.tasks import task_for
from lib.report.model import NarrativeBlock
from lib.verify import verify_numbers

log = logging.getLogger(__name__)

NOTES = {
    "no_model": "Модель не вызывалась (--no-model): текст по шаблону из тех же фактов.",
    "unavailable": "Ollama недоступна, поэтому текст собран по шаблону из тех же фактов.",
    "cancelled": "Построение текстов остановлено, поэтому для этой страницы текст по шаблону.",
    "failed_check": "Текст модели не прошёл проверку чисел, поэтому показан текст по шаблону.",
    "error": "Вызов модели не удался ({reason}), поэтому показан текст по шаблону.",
}


def start(facts: FactSheet, settings: NarrationSettings) -> NarrationJob:
    """The page's narration job: a cache hit is a finished job; otherwise the model call runs in the service."""
    return narration_service().request(facts, task_for(facts.kind), facts.kind, settings)


def finished(job: NarrationJob) -> bool:
    return job.done


def result(job: NarrationJob) -> Narrative:
    return job.wait()


def narrate(facts: FactSheet, settings: NarrationSettings) -> Narrative:
    """The page's narrative, blocking: cached, written by the model and checked, or the template."""
    return result(start(facts, settings))


def _prompt_messages(facts: FactSheet, settings: NarrationSettings) -> tuple[dict[str, str], ...]:
    """The messages the model would get for `facts` (for the appendix when no call was made)."""
    try:
        prompt = build_prompt(facts, task_for(facts.kind), settings.system_prompt, num_ctx=settings.num_ctx,
                              num_predict=settings.num_predict)
    except NarrationError:
        return ()
    return tuple(prompt.messages)


def template_block(facts: FactSheet, settings: NarrationSettings, reason: str) -> NarrativeBlock:
    """The template narrative with its own verdict; `reason` is a key of NOTES."""
    text = template_text(facts)
    return NarrativeBlock(text, "template", settings.model, verify_numbers(text, facts.payload()).summary(),
                          NOTES[reason], _prompt_messages(facts, settings))


def narrative_block(narrative: Narrative, facts: FactSheet, settings: NarrationSettings) -> NarrativeBlock:
    """What the report shows of a service narrative: the main text and the verdict of that text."""
    messages = tuple(narrative.messages) or _prompt_messages(facts, settings)
    if narrative.source == "model":
        verdict = narrative.verdict
        summary = verdict.summary() if verdict is not None else "Числа не проверены: проверка не удалась."
        return NarrativeBlock(narrative.text, "model", narrative.model, summary, "", messages)
    if narrative.failed_check:
        note = NOTES["failed_check"]
    elif narrative.error is not None:
        note = NOTES["error"].format(reason=narrative.error.kind)
    else:
        note = ""
    summary = verify_numbers(narrative.text, facts.payload()).summary()
    return NarrativeBlock(narrative.text, "template", narrative.model, summary, note, messages)


def unavailable_block(facts: FactSheet, settings: NarrationSettings) -> NarrativeBlock:
    """The template when the server is down; the journal gets the same `connection` row the app records."""
    try:
        narration_service().unavailable(facts, task_for(facts.kind), facts.kind, settings)
    except Exception:  # noqa: BLE001 - a journal that cannot be written never stops the report
        log.warning("could not record the unavailable server", exc_info=True)
    return template_block(facts, settings, "unavailable")

"""Narratives for the report: through the same narration handle as the pages (`NarrationService.open`: cache,
status probe, journal, verifier, stricter retry, template fallback), or the template when no model is to be
called. `start` is the one place that opens a handle."""

from __future__ import annotations

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.narration.kinds import OUTCOME_LABELS, Outcome, TextSource
from lib.narration.prompt import build_prompt
from lib.narration.service import NarrationJob, Narrative, narration_service, template_text
from lib.narration.settings import NarrationSettings
from lib.narration.tasks import task_for
from lib.report.model import NarrativeBlock
from lib.verify import verify_numbers

NOTES = {
    "no_model": "Модель не вызывалась (--no-model): текст по шаблону из тех же фактов.",
    "unavailable": "Ollama недоступна, поэтому текст собран по шаблону из тех же фактов.",
    "cancelled": "Построение текстов остановлено, поэтому для этой страницы текст по шаблону.",
}


def start(facts: FactSheet, settings: NarrationSettings) -> NarrationJob:
    """The page's narration handle: a cache hit or the offline template is finished at once; otherwise the model
    call runs in the service (single flight, journal, verifier, stricter retry)."""
    return narration_service().open(facts, settings)


def finished(job: NarrationJob) -> bool:
    return job.done


def result(job: NarrationJob) -> Narrative:
    return job.result()


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
    """The template narrative with its own verdict, no model asked; `reason` is a key of NOTES."""
    text = template_text(facts)
    return NarrativeBlock(text, TextSource.TEMPLATE, "", verify_numbers(text, facts.payload()).summary(),
                          NOTES[reason], _prompt_messages(facts, settings))


def narrative_block(narrative: Narrative, facts: FactSheet, settings: NarrationSettings) -> NarrativeBlock:
    """What the report shows of a service narrative: the main text and the verdict of that text."""
    messages = tuple(narrative.messages) or _prompt_messages(facts, settings)
    if narrative.source == TextSource.MODEL:
        verdict = narrative.verdict
        summary = verdict.summary() if verdict is not None else "Числа не проверены: проверка не удалась."
        return NarrativeBlock(narrative.text, TextSource.MODEL, narrative.model, summary, "", messages)
    if narrative.outcome == Outcome.OFFLINE:
        note = NOTES["unavailable"] if narrative.error is not None else ""
    else:
        note = OUTCOME_LABELS.get(narrative.outcome, "")
    verdict = narrative.template_verdict or verify_numbers(narrative.text, facts.payload())
    return NarrativeBlock(narrative.text, TextSource.TEMPLATE, narrative.model, verdict.summary(), note, messages)

"""The narrative panel of every report page, the narration settings of a session, the sidebar model status.

The panel renders one narration handle (`NarrationService.open`) and decides nothing: it streams the model's
text (`st.write_stream`) into the page's summary slot, then replaces it with the checked version: the text,
«Проверено чисел: N из M», the model line (model, speed, tokens), warnings, «Что видела модель». When the
template is shown instead, one sentence says why and the model's text, if any, is folded below with its
check and its model line. Nothing here raises.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.fmt import fmt_int, fmt_num
from lib.narration.kinds import ErrorKind, JobSource, Outcome, TextSource
from lib.narration.ollama import base_url
from lib.narration.prompt import LEFT_OUT_KEY, TRIM_NOTE_KEY
from lib.narration.service import Narrative, SessionMemo, narration_service, template_text
from lib.narration.settings import NarrationSettings
from lib.ui.pull import pull_model
from lib.ui.safe import literal
from lib.verify import Verdict, escape_markdown

log = logging.getLogger(__name__)

SETTINGS_KEY = "narration_settings"
MEMO_KEY = "narration_memo"

UNAVAILABLE = (
    "Ollama недоступна по адресу {host}, поэтому текст ниже собран по шаблону из тех же фактов. "
    "Чтобы получить текст модели, запустите Ollama (`ollama serve`) или `docker compose up`, "
    "либо укажите адрес сервера (OLLAMA_HOST) на странице «Модель»."
)
RETRYING = "Текст не прошёл проверку по сводке. Пишу его заново, со строгим указанием…"
TEMPLATE_MARK = "текст по шаблону"
# why the template is shown although the model answered (one visible sentence above the template)
# why the template is shown although the model answered (one visible sentence above the template);
# {what}: «чисел», «утверждений» or «чисел и утверждений» — what failed the check
WHY_TEMPLATE = {
    Outcome.REJECTED: "Текст модели не прошёл проверку {what} — показан текст по шаблону.",
    Outcome.NO_NUMBERS: "В тексте модели нет ни одного числа из сводки, проверить его нечем — показан текст "
                        "по шаблону.",
    Outcome.ERROR: "Текст модели не прошёл проверку {what}, а повторная попытка не удалась — показан текст "
                   "по шаблону.",
}
FOLDED = {
    Outcome.NO_NUMBERS: "Текст модели без чисел из сводки",
}
FAILED_CHECK = "Текст модели не прошёл проверку"
# {wrote}: «числа» / «утверждения» / «числа и утверждения»
FAILED_CHECK_NOTES = {
    "twice": (
        "Модель дважды написала {wrote}, которые сводка не подтверждает, поэтому выше показан текст по шаблону. "
        "Они выделены, а под текстом сказано, что с каждым не так."
    ),
    "retry_failed": (
        "Модель написала {wrote}, которые сводка не подтверждает, а повторная попытка не удалась (причина — "
        "в сообщении выше), поэтому выше показан текст по шаблону. Они выделены, а под текстом сказано, "
        "что с каждым не так."
    ),
    "no_numbers": (
        "В сводке есть числа, а в этом тексте — ни одного из них: такой текст нельзя проверить, и он мог "
        "последовать указанию, спрятанному в данных. Поэтому выше показан текст по шаблону."
    ),
}


def _failed(narrative: Narrative) -> tuple[bool, bool]:
    """(numbers failed, claims failed) in the model text the panel folds."""
    verdict = narrative.verdict
    if verdict is None:
        return False, False
    return bool(verdict.unsupported), bool(verdict.failed_claims)


def why_template(narrative: Narrative) -> str:
    """The one sentence above a template shown instead of the model's text."""
    numbers, claims = _failed(narrative)
    what = "чисел и утверждений" if numbers and claims else ("утверждений" if claims else "чисел")
    return WHY_TEMPLATE.get(narrative.outcome, WHY_TEMPLATE[Outcome.REJECTED]).format(what=what)


def current_settings() -> NarrationSettings:
    """This session's narration settings (from the environment until the «Модель» page changes them)."""
    settings = st.session_state.get(SETTINGS_KEY)
    if not isinstance(settings, NarrationSettings):
        settings = NarrationSettings.from_config()
        st.session_state[SETTINGS_KEY] = settings
    return settings


def set_settings(settings: NarrationSettings) -> None:
    st.session_state[SETTINGS_KEY] = settings


def server_available(host: str) -> bool:
    """Whether Ollama answers at `host` (the service's status probe, remembered for a few seconds)."""
    return narration_service().status.up(host)


def model_status() -> None:
    """One line in the sidebar: the model and whether its server answers."""
    settings = current_settings()
    state = "сервер доступен" if server_available(settings.host) else "Ollama недоступна"
    st.sidebar.caption(f"Модель: {literal(settings.model)} · {state}")


def escaped_chunks(chunks: Iterable[str]) -> Iterator[str]:
    """The model's live text as `st.write_stream` renders it (markdown), each chunk escaped: an image, a
    link or a heading in the answer shows as written, the same as the checked text shown after it."""
    for chunk in chunks:
        yield escape_markdown(chunk)


def show_error(error: NarrationError) -> None:
    """A narration failure on screen: its Russian message; the technical detail goes to the log."""
    log.warning("narration failed (%s): %s", error.kind, error.detail, exc_info=error)
    st.warning(error.user_message)


def _ask_regenerate(page: str) -> None:
    st.session_state[f"{page}_regenerate"] = True


def _ask_pull(page: str) -> None:
    st.session_state[f"{page}_pull"] = True


def _pull_model(settings: NarrationSettings, page: str) -> None:
    """Download the current model with the shared pull widget, then ask for a new narrative."""
    if pull_model(settings.host, settings.timeout, settings.model):
        st.success(f"Модель «{literal(settings.model)}» скачана.")
        _ask_regenerate(page)


def first_token_text(seconds: float) -> str:
    """«меньше 0,1 с» rather than «через 0 с» for an instant answer."""
    if seconds < 0.1:
        return "первый токен: меньше 0,1 с"
    return f"первый токен через {fmt_num(seconds, 1 if seconds < 10 else 0)} с"


def metrics_line(narrative: Narrative, settings: NarrationSettings) -> str:
    """«Модель: … · из кэша · первый токен через … · N ток/с · токенов в запросе: N из M»."""
    parts = [f"Модель: {literal(narrative.model)}"]
    metrics = narrative.metrics
    if narrative.cached:
        parts.append("из кэша")
    if metrics is not None:
        if metrics.first_token_seconds is not None:
            parts.append(first_token_text(metrics.first_token_seconds))
        if metrics.tokens_per_second is not None:
            parts.append(f"{fmt_num(metrics.tokens_per_second, 1)} ток/с")
        if metrics.prompt_eval_count is not None:
            parts.append(f"токенов в запросе: {fmt_int(metrics.prompt_eval_count)} из {fmt_int(settings.num_ctx)}")
    return " · ".join(parts)


def unsupported_list(verdict: Verdict) -> str:
    """One markdown line per unsupported number (and failed claim), in the verifier's own words."""
    lines = [f"- {escape_markdown(check.explanation())}" for check in verdict.unsupported]
    lines += [f"- {escape_markdown(claim.explanation)}" for claim in verdict.failed_claims]
    return "\n".join(lines)


def failed_check_note(narrative: Narrative) -> str:
    """«дважды» only when both attempts were checked: a retry that ended in an error has no verdict."""
    if narrative.outcome == Outcome.NO_NUMBERS:
        return FAILED_CHECK_NOTES["no_numbers"]
    checked = sum(1 for attempt in narrative.attempts if attempt.verdict is not None)
    numbers, claims = _failed(narrative)
    wrote = "числа и утверждения" if numbers and claims else ("утверждения" if claims else "числа")
    return FAILED_CHECK_NOTES["twice" if checked >= 2 else "retry_failed"].format(wrote=wrote)


def _model_text(narrative: Narrative, settings: NarrationSettings) -> None:
    """The model's text with its check, warnings and model line (main text or folded)."""
    verdict = narrative.verdict
    if verdict is None:
        st.markdown(escape_markdown(narrative.model_text))
        st.caption("Числа в этом тексте не удалось проверить.")
    else:
        st.markdown(verdict.highlighted_markdown())
        st.caption(verdict.summary())
        if not verdict.ok:
            st.markdown(unsupported_list(verdict))
    for warning in narrative.warnings:
        st.warning(warning)
    trimmed = trim_note(narrative)
    if trimmed:
        st.caption(escape_markdown(trimmed))
    st.caption(metrics_line(narrative, settings))


def trim_note(narrative: Narrative) -> str:
    """«Модель видела сокращённую сводку: в сводку не вошли ещё 37 столбцов» when the prompt was trimmed."""
    last = narrative.last
    if last is None:
        return ""
    payload = last.prompt.payload
    note = payload.get(TRIM_NOTE_KEY)
    if LEFT_OUT_KEY not in payload or not isinstance(note, str):
        return ""
    return "Модель видела сокращённую сводку: " + note.split(": ", 1)[-1] + "."


def _template_text(narrative: Narrative) -> None:
    st.markdown(escape_markdown(narrative.text))
    verdict = narrative.template_verdict
    st.caption(f"{verdict.summary()} · {TEMPLATE_MARK}" if verdict is not None else TEMPLATE_MARK.capitalize())


def render_narrative(narrative: Narrative, source: JobSource, settings: NarrationSettings, page: str) -> None:
    """Everything the panel shows for a finished narrative."""
    error = narrative.error
    if source == JobSource.OFFLINE and error is not None and error.kind == ErrorKind.CONNECTION:
        log.info("narration offline: %s", error.detail)
        st.info(UNAVAILABLE.format(host=base_url(settings.host)))
    elif error is not None:
        show_error(error)
        if error.kind == ErrorKind.NOT_FOUND:
            st.button(f"Скачать модель {literal(settings.model)}", key=f"{page}_pull_button", on_click=_ask_pull,
                      args=(page,), help="Ollama скачает модель; это может занять несколько минут.")
    if narrative.source == TextSource.MODEL:
        _model_text(narrative, settings)
    else:
        if narrative.failed_check:
            st.info(why_template(narrative))
        _template_text(narrative)
        if narrative.failed_check:
            with st.expander(FOLDED.get(narrative.outcome, FAILED_CHECK)):
                st.caption(failed_check_note(narrative))
                _model_text(narrative, settings)
    _what_the_model_saw(narrative)


def narrative_panel(facts: FactSheet, into: DeltaGenerator | None = None) -> None:
    """The narrative for `facts`: cached, streamed from the model, or the template; never raises.

    `into` is the slot a page created above its charts: the charts are drawn first, the text streams there.
    """
    if into is not None:
        with into:
            narrative_panel(facts)
        return
    st.subheader("Коротко о главном")
    page = facts.kind
    source = JobSource.LIVE
    try:
        source = _panel(facts, current_settings())
    except Exception:  # noqa: BLE001 - the statistics above must stay on screen whatever happens here
        log.exception("narrative panel failed")
        st.warning("Текст по сводке сейчас не получился. Статистика и графики выше посчитаны точно; "
                   "обновите страницу или нажмите «Сгенерировать заново».")
        st.markdown(escape_markdown(template_text(facts)))
    if source != JobSource.OFFLINE:  # without a server a new text cannot be asked for
        st.button("Сгенерировать заново", key=f"{page}_regenerate_button", on_click=_ask_regenerate,
                  args=(page,), help="Запросить у модели новый текст, не беря его из кэша.")


def _memo() -> SessionMemo:
    memo = st.session_state.get(MEMO_KEY)
    if not isinstance(memo, SessionMemo):
        memo = st.session_state[MEMO_KEY] = SessionMemo()
    return memo


def _panel(facts: FactSheet, settings: NarrationSettings) -> JobSource:
    page = facts.kind
    if st.session_state.pop(f"{page}_pull", False):
        _pull_model(settings, page)
    force = bool(st.session_state.pop(f"{page}_regenerate", False))
    job = narration_service().open(facts, settings, force=force, memo=_memo())
    slot = st.empty()
    if not job.done:
        with slot.container(), st.spinner("Модель пишет текст по сводке…"):
            for number, chunks in job.streams():
                if number > 1:
                    st.caption(RETRYING)
                st.write_stream(escaped_chunks(chunks))
    narrative = job.result()
    with slot.container():
        render_narrative(narrative, job.source, settings, page)
    return job.source


def _what_the_model_saw(narrative: Narrative) -> None:
    if not narrative.messages:
        return
    with st.expander("Что видела модель"):
        for message in narrative.messages:
            title = "Системный промпт" if message["role"] == "system" else "Сообщение со сводкой фактов"
            st.markdown(f"**{title}**")
            st.code(message["content"], language=None, wrap_lines=True)

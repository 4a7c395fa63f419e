"""The narrative panel every page ends with, the narration settings of a session, the sidebar model status.

The panel streams the model's text (`st.write_stream`) under the statistics already drawn, then replaces
it with the checked version: «Проверено чисел: N из M», call metrics, warnings, «Что видела модель» and a
regenerate button. Without a server it shows a notice and the template narrative; nothing here raises.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.errors import NarrationError
from lib.facts.base import FactSheet
from lib.fmt import fmt_int, fmt_num
from lib.narration.ollama import base_url, gateway_for
from lib.narration.service import Narrative, narration_service, template_text, verify
from lib.narration.settings import NarrationSettings
from lib.narration.tasks import task_for
from lib.verify import escape_markdown

log = logging.getLogger(__name__)

SETTINGS_KEY = "narration_settings"
STATUS_TIMEOUT = 0.5  # seconds per phase (connect, read): the status probe holds a page up ~1 s at most

UNAVAILABLE = (
    "Ollama недоступна по адресу {host}, поэтому текст ниже собран по шаблону из тех же фактов. "
    "Чтобы получить текст модели, запустите Ollama (`ollama serve`) или `docker compose up`, "
    "либо укажите адрес сервера (OLLAMA_HOST) на странице «Модель»."
)
RETRYING = "В тексте нашлись числа, которых нет в сводке. Пишу текст заново, со строгим указанием…"
FAILED_CHECK = "Текст модели не прошёл проверку"
FAILED_CHECK_NOTES = {
    "twice": (
        "Модель дважды написала числа, которых нет в сводке, поэтому выше показан текст по шаблону. "
        "Числа, не найденные в сводке, выделены."
    ),
    "retry_failed": (
        "Модель написала числа, которых нет в сводке, а повторная попытка не удалась (причина — в сообщении "
        "выше), поэтому выше показан текст по шаблону. Числа, не найденные в сводке, выделены."
    ),
}


def current_settings() -> NarrationSettings:
    """This session's narration settings (from the environment until the «Модель» page changes them)."""
    settings = st.session_state.get(SETTINGS_KEY)
    if not isinstance(settings, NarrationSettings):
        settings = NarrationSettings.from_config()
        st.session_state[SETTINGS_KEY] = settings
    return settings


def set_settings(settings: NarrationSettings) -> None:
    st.session_state[SETTINGS_KEY] = settings


@st.cache_data(ttl=15, max_entries=16, show_spinner=False)
def _server_version(host: str) -> str | None:
    """Ollama's version at `host`, or None when it does not answer within STATUS_TIMEOUT (cached 15 s)."""
    try:
        return gateway_for(host, STATUS_TIMEOUT).version(timeout=STATUS_TIMEOUT)
    except NarrationError:
        return None


def server_available(host: str) -> bool:
    return _server_version(host) is not None


def model_status() -> None:
    """One line in the sidebar: the model and whether its server answers."""
    settings = current_settings()
    state = "сервер доступен" if server_available(settings.host) else "Ollama недоступна"
    st.sidebar.caption(f"Модель: {settings.model} · {state}")


def _ask_regenerate(page: str) -> None:
    st.session_state[f"{page}_regenerate"] = True


def _ask_pull(page: str) -> None:
    st.session_state[f"{page}_pull"] = True


def _pull_model(settings: NarrationSettings, page: str) -> None:
    """Download the current model with a progress bar, then ask for a new narrative."""
    bar = st.progress(0.0, text=f"Скачиваю модель «{settings.model}»…")
    finished = False
    try:
        for progress in gateway_for(settings.host, settings.timeout).pull(settings.model):
            if progress.total:
                bar.progress(min(1.0, (progress.completed or 0) / progress.total),
                             text=f"Скачиваю модель «{settings.model}»: {progress.status}")
            finished = finished or progress.status == "success"
    except NarrationError as error:
        bar.empty()
        st.error(error.user_message)
        return
    bar.empty()
    if not finished:
        st.error("Скачивание оборвалось, не дойдя до конца. Нажмите кнопку ещё раз: Ollama продолжит с того же места.")
        return
    st.success(f"Модель «{settings.model}» скачана.")
    _ask_regenerate(page)


def _metrics_line(narrative: Narrative, settings: NarrationSettings) -> str:
    parts = [f"Модель: {narrative.model}"]
    metrics = narrative.metrics
    if narrative.cached:
        parts.append("из кэша")
    if metrics is not None:
        if metrics.first_token_seconds is not None:
            seconds = metrics.first_token_seconds
            parts.append(f"первый токен через {fmt_num(seconds, 2 if seconds < 10 else 0)} с")
        if metrics.tokens_per_second is not None:
            parts.append(f"{fmt_num(metrics.tokens_per_second, 1)} ток/с")
        if metrics.prompt_eval_count is not None:
            parts.append(f"токенов в запросе: {fmt_int(metrics.prompt_eval_count)} из {fmt_int(settings.num_ctx)}")
    return " · ".join(parts)


def _unsupported_list(verdict) -> str:
    lines = []
    for check in verdict.unsupported:
        line = f"- «{escape_markdown(check.claim.raw)}» — нет в сводке"
        if check.reason == "other_entity":
            line = f"- «{escape_markdown(check.claim.raw)}» — в сводке относится к другому столбцу или значению"
        if check.closest is not None:
            line += f"; ближайший факт: {escape_markdown(check.closest.label)} = {check.closest.shown()}"
        lines.append(line)
    return "\n".join(lines)


def failed_check_note(narrative: Narrative) -> str:
    """«дважды» only when both attempts were checked: a retry that ended in an error has no verdict."""
    checked = sum(1 for attempt in narrative.attempts if attempt.verdict is not None)
    return FAILED_CHECK_NOTES["twice" if checked >= 2 else "retry_failed"]


def _what_the_model_saw(narrative: Narrative) -> None:
    if not narrative.messages:
        return
    with st.expander("Что видела модель"):
        for message in narrative.messages:
            title = "Системный промпт" if message["role"] == "system" else "Сообщение со сводкой фактов"
            st.markdown(f"**{title}**")
            st.code(message["content"], language=None, wrap_lines=True)


def _render(narrative: Narrative, facts: FactSheet, settings: NarrationSettings, *, server_down: bool,
            page: str = "") -> None:
    if server_down:
        st.info(UNAVAILABLE.format(host=base_url(settings.host)))
    elif narrative.error is not None:
        st.warning(narrative.error.user_message)
        if narrative.error.kind == "not_found" and page:
            st.button(f"Скачать модель {settings.model}", key=f"{page}_pull_button", on_click=_ask_pull,
                      args=(page,), help="Ollama скачает модель; это может занять несколько минут.")

    if narrative.source == "model":
        verdict = narrative.verdict
        st.markdown(verdict.highlighted_markdown() if verdict is not None else escape_markdown(narrative.text))
        if verdict is not None:
            st.caption(verdict.summary())
            if not verdict.ok:
                st.markdown(_unsupported_list(verdict))
        else:
            st.caption("Числа в этом тексте не удалось проверить.")
    else:
        st.markdown(escape_markdown(narrative.text))
        try:
            st.caption(f"{verify(narrative.text, facts.payload()).summary()} · текст по шаблону")
        except Exception:  # noqa: BLE001
            st.caption("Текст по шаблону")
        if narrative.failed_check:
            with st.expander(FAILED_CHECK):
                st.caption(failed_check_note(narrative))
                st.markdown(narrative.verdict.highlighted_markdown())
                st.caption(narrative.verdict.summary())
                st.markdown(_unsupported_list(narrative.verdict))

    for warning in narrative.warnings:
        st.warning(warning)
    if narrative.attempts and narrative.model_text:
        st.caption(_metrics_line(narrative, settings))
    _what_the_model_saw(narrative)


def _offline(facts: FactSheet, settings: NarrationSettings) -> Narrative:
    return Narrative(template_text(facts), "template", settings.model)


def narrative_panel(facts: FactSheet, into: DeltaGenerator | None = None) -> None:
    """The narrative for `facts`: cached, streamed from the model, or the template; never raises.

    `into` is the slot a page created above its charts: the charts are drawn first, the text streams there.
    """
    if into is not None:
        with into:
            narrative_panel(facts)
        return
    st.subheader("Коротко о главном")
    task, page = task_for(facts.kind), facts.kind
    settings = current_settings()
    try:
        _panel(facts, task, page, settings)
    except Exception:  # noqa: BLE001 - the statistics above must stay on screen whatever happens here
        log.exception("narrative panel failed")
        st.warning("Текст по сводке сейчас не получился. Статистика и графики выше посчитаны точно; "
                   "обновите страницу или нажмите «Сгенерировать заново».")
        st.markdown(escape_markdown(template_text(facts)))
    st.button("Сгенерировать заново", key=f"{page}_regenerate_button", on_click=_ask_regenerate, args=(page,),
              help="Запросить у модели новый текст, не беря его из кэша.")


def _panel(facts: FactSheet, task: str, page: str, settings: NarrationSettings) -> None:
    service = narration_service()
    if st.session_state.pop(f"{page}_pull", False):
        _pull_model(settings, page)
    force = bool(st.session_state.pop(f"{page}_regenerate", False))
    if force:
        _server_version.clear()
    key = service.key(facts, task, settings)
    shown_key = f"{page}_narrative"
    stored = st.session_state.get(shown_key)
    if facts.is_empty:
        _render(_offline(facts, settings), facts, settings, server_down=False)
        return
    if not force and stored is not None and stored[0] == key:
        _, narrative, offline = stored
        # a template shown because the server was down is replaced as soon as the server answers again
        if not offline or not server_available(settings.host):
            _render(narrative, facts, settings, server_down=offline, page=page)
            return
    cached = None if force else service.cached(facts, task, settings)
    if cached is None and not server_available(settings.host):
        narrative = service.unavailable(facts, task, page, settings)
        st.session_state[shown_key] = (key, narrative, True)
        _render(narrative, facts, settings, server_down=True)
        return

    job = service.request(facts, task, page, settings, force=force)
    slot = st.empty()
    if not job.done:
        with slot.container(), st.spinner("Модель пишет текст по сводке…"):
            for number, chunks in job.streams():
                if number > 1:
                    st.caption(RETRYING)
                st.write_stream(chunks)
    narrative = job.wait()
    with slot.container():
        _render(narrative, facts, settings, server_down=False, page=page)
    # errors are kept too: a rerun must not wait for a failing server again; «Сгенерировать заново» retries
    st.session_state[shown_key] = (key, narrative, False)

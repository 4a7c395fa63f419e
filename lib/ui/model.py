"""Widgets of the «Модель» page: server address and status, installed models, pull with progress,
the «Проверить модель» probe and the generation settings. All Ollama traffic goes through OllamaGateway and
the Streamlit-free logic lives in lib/narration/server.py; every failure arrives as a NarrationError whose
Russian message is shown as is (its detail is logged)."""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from lib.errors import NarrationError
from lib.fmt import fmt_int, fmt_num
from lib.journal_facts import fmt_seconds
from lib.narration.probe import GOOD_SECONDS, PARAGRAPH_TOKENS, SLOW_SECONDS, ProbeResult, probe_model
from lib.narration.server import ServerStatus, host_problem, models_table
from lib.narration.settings import NarrationSettings
from lib.ui.narrative import current_settings, set_settings
from lib.ui.pull import pull_model
from lib.ui.safe import literal
from lib.ui.tables import show_table
from lib.ui.widgets import metric_row
from lib.verify import escape_markdown
from lib.vocab import ProbeLevel

log = logging.getLogger(__name__)

FLASH_KEY = "model_flash"
CHOICE_KEY = "model_choice"
PULL_TAG_KEY = "model_pull_tag"
PROBE_KEY = "model_probe"
HOST_KEY = "model_host"


def _show_error(error: NarrationError) -> None:
    log.warning("ollama (%s): %s", error.kind, error.detail, exc_info=error)
    st.error(error.user_message)


def _flash(message: str) -> None:
    st.session_state.setdefault(FLASH_KEY, []).append(message)


def show_flash() -> None:
    """Messages left by an action before `st.rerun()` (e.g. «модель скачана»)."""
    for message in st.session_state.pop(FLASH_KEY, []):
        st.success(message)


def host_form(settings: NarrationSettings) -> NarrationSettings:
    """The server address; a new address takes effect on «Проверить соединение»."""
    st.session_state.setdefault(HOST_KEY, settings.host)
    with st.form("model_host_form", border=False):
        st.text_input(
            "Адрес сервера Ollama",
            key=HOST_KEY,
            help="Например, http://127.0.0.1:11434 или http://ollama:11434 внутри docker compose.",
        )
        checked = st.form_submit_button("Проверить соединение")
    host = st.session_state[HOST_KEY].strip()
    if checked and not host:
        st.error("Введите адрес сервера Ollama, например http://127.0.0.1:11434.")
        return settings
    problem = host_problem(host) if checked else None
    if problem:
        log.info("malformed Ollama address refused: %r", host)
        st.error(problem)
        return settings
    if checked and host != settings.host:
        settings = replace(settings, host=host)
        set_settings(settings)
    return settings


def server_summary(status: ServerStatus) -> None:
    if status.error is not None or status.gateway is None:
        if status.error is not None:
            _show_error(status.error)
        return
    st.success(
        f"Сервер Ollama отвечает по адресу {escape_markdown(status.gateway.url)}: "
        f"версия {escape_markdown(status.version or '—')}, установлено моделей: {len(status.models)}."
    )


def _choose_model() -> None:
    choice = st.session_state.get(CHOICE_KEY)
    settings = current_settings()
    if choice and choice != settings.model:
        set_settings(replace(settings, model=choice))
        st.session_state.pop(PROBE_KEY, None)
        _flash(f"Для текстов выбрана модель «{escape_markdown(choice)}». Проверьте её скорость кнопкой "
               "«Проверить модель».")


def models_section(settings: NarrationSettings, status: ServerStatus) -> None:
    if not status.up:
        st.caption("Список моделей появится, когда сервер Ollama ответит.")
        return
    names = [m.name for m in status.models]
    if not names:
        st.info("На сервере пока нет ни одной модели. Скачайте модель ниже, например qwen2.5:3b.")
        return
    show_table(models_table(status.models))
    installed = settings.model in names
    if not installed:
        st.warning(
            f"Модели «{escape_markdown(settings.model)}» из настроек нет на сервере. Скачайте её ниже кнопкой "
            "«Скачать модель» или выберите установленную модель."
        )
    st.session_state[CHOICE_KEY] = settings.model if installed else None
    st.selectbox(
        "Модель для текстов",
        names,
        key=CHOICE_KEY,
        placeholder="Выберите модель",
        on_change=_choose_model,
        help="Эта модель пишет тексты на всех страницах отчёта.",
    )


def run_pull(settings: NarrationSettings, tag: str) -> None:
    """Download `tag` with the shared pull widget; on success refresh the page (the model list) with a message."""
    if pull_model(settings.host, settings.timeout, tag):
        st.session_state.pop(PROBE_KEY, None)
        _flash(f"Модель «{escape_markdown(tag.strip())}» скачана и появилась в списке.")
        st.rerun()


def pull_section(status: ServerStatus, settings: NarrationSettings) -> None:
    if not status.up:
        st.caption("Скачивание доступно, когда сервер Ollama отвечает.")
        return
    st.session_state.setdefault(PULL_TAG_KEY, "" if status.has(settings.model) else settings.model)
    st.text_input("Имя модели", key=PULL_TAG_KEY, placeholder="например, qwen2.5:1.5b",
                  help="Тег из библиотеки Ollama (ollama.com/library): qwen2.5:0.5b, qwen2.5:3b, qwen3:4b-instruct…")
    if st.button("Скачать модель"):
        run_pull(settings, st.session_state[PULL_TAG_KEY])


def show_probe(result: ProbeResult) -> None:
    metric_row(
        [
            ("Загрузка модели", f"{fmt_seconds(result.load_seconds)} с"),
            ("Первый токен", f"{fmt_seconds(result.first_token_seconds)} с"),
            ("Скорость", f"{fmt_num(result.tokens_per_second, 1)} ток./с"),
            ("Чтение запроса", f"{fmt_num(result.prompt_tokens_per_second, 1)} ток./с"),
        ],
        helps=[
            "Сколько сервер читал модель с диска в память (при повторных вызовах — почти ноль).",
            "Сколько прошло от запроса до первого слова ответа, с загрузкой модели.",
            f"Токенов ответа в секунду. Абзац текста — около {PARAGRAPH_TOKENS} токенов.",
            "Токенов запроса в секунду. Сводка фактов страницы — несколько сотен токенов: при медленном "
            "чтении текст начинается не сразу.",
        ],
    )
    show = {ProbeLevel.GOOD: st.success, ProbeLevel.SLOW: st.warning, ProbeLevel.TOO_SLOW: st.error}.get(
        result.level, st.info)
    show(f"«{escape_markdown(result.model)}»: {result.verdict}.")
    if result.language_warning:
        st.warning(result.language_warning)
    st.markdown("**Ответ модели:**")
    st.text(result.text)
    if result.call_id is None:
        st.caption("Этот вызов не удалось записать в журнал.")


def probe_section(status: ServerStatus, settings: NarrationSettings) -> None:
    st.caption(
        f"Отправляет модели короткий вопрос по-русски и меряет загрузку, время до первого токена и скорость. "
        f"«Годится» — абзац (около {PARAGRAPH_TOKENS} токенов) пишется не дольше {fmt_num(GOOD_SECONDS)} с, "
        f"«медленно» — до {fmt_num(SLOW_SECONDS)} с, дольше — «слишком медленно»."
    )
    gateway = status.gateway
    if not status.up or gateway is None:
        st.caption("Проверка доступна, когда сервер Ollama отвечает.")
        return
    if st.button("Проверить модель", type="primary"):
        with st.spinner(f"Спрашиваю «{escape_markdown(settings.model)}»… Первая загрузка модели может занять "
                        "до минуты."):
            try:
                st.session_state[PROBE_KEY] = probe_model(gateway, settings)
            except NarrationError as exc:
                st.session_state[PROBE_KEY] = exc
    outcome = st.session_state.get(PROBE_KEY)
    if isinstance(outcome, ProbeResult) and outcome.model == settings.model:
        show_probe(outcome)
    elif isinstance(outcome, NarrationError):
        _show_error(outcome)
        if outcome.kind == "not_found" and st.button(f"Скачать модель «{literal(settings.model)}»"):
            run_pull(settings, settings.model)


def model_notes(status: ServerStatus, settings: NarrationSettings) -> None:
    """What /api/show says about the chosen model that matters for the settings: trained context, thinking."""
    gateway = status.gateway
    if not status.up or gateway is None or not status.has(settings.model):
        return
    try:
        context = gateway.context_length(settings.model)
        thinking = "thinking" in gateway.capabilities(settings.model)
    except NarrationError as exc:
        log.info("no /api/show hints for %s: %s", settings.model, exc.detail)
        return  # the list above already works; a failing /api/show only costs these hints
    if context:
        st.caption(f"«{escape_markdown(settings.model)}» рассчитана на контекст до {fmt_int(context)} токенов.")
        if settings.num_ctx > context:
            st.warning(
                f"Размер контекста (num_ctx) {fmt_int(settings.num_ctx)} больше, чем модель умеет "
                f"({fmt_int(context)}): уменьшите его до {fmt_int(context)} или меньше."
            )
    if thinking:
        st.caption("Модель умеет рассуждать перед ответом (thinking); Svodka выключает рассуждения, "
                   "чтобы текст начинался сразу.")


OPTION_FIELDS = ("system_prompt", "temperature", "top_p", "top_k", "repeat_penalty", "num_ctx", "num_predict")

# Russian first, Ollama's own name in brackets (what the documentation and `ollama run` call it).
LABELS = {
    "temperature": "Температура (temperature)",
    "top_p": "Порог вероятности (top_p)",
    "top_k": "Число кандидатов (top_k)",
    "repeat_penalty": "Штраф за повторы (repeat_penalty)",
    "num_ctx": "Размер контекста (num_ctx)",
    "num_predict": "Длина ответа (num_predict)",
    "fixed_seed": "Фиксированное зерно (seed)",
    "seed": "Зерно (seed)",
}
STEP = 0.05
# Fractional options are chosen from a scale of steps, so each value is shown with a decimal comma («0,2»,
# «1,1»): Streamlit's sliders and number boxes print a decimal point.
SCALES: dict[str, tuple[float, ...]] = {
    "temperature": tuple(round(i * STEP, 2) for i in range(41)),  # 0 … 2
    "top_p": tuple(round(i * STEP, 2) for i in range(21)),  # 0 … 1
    "repeat_penalty": tuple(round(0.5 + i * STEP, 2) for i in range(31)),  # 0,5 … 2
}


def decimal_text(value: float) -> str:
    """0.2 → «0,2», 1.1 → «1,1», 1.0 → «1»: option values as the Russian reader writes them."""
    return fmt_num(value, 2)


def nearest_on_scale(name: str, value: float) -> float:
    """The scale step closest to `value` (a setting from elsewhere may fall between steps)."""
    return min(SCALES[name], key=lambda step: abs(step - value))


def _form_key(name: str) -> str:
    return f"model_{name}"


def _fill_form_state(settings: NarrationSettings) -> None:
    """Widget values live under their keys; missing ones start from `settings`."""
    values = {name: getattr(settings, name) for name in OPTION_FIELDS}
    for name in SCALES:
        values[name] = nearest_on_scale(name, float(values[name]))
    values["fixed_seed"] = settings.seed is not None
    values["seed"] = int(settings.seed if settings.seed is not None else 42)
    for name, value in values.items():
        st.session_state.setdefault(_form_key(name), value)


def settings_form(settings: NarrationSettings) -> None:
    """System prompt and generation options; saved ones are used by every new narrative."""
    _fill_form_state(settings)
    key = _form_key
    with st.form("model_settings_form"):
        st.text_area("Системный промпт", key=key("system_prompt"), height=260,
                     help="Инструкция, которую модель получает перед фактами.")
        left, middle, right = st.columns(3)
        left.select_slider(LABELS["temperature"], SCALES["temperature"], key=key("temperature"),
                           format_func=decimal_text, help="Чем выше, тем разнообразнее и менее точен текст.")
        middle.select_slider(LABELS["top_p"], SCALES["top_p"], key=key("top_p"), format_func=decimal_text,
                             help="Выбор только из самых вероятных слов с суммарной вероятностью не выше порога.")
        right.number_input(LABELS["top_k"], 1, 1000, step=1, key=key("top_k"),
                           help="Выбор только из этого числа самых вероятных слов.")
        left.select_slider(LABELS["repeat_penalty"], SCALES["repeat_penalty"], key=key("repeat_penalty"),
                           format_func=decimal_text, help="Больше 1 — меньше повторов.")
        middle.number_input(LABELS["num_ctx"], 512, 262144, step=512, key=key("num_ctx"),
                            help="Размер контекста в токенах: промпт и ответ должны в него помещаться. "
                                 "Больше — дольше и больше памяти; смена перезагружает модель.")
        right.number_input(LABELS["num_predict"], 16, 8192, step=16, key=key("num_predict"),
                           help="Наибольшая длина ответа в токенах.")
        left.checkbox(LABELS["fixed_seed"], key=key("fixed_seed"),
                      help="Одинаковые факты и настройки дают одинаковый текст; "
                           "«Сгенерировать заново» пробует другое зерно.")
        middle.number_input(LABELS["seed"], 0, 2**31 - 1, step=1, key=key("seed"))
        saved = st.form_submit_button("Сохранить настройки", type="primary")
    state = st.session_state
    if saved:
        system_prompt = state[key("system_prompt")].strip()
        if not system_prompt:
            st.error("Системный промпт не может быть пустым: впишите текст или нажмите «Вернуть по умолчанию».")
        else:
            set_settings(replace(
                settings,
                system_prompt=system_prompt,
                temperature=float(state[key("temperature")]),
                top_p=float(state[key("top_p")]),
                top_k=int(state[key("top_k")]),
                repeat_penalty=float(state[key("repeat_penalty")]),
                num_ctx=int(state[key("num_ctx")]),
                num_predict=int(state[key("num_predict")]),
                seed=int(state[key("seed")]) if state[key("fixed_seed")] else None,
            ))
            _flash("Настройки сохранены: новые тексты будут написаны с ними.")
            st.rerun()
    if st.button("Вернуть по умолчанию", help="Системный промпт и параметры генерации — как при запуске."):
        defaults = replace(NarrationSettings.from_config(), host=settings.host, model=settings.model)
        set_settings(defaults)
        for name in (*OPTION_FIELDS, "fixed_seed", "seed"):
            state.pop(key(name), None)  # refilled from the defaults on the next run
        _flash("Системный промпт и параметры возвращены к значениям по умолчанию.")
        st.rerun()

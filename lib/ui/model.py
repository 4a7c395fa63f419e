"""Widgets of the «Модель» page: server address and status, installed models, pull with progress,
the «Проверить модель» probe and the generation settings. All Ollama traffic goes through OllamaGateway;
every failure arrives as a NarrationError whose Russian message is shown as is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from lib.errors import NarrationError
from lib.fmt import fmt_bytes, fmt_date, fmt_int, fmt_num, fmt_pct
from lib.journal_facts import fmt_seconds
from lib.narration.ollama import ModelInfo, OllamaGateway, PullProgress, gateway_for
from lib.narration.probe import GOOD_SECONDS, PARAGRAPH_TOKENS, SLOW_SECONDS, ProbeResult, probe_model
from lib.narration.settings import NarrationSettings
from lib.ui.narrative import current_settings, set_settings
from lib.ui.widgets import metric_row
from lib.vocab import ProbeLevel

FLASH_KEY = "model_flash"
CHOICE_KEY = "model_choice"
PULL_TAG_KEY = "model_pull_tag"
PROBE_KEY = "model_probe"
HOST_KEY = "model_host"
STATUS_TIMEOUT = 5.0  # seconds: a liveness check must not hang the page for the whole generation timeout


def host_problem(host: str) -> str | None:
    """A Russian message when `host` cannot be an Ollama address, else None."""
    try:
        OllamaGateway(host, STATUS_TIMEOUT)
    except NarrationError as exc:
        return exc.user_message
    return None


@dataclass
class ServerStatus:
    """What the page knows about the server: its gateway (None for a malformed address), version, models."""

    gateway: OllamaGateway | None = None
    version: str | None = None
    models: list[ModelInfo] = field(default_factory=list)
    error: NarrationError | None = None

    @property
    def up(self) -> bool:
        return self.error is None and self.gateway is not None


def server_status(settings: NarrationSettings) -> ServerStatus:
    try:
        gw = gateway_for(settings.host, settings.timeout)
    except NarrationError as exc:
        return ServerStatus(error=exc)
    try:
        version = gw.version(timeout=min(STATUS_TIMEOUT, gw.timeout))
        return ServerStatus(gateway=gw, version=version, models=gw.list_models())
    except NarrationError as exc:
        return ServerStatus(gateway=gw, error=exc)


PARAMETER_UNITS = {"K": "тыс.", "M": "млн", "B": "млрд", "T": "трлн"}


def parameters_text(size: str | None) -> str:
    """Ollama's `parameter_size` the Russian way: '3.1B' → '3,1 млрд', '494.03M' → '494 млн'."""
    if not size:
        return "—"
    number, unit = size[:-1], PARAMETER_UNITS.get(size[-1:].upper())
    try:
        value = float(number)
    except ValueError:
        return size
    if unit is None:
        return size
    return f"{fmt_num(value, 1 if value < 100 else 0)}\u00a0{unit}"


def models_table(models: list[ModelInfo]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Модель": [m.name for m in models],
            "Размер": [fmt_bytes(m.size) for m in models],
            "Семейство": [m.family or "—" for m in models],
            "Параметров": [parameters_text(m.parameter_size) for m in models],
            "Квантование": [m.quantization or "—" for m in models],
            "Изменена": [fmt_date(m.modified_at) if m.modified_at else "—" for m in models],
        }
    )


PULL_STATUS = {
    "pulling manifest": "Получаю описание модели…",
    "verifying sha256 digest": "Проверяю контрольную сумму…",
    "writing manifest": "Записываю модель…",
    "removing any unused layers": "Удаляю ненужные слои…",
    "removing unused layers": "Удаляю ненужные слои…",
    "success": "Готово: модель скачана.",
}


class PullMeter:
    """Overall progress of one pull. Ollama reports every layer ("pulling <digest>") with its own total, so the
    share is the bytes completed over the bytes announced by all layers seen so far (the model weights dominate)."""

    def __init__(self) -> None:
        self.layers: dict[str, tuple[int, int]] = {}
        self.finished = False

    def update(self, progress: PullProgress) -> tuple[float, str]:
        """(share for the progress bar, Russian status line) after one progress message."""
        if progress.status == "success":
            self.finished = True
            return 1.0, PULL_STATUS["success"]
        if progress.total:
            self.layers[progress.status] = (progress.completed or 0, progress.total)
        done = sum(completed for completed, _ in self.layers.values())
        total = sum(size for _, size in self.layers.values())
        share = min(1.0, done / total) if total else 0.0
        if progress.status in PULL_STATUS:
            return share, PULL_STATUS[progress.status]
        if progress.status.startswith("pulling") and total:
            return share, f"Скачиваю: {fmt_bytes(done)} из {fmt_bytes(total)} ({fmt_pct(share)})"
        if progress.status.startswith("pulling"):
            return share, "Скачиваю…"
        return share, progress.status


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
        st.error(problem)
        return settings
    if checked and host != settings.host:
        settings = replace(settings, host=host)
        set_settings(settings)
    return settings


def server_summary(status: ServerStatus) -> None:
    if not status.up:
        st.error(status.error.user_message)
        return
    st.success(
        f"Сервер Ollama отвечает по адресу {status.gateway.url}: версия {status.version}, "
        f"установлено моделей: {len(status.models)}."
    )


def _choose_model() -> None:
    choice = st.session_state.get(CHOICE_KEY)
    settings = current_settings()
    if choice and choice != settings.model:
        set_settings(replace(settings, model=choice))
        st.session_state.pop(PROBE_KEY, None)
        _flash(f"Для текстов выбрана модель «{choice}». Проверьте её скорость кнопкой «Проверить модель».")


def models_section(settings: NarrationSettings, status: ServerStatus) -> None:
    if not status.up:
        st.caption("Список моделей появится, когда сервер Ollama ответит.")
        return
    names = [m.name for m in status.models]
    if not names:
        st.info("На сервере пока нет ни одной модели. Скачайте модель ниже, например qwen2.5:3b.")
        return
    st.dataframe(models_table(status.models), hide_index=True, width="stretch")
    installed = settings.model in names
    if not installed:
        st.warning(
            f"Модели «{settings.model}» из настроек нет на сервере. Скачайте её ниже кнопкой «Скачать модель» "
            "или выберите установленную модель."
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


def run_pull(gw: OllamaGateway, tag: str) -> None:
    """Download `tag` with a progress bar; on success refresh the page (the model list) with a message."""
    tag = tag.strip()
    if not tag:
        st.error("Введите имя модели, например qwen2.5:3b.")
        return
    bar = st.progress(0.0, text=f"Начинаю скачивание «{tag}»…")
    meter = PullMeter()
    try:
        for progress in gw.pull(tag):
            share, text = meter.update(progress)
            bar.progress(share, text=text)
    except NarrationError as exc:
        bar.empty()
        st.error(exc.user_message)
        return
    if not meter.finished:
        st.error("Скачивание оборвалось, не дойдя до конца. Нажмите «Скачать модель» ещё раз — Ollama продолжит "
                 "с того же места.")
        return
    st.session_state.pop(PROBE_KEY, None)
    _flash(f"Модель «{tag}» скачана и появилась в списке.")
    st.rerun()


def pull_section(status: ServerStatus, settings: NarrationSettings) -> None:
    if not status.up:
        st.caption("Скачивание доступно, когда сервер Ollama отвечает.")
        return
    missing = settings.model not in {m.name for m in status.models}
    st.session_state.setdefault(PULL_TAG_KEY, settings.model if missing else "")
    st.text_input("Имя модели", key=PULL_TAG_KEY, placeholder="например, qwen2.5:1.5b",
                  help="Тег из библиотеки Ollama (ollama.com/library): qwen2.5:0.5b, qwen2.5:3b, qwen3:4b-instruct…")
    if st.button("Скачать модель"):
        run_pull(status.gateway, st.session_state[PULL_TAG_KEY])


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
    show(f"«{result.model}»: {result.verdict}.")
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
    if not status.up:
        st.caption("Проверка доступна, когда сервер Ollama отвечает.")
        return
    if st.button("Проверить модель", type="primary"):
        with st.spinner(f"Спрашиваю «{settings.model}»… Первая загрузка модели может занять до минуты."):
            try:
                st.session_state[PROBE_KEY] = probe_model(status.gateway, settings)
            except NarrationError as exc:
                st.session_state[PROBE_KEY] = exc
    outcome = st.session_state.get(PROBE_KEY)
    if isinstance(outcome, ProbeResult) and outcome.model == settings.model:
        show_probe(outcome)
    elif isinstance(outcome, NarrationError):
        st.error(outcome.user_message)
        if outcome.kind == "not_found" and st.button(f"Скачать модель «{settings.model}»"):
            run_pull(status.gateway, settings.model)


def model_notes(status: ServerStatus, settings: NarrationSettings) -> None:
    """What /api/show says about the chosen model that matters for the settings: trained context, thinking."""
    if not status.up or settings.model not in {m.name for m in status.models}:
        return
    try:
        context = status.gateway.context_length(settings.model)
        thinking = "thinking" in status.gateway.capabilities(settings.model)
    except NarrationError:
        return  # the list above already works; a failing /api/show only costs these hints
    if context:
        st.caption(f"«{settings.model}» рассчитана на контекст до {fmt_int(context)} токенов.")
        if settings.num_ctx > context:
            st.warning(
                f"num_ctx = {fmt_int(settings.num_ctx)} больше, чем модель умеет ({fmt_int(context)}): "
                f"уменьшите num_ctx до {fmt_int(context)} или меньше."
            )
    if thinking:
        st.caption("Модель умеет рассуждать перед ответом (thinking); Svodka выключает рассуждения, "
                   "чтобы текст начинался сразу.")


OPTION_FIELDS = ("system_prompt", "temperature", "top_p", "top_k", "repeat_penalty", "num_ctx", "num_predict")


def _form_key(name: str) -> str:
    return f"model_{name}"


def _fill_form_state(settings: NarrationSettings) -> None:
    """Widget values live under their keys; missing ones start from `settings`."""
    values = {name: getattr(settings, name) for name in OPTION_FIELDS}
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
        left.slider("temperature", 0.0, 2.0, step=0.05, key=key("temperature"),
                    help="Чем выше, тем разнообразнее и менее точен текст.")
        middle.slider("top_p", 0.0, 1.0, step=0.05, key=key("top_p"),
                      help="Выбор только из самых вероятных слов с суммарной вероятностью top_p.")
        right.number_input("top_k", 1, 1000, step=1, key=key("top_k"),
                           help="Выбор только из top_k самых вероятных слов.")
        left.number_input("repeat_penalty", 0.5, 2.0, step=0.05, key=key("repeat_penalty"),
                          help="Штраф за повторы: больше 1 — меньше повторов.")
        middle.number_input("num_ctx", 512, 262144, step=512, key=key("num_ctx"),
                            help="Размер контекста в токенах: промпт и ответ должны в него помещаться. "
                                 "Больше — дольше и больше памяти; смена перезагружает модель.")
        right.number_input("num_predict", 16, 8192, step=16, key=key("num_predict"),
                           help="Наибольшая длина ответа в токенах.")
        left.checkbox("Фиксированный seed", key=key("fixed_seed"),
                      help="Одинаковые факты и настройки дают одинаковый текст; "
                           "«Сгенерировать заново» пробует другой seed.")
        middle.number_input("seed", 0, 2**31 - 1, step=1, key=key("seed"))
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

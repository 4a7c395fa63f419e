"""The «Модель» page driven with AppTest against the fake Ollama server (real `ollama` client, 127.0.0.1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.journal import calls
from lib.narration.ollama import OllamaGateway, PullProgress
from lib.narration.server import PullMeter

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "08_model.py")
SETTINGS_KEY = "narration_settings"


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def click(at: AppTest, label: str) -> AppTest:
    button(at, label).click().run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> str:
    """The messages as a reader sees them: markdown escapes of names and addresses removed."""
    return re.sub(r"\\(.)", r"\1", "\n".join(e.value for e in elements))


def settings(at: AppTest):
    return at.session_state[SETTINGS_KEY]


def test_server_version_and_installed_models_listed(fake_ollama) -> None:
    at = run_page()
    assert "версия 0.33.0" in texts(at.success)
    table = at.dataframe[0].value
    assert list(table["Модель"]) == ["qwen2.5:3b", "qwen2.5:0.5b", "qwen3:4b"]
    sizes = dict(zip(table["Модель"], table["Размер"], strict=True))
    assert sizes["qwen2.5:3b"] == "1,8\xa0ГБ"  # 1 929 912 432 / 1024³ = 1,797…
    assert sizes["qwen2.5:0.5b"] == "379,4\xa0МБ"  # 397 821 319 / 1024² = 379,39…
    assert set(table["Квантование"]) == {"Q4_K_M"}
    params = dict(zip(table["Модель"], table["Параметров"], strict=True))
    assert params == {"qwen2.5:3b": "3,1\xa0млрд", "qwen2.5:0.5b": "494\xa0млн", "qwen3:4b": "4\xa0млрд"}
    assert dict(zip(table["Модель"], table["Семейство"], strict=True))["qwen3:4b"] == "qwen3"
    assert at.selectbox(key="model_choice").value == "qwen2.5:3b"  # OLLAMA_MODEL default


def test_choosing_a_model_makes_it_the_narration_model(fake_ollama) -> None:
    at = run_page()
    at.selectbox(key="model_choice").set_value("qwen2.5:0.5b").run()
    assert not at.exception
    assert settings(at).model == "qwen2.5:0.5b"
    assert "Для текстов выбрана модель «qwen2.5:0.5b»" in texts(at.success)
    at.run()
    assert at.selectbox(key="model_choice").value == "qwen2.5:0.5b"


def test_pull_streams_to_success_and_refreshes_the_list(fake_ollama) -> None:
    at = run_page()
    at.text_input(key="model_pull_tag").set_value("qwen2.5:1.5b")
    click(at, "Скачать модель")
    assert "Модель «qwen2.5:1.5b» скачана" in texts(at.success)
    assert "qwen2.5:1.5b" in list(at.dataframe[0].value["Модель"])
    assert {"model": "qwen2.5:1.5b", "stream": True}.items() <= fake_ollama.bodies("/api/pull")[-1].items()


def test_pull_progress_percentages_and_russian_statuses_from_the_real_stream(fake_ollama) -> None:
    meter = PullMeter()
    steps = [meter.update(p) for p in OllamaGateway(fake_ollama.url, 5).pull("qwen2.5:1.5b")]
    assert [share for share, _ in steps] == [0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0]
    assert steps[0][1] == "Получаю описание модели…"
    assert steps[2][1] == "Скачиваю: 488,3\xa0КБ из 976,6\xa0КБ (50\xa0%)"  # 500 000 and 1 000 000 bytes
    assert steps[4][1] == "Проверяю контрольную сумму…"
    assert steps[-1][1] == "Готово: модель скачана."
    assert meter.finished


def test_pull_share_counts_every_layer() -> None:
    mib = 1024 * 1024
    meter = PullMeter()
    assert meter.update(PullProgress("pulling aaa", 0, 9 * mib))[0] == 0.0
    assert meter.update(PullProgress("pulling aaa", 9 * mib, 9 * mib))[0] == 1.0
    share, text = meter.update(PullProgress("pulling bbb", 0, mib))  # a second, small layer appears
    assert share == 1.0  # 9 MiB of 10 MiB, but the bar never moves back
    assert text == "Скачиваю: 9\xa0МБ из 10\xa0МБ (90\xa0%)"
    assert meter.update(PullProgress("pulling bbb", mib // 2, mib))[0] == 1.0  # 9,5 of 10: still held
    assert not meter.finished


def test_pull_share_grows_over_all_layers_bytes_and_never_moves_back() -> None:
    mib = 1024 * 1024
    meter = PullMeter()
    shares = [meter.update(p)[0] for p in (
        PullProgress("pulling manifest", None, None),
        PullProgress("pulling aaa", 2 * mib, 8 * mib),  # 2 of 8
        PullProgress("pulling bbb", 0, 2 * mib),  # 2 of 10: held at 0,25
        PullProgress("pulling aaa", 6 * mib, 8 * mib),  # 6 of 10
        PullProgress("pulling bbb", 2 * mib, 2 * mib),  # 8 of 10
        PullProgress("verifying sha256 digest", None, None),
        PullProgress("success", None, None),
    )]
    assert shares == [0.0, 0.25, 0.25, 0.6, 0.8, 0.8, 1.0]
    assert meter.finished


def test_pull_of_unknown_tag_explains_in_russian(fake_ollama) -> None:
    at = run_page()
    at.text_input(key="model_pull_tag").set_value("qwen9:1b")
    click(at, "Скачать модель")
    message = texts(at.error)
    assert "Не удалось скачать модель «qwen9:1b»" in message
    assert "Проверьте имя модели" in message


def test_pull_with_empty_tag_asks_for_a_name(fake_ollama) -> None:
    at = run_page()
    click(at, "Скачать модель")
    assert "Введите имя модели" in texts(at.error)
    assert fake_ollama.bodies("/api/pull") == []


def test_model_missing_on_server_is_offered_for_download(fake_ollama, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_MODEL", "qwen2.5:7b")
    at = run_page()
    assert "Модели «qwen2.5:7b» из настроек нет на сервере" in texts(at.warning)
    assert at.text_input(key="model_pull_tag").value == "qwen2.5:7b"
    click(at, "Проверить модель")
    assert "Модели «qwen2.5:7b» нет на сервере Ollama" in texts(at.error)
    click(at, "Скачать модель «qwen2\\.5\\:7b»")  # a button label is markdown: the tag is escaped, shows as typed
    assert "Модель «qwen2.5:7b» скачана" in texts(at.success)
    assert at.selectbox(key="model_choice").value == "qwen2.5:7b"
    assert list(calls()["status"]) == ["not_found"]


def test_server_down_gives_russian_advice_and_the_page_still_works(fake_ollama) -> None:
    fake_ollama.down()
    at = run_page()
    message = texts(at.error)
    assert "Не удаётся подключиться к Ollama" in message
    assert "Запустите Ollama" in message
    assert not at.dataframe
    assert not [b for b in at.button if b.label in ("Скачать модель", "Проверить модель")]
    button(at, "Сохранить настройки")  # the generation settings stay editable without a server


def test_host_change_is_checked_and_becomes_the_setting(fake_ollama) -> None:
    at = run_page()
    at.text_input[0].set_value("http://127.0.0.1:9")
    click(at, "Проверить соединение")
    assert settings(at).host == "http://127.0.0.1:9"
    assert "Не удаётся подключиться к Ollama по адресу http://127.0.0.1:9" in texts(at.error)
    at.text_input[0].set_value(fake_ollama.url)
    click(at, "Проверить соединение")
    assert settings(at).host == fake_ollama.url
    assert not at.error
    assert "версия 0.33.0" in texts(at.success)


@pytest.mark.parametrize("host", ["не адрес", "localhost:abc", "ftp://example"])
def test_malformed_host_is_refused_in_russian_and_not_saved(fake_ollama, host: str) -> None:
    at = run_page()
    at.text_input[0].set_value(host)
    click(at, "Проверить соединение")
    assert f"«{host}» не похоже на адрес сервера Ollama" in texts(at.error)
    assert settings(at).host == fake_ollama.url
    assert "версия 0.33.0" in texts(at.success)  # the working server stays in use


def test_malformed_host_from_the_environment_does_not_break_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "localhost:abc")
    at = run_page()
    assert "«localhost:abc» не похоже на адрес сервера Ollama" in texts(at.error)
    button(at, "Сохранить настройки")


def test_probe_reports_load_first_token_speed_and_verdict(fake_ollama) -> None:
    fake_ollama.replies.append("Сводка экономит время аналитика и показывает главное сразу")  # 8 words = 8 tokens
    fake_ollama.prompt_eval_count = 45  # read in the fake's prompt_eval_duration of 1 s
    at = run_page()
    click(at, "Проверить модель")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Загрузка модели"] == "0,5 с"  # the fake's load_duration of 500 000 000 ns
    assert metrics["Скорость"] == "8 ток./с"  # 8 tokens in eval_duration 1 s
    assert metrics["Первый токен"].endswith(" с")
    assert metrics["Чтение запроса"] == "45 ток./с"
    assert "«qwen2.5:3b»: годится: ~19 с на абзац" in texts(at.success)  # 150 / 8 = 18,75
    assert "Сводка экономит время" in at.text[0].value
    journal = calls()
    assert list(journal["page"]) == ["model"]
    assert list(journal["status"]) == ["ok"]


def test_probe_timeout_during_model_load_says_what_to_do(fake_ollama, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVODKA_OLLAMA_TIMEOUT", "1")
    fake_ollama.fault = "slow_load"
    fake_ollama.load_seconds = 5.0
    at = run_page()
    click(at, "Проверить модель")
    message = texts(at.error)
    assert "Ollama не ответила за 1 с" in message
    assert "модель ещё загружается" in message
    assert list(calls()["status"]) == ["timeout"]


@pytest.mark.parametrize(("fault", "words"), [("http_500", "внутренней ошибке"), ("http_503", "занят")])
def test_probe_server_errors_are_russian(fake_ollama, fault: str, words: str) -> None:
    fake_ollama.fault = fault
    at = run_page()
    click(at, "Проверить модель")
    assert words in texts(at.error)


def test_settings_edits_reach_current_settings(fake_ollama) -> None:
    at = run_page()
    at.text_area[0].set_value("Пиши кратко и только по-русски.")
    next(s for s in at.select_slider if s.label == "Температура (temperature)").set_value(0.7)
    next(n for n in at.number_input if n.label == "Размер контекста (num_ctx)").set_value(4096)
    next(n for n in at.number_input if n.label == "Длина ответа (num_predict)").set_value(256)
    next(c for c in at.checkbox if c.label == "Фиксированное зерно (seed)").uncheck()
    click(at, "Сохранить настройки")
    saved = settings(at)
    assert saved.system_prompt == "Пиши кратко и только по-русски."
    assert saved.temperature == 0.7
    assert saved.num_ctx == 4096
    assert saved.num_predict == 256
    assert saved.seed is None
    assert saved.options()["num_ctx"] == 4096
    assert "Настройки сохранены" in texts(at.success)
    click(at, "Проверить модель")
    body = fake_ollama.chat_bodies[-1]
    assert body["options"]["temperature"] == 0.7
    assert body["options"]["num_ctx"] == 4096
    assert "seed" not in body["options"]


def test_empty_system_prompt_is_refused(fake_ollama) -> None:
    at = run_page()
    before = settings(at).system_prompt
    at.text_area[0].set_value("   ")
    click(at, "Сохранить настройки")
    assert "Системный промпт не может быть пустым" in texts(at.error)
    assert settings(at).system_prompt == before


def test_reset_restores_default_prompt_and_options_but_keeps_the_model(fake_ollama) -> None:
    from lib.narration.settings import DEFAULT_SYSTEM_PROMPT

    at = run_page()
    at.selectbox(key="model_choice").set_value("qwen2.5:0.5b").run()
    at.text_area[0].set_value("Другой промпт")
    next(s for s in at.select_slider if s.label == "Температура (temperature)").set_value(1.5)
    click(at, "Сохранить настройки")
    click(at, "Вернуть по умолчанию")
    restored = settings(at)
    assert restored.system_prompt == DEFAULT_SYSTEM_PROMPT
    assert restored.temperature == 0.2
    assert restored.model == "qwen2.5:0.5b"
    assert at.text_area[0].value == DEFAULT_SYSTEM_PROMPT


def test_trained_context_is_shown_and_a_larger_num_ctx_warned(fake_ollama) -> None:
    at = run_page()
    assert "«qwen2.5:3b» рассчитана на контекст до 32\xa0768 токенов." in texts(at.caption)
    assert not at.warning
    next(n for n in at.number_input if n.label == "Размер контекста (num_ctx)").set_value(65536)
    click(at, "Сохранить настройки")
    assert "Размер контекста (num_ctx) 65\xa0536 больше, чем модель умеет (32\xa0768)" in texts(at.warning)


def test_thinking_model_is_noted(fake_ollama) -> None:
    at = run_page()
    at.selectbox(key="model_choice").set_value("qwen3:4b").run()
    assert "умеет рассуждать" in texts(at.caption)


def test_generation_parameters_are_named_in_russian_first_with_decimal_commas(fake_ollama) -> None:
    at = run_page()
    sliders = {s.label: s for s in at.select_slider}
    assert set(sliders) == {"Температура (temperature)", "Порог вероятности (top_p)",
                            "Штраф за повторы (repeat_penalty)"}
    temperature = sliders["Температура (temperature)"]
    assert temperature.value == 0.2  # the default, NarrationSettings.temperature
    assert temperature.format_func(temperature.value) == "0,2"
    penalty = sliders["Штраф за повторы (repeat_penalty)"]
    assert penalty.format_func(penalty.value) == "1,1"
    assert sliders["Порог вероятности (top_p)"].format_func(0.9) == "0,9"
    numbers = {n.label for n in at.number_input}
    assert numbers == {"Число кандидатов (top_k)", "Размер контекста (num_ctx)", "Длина ответа (num_predict)",
                       "Зерно (seed)"}


def test_a_setting_between_scale_steps_starts_on_the_nearest_step() -> None:
    from lib.ui.model import SCALES, decimal_text, nearest_on_scale

    assert nearest_on_scale("temperature", 0.33) == 0.35
    assert nearest_on_scale("repeat_penalty", 5.0) == 2.0
    assert SCALES["temperature"][0] == 0.0 and SCALES["temperature"][-1] == 2.0
    assert [decimal_text(v) for v in (0.05, 1.0, 1.15)] == ["0,05", "1", "1,15"]


def test_a_failed_pull_logs_its_detail(fake_ollama, caplog: pytest.LogCaptureFixture) -> None:
    at = run_page()
    at.text_input(key="model_pull_tag").set_value("qwen9:1b")
    with caplog.at_level("WARNING", logger="lib.ui.pull"):
        click(at, "Скачать модель")
    record = next(r for r in caplog.records if r.name == "lib.ui.pull")
    assert record.getMessage().startswith("model pull failed (not_found): HTTP ")  # the status code is the detail
    assert record.exc_info is not None

"""«Проверить модель»: timing, verdict thresholds, language check and journalling, against the fake server."""

from __future__ import annotations

import pytest

from lib.errors import NarrationError
from lib.journal import calls
from lib.narration.ollama import OllamaGateway
from lib.narration.probe import (
    PROBE_NUM_PREDICT,
    PROBE_PROMPT,
    probe_model,
    speed_verdict,
)
from lib.narration.settings import NarrationSettings


def settings_for(url: str, **changes) -> NarrationSettings:
    return NarrationSettings(host=url, model="qwen2.5:3b", timeout=5.0, **changes)


def run_probe(fake, **changes):
    settings = settings_for(fake.url, **changes)
    return probe_model(OllamaGateway(settings.host, settings.timeout), settings)


def words(n: int) -> str:
    return " ".join(["слово"] * n)


def test_fast_model_is_usable_with_paragraph_estimate(fake_ollama) -> None:
    fake_ollama.replies.append(words(10))  # the fake reports one token per word in 1 s of generation
    result = run_probe(fake_ollama)
    assert result.tokens_per_second == 10.0
    assert result.paragraph_seconds == 15.0  # 150 tokens / 10 tok/s
    assert result.level == "good"
    assert result.verdict == "годится: ~15 с на абзац"
    assert result.load_seconds == 0.5  # the fake's load_duration, 500 000 000 ns
    assert result.first_token_seconds is not None and result.first_token_seconds >= 0
    assert result.text == words(10)
    assert result.usable
    assert result.language_warning is None


def test_three_tokens_per_second_is_slow(fake_ollama) -> None:
    fake_ollama.replies.append(words(3))
    result = run_probe(fake_ollama)
    assert result.level == "slow"
    assert result.verdict.startswith("медленно: ~50 с на абзац")
    assert result.usable


def test_one_token_per_second_is_too_slow_in_minutes(fake_ollama) -> None:
    fake_ollama.replies.append("слово")
    result = run_probe(fake_ollama)
    assert result.level == "too_slow"
    assert result.verdict.startswith("слишком медленно: ~2,5 мин на абзац")
    assert "поменьше" in result.verdict
    assert not result.usable


@pytest.mark.parametrize(
    ("speed", "level"),
    [(5.0, "good"), (4.99, "slow"), (1.25, "slow"), (1.24, "too_slow"), (None, "unknown")],
)
def test_thresholds_at_the_edges(speed, level) -> None:
    assert speed_verdict(speed)[0] == level


def test_probe_sends_short_russian_prompt_with_current_options_and_capped_length(fake_ollama) -> None:
    run_probe(fake_ollama, num_ctx=4096, temperature=0.7)
    body = fake_ollama.chat_bodies[-1]
    assert body["messages"][-1]["content"] == PROBE_PROMPT
    assert body["options"]["num_ctx"] == 4096
    assert body["options"]["temperature"] == 0.7
    assert body["options"]["num_predict"] == PROBE_NUM_PREDICT
    assert "think" not in body  # qwen2.5 cannot think: sending the flag would be a 400


def test_chinese_drift_is_reported(fake_ollama) -> None:
    fake_ollama.fault = "cjk"
    result = run_probe(fake_ollama)
    assert "иероглифы" in result.language_warning


def test_english_answer_is_reported(fake_ollama) -> None:
    fake_ollama.replies.append("Summaries help analysts.")
    assert "не по-русски" in run_probe(fake_ollama).language_warning


def test_successful_probe_is_journalled_with_page_model(fake_ollama) -> None:
    fake_ollama.replies.append(words(4))
    result = run_probe(fake_ollama)
    frame = calls()
    assert list(frame["id"]) == [result.call_id]
    row = frame.iloc[0]
    assert (row["page"], row["status"], row["model"], row["facts_kind"]) == ("model", "ok", "qwen2.5:3b", "probe")
    assert row["eval_count"] == 4
    assert row["total_duration"] == 2_500_000_000
    assert row["response"] == words(4)
    assert row["messages"][-1]["content"] == PROBE_PROMPT


def test_unknown_model_raises_not_found_and_is_journalled(fake_ollama) -> None:
    settings = NarrationSettings(host=fake_ollama.url, model="qwen9:1b", timeout=5.0)
    with pytest.raises(NarrationError) as caught:
        probe_model(OllamaGateway(settings.host, settings.timeout), settings)
    assert caught.value.kind == "not_found"
    assert "Скачайте её" in caught.value.user_message
    row = calls().iloc[0]
    assert (row["status"], row["model"], row["page"]) == ("not_found", "qwen9:1b", "model")
    assert "qwen9:1b" in row["error"]


def test_server_down_raises_connection_error_and_is_journalled(fake_ollama) -> None:
    fake_ollama.down()
    with pytest.raises(NarrationError) as caught:
        run_probe(fake_ollama)
    assert caught.value.kind == "connection"
    assert "Запустите Ollama" in caught.value.user_message
    assert list(calls()["status"]) == ["connection"]


def test_slow_load_times_out_with_russian_advice(fake_ollama) -> None:
    fake_ollama.fault = "slow_load"
    fake_ollama.load_seconds = 5.0
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b", timeout=0.5)
    with pytest.raises(NarrationError) as caught:
        probe_model(OllamaGateway(settings.host, settings.timeout), settings)
    assert caught.value.kind == "timeout"
    assert "загружается" in caught.value.user_message
    assert list(calls()["status"]) == ["timeout"]


@pytest.mark.parametrize(("fault", "kind"), [("http_500", "server"), ("http_503", "busy"),
                                             ("error_mid_stream", "stream_error"), ("cut_stream", "stream_cut")])
def test_server_faults_keep_their_kind_in_the_journal(fake_ollama, fault, kind) -> None:
    fake_ollama.fault = fault
    with pytest.raises(NarrationError) as caught:
        run_probe(fake_ollama)
    assert caught.value.kind == kind
    assert list(calls()["status"]) == [kind]


def test_an_endless_answer_ends_at_the_answer_deadline(fake_ollama) -> None:
    fake_ollama.fault = "slow_drip"
    with pytest.raises(NarrationError) as caught:
        run_probe(fake_ollama, answer_timeout=0.5)
    assert caught.value.kind == "answer_timeout"
    assert list(calls()["status"]) == ["answer_timeout"]
